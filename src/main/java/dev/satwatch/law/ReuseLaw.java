package dev.satwatch.law;

import dev.satwatch.event.Numbers;
import dev.satwatch.fit.PowerLaw;

/**
 * The joint reuse law of Liew &amp; Kato (arXiv 2510.06548):
 *
 * <pre>
 *   L(D1, D2) = A · D1^(−α1) · D2^(−α(D1)) + E,   α(D1) = α2 − α3 · ln D1
 * </pre>
 *
 * with D1 (base-model pretraining tokens) and D2 (second-stage tokens) in <b>billions of tokens</b>
 * and natural logarithms, the units of every law parameter in satwatch. For fixed D1 the law is the
 * power law {@code L = E + B·D2^(−α)} with {@code B = A·D1^(−α1)}.
 *
 * <p>Edge cases: a non-positive or non-finite D1 or D2 gives {@code NaN}; a non-positive exponent
 * (D1 at or past saturation, {@code D1 ≥ exp(α2/α3)}) gives no gain and infinite tokens to any loss
 * below the current one. Immutable and thread-safe.
 *
 * <h2>Uncertainty</h2>
 *
 * A calibrated law carries the full covariance of its five constants ({@link LawCovariance}, from {@link
 * LawCalibrator}); a law built from constants alone ({@link #ReuseLaw(double, double, double, double, double)}, or
 * read from an old law file) has {@link LawCovariance#unknown()} and every standard error below is {@code NaN}.
 * The standard error of the predicted exponent uses the full covariance, not the diagonal: α2 and α3 are read off
 * the same runs' slopes, so {@code Cov(α2, α3)} is not zero and ignoring it would misstate the error.
 *
 * <h2>The setting's cooldown coefficient</h2>
 *
 * A law also carries the setting's C of the schedule-aware law {@code L = L0 + A·S1^(−α) − C·S2} (DESIGN §4b), the
 * median of the C fitted on each calibration run whose LR decayed ({@link LawCalibrator#cooldownC}): like E, a
 * setting-level quantity that a run still at its constant peak LR cannot show, used to put the cooldown gain into its
 * absolute forecasts. {@code NaN} when no calibration run decayed (or the law predates it).
 *
 * @param a the scale A (&gt; 0)
 * @param alpha1 exponent of D1 in the amplitude (≥ 0)
 * @param alpha2 D2 exponent at D1 = 1 billion tokens
 * @param alpha3 rate at which the D2 exponent falls with ln D1 (&gt; 0 when reuse saturates)
 * @param e irreducible loss E (≥ 0)
 * @param covariance covariance of {@code (A, α1, α2, α3, E)}; null is taken as {@link LawCovariance#unknown()}
 * @param cooldownC the setting's cooldown coefficient C of the schedule-aware law (at λ = 0.999), {@code NaN} when
 *     not known
 */
public record ReuseLaw(
        double a, double alpha1, double alpha2, double alpha3, double e, LawCovariance covariance, double cooldownC) {

    /** Normalises an absent covariance to unknown. */
    public ReuseLaw {
        covariance = covariance == null ? LawCovariance.unknown() : covariance;
    }

    /** A law from its five constants and covariance, with no cooldown coefficient. */
    public ReuseLaw(double a, double alpha1, double alpha2, double alpha3, double e, LawCovariance covariance) {
        this(a, alpha1, alpha2, alpha3, e, covariance, Double.NaN);
    }

    /** A law from its five constants, with unknown uncertainty. */
    public ReuseLaw(double a, double alpha1, double alpha2, double alpha3, double e) {
        this(a, alpha1, alpha2, alpha3, e, LawCovariance.unknown());
    }

    /** These constants with another covariance. */
    public ReuseLaw withCovariance(LawCovariance cov) {
        return new ReuseLaw(a, alpha1, alpha2, alpha3, e, cov, cooldownC);
    }

    /** This law with the setting's cooldown coefficient ({@code NaN} for none). */
    public ReuseLaw withCooldownC(double c) {
        return new ReuseLaw(a, alpha1, alpha2, alpha3, e, covariance, c);
    }

    /** Whether the setting's cooldown coefficient is known: finite and positive. */
    public boolean hasCooldownC() {
        return Double.isFinite(cooldownC) && cooldownC > 0;
    }

    /** Whether this law carries an estimated covariance. */
    public boolean hasCovariance() {
        return covariance.known();
    }

    /** Converts raw tokens to the law's unit (billions of tokens). */
    public static double billions(double tokens) {
        return tokens / Numbers.TOKENS_PER_BILLION;
    }

    /** The predicted D2 exponent {@code α2 − α3·ln D1} for a base trained on {@code d1} billion tokens. */
    public double alphaAt(double d1) {
        return d1 > 0 ? alpha2 - alpha3 * Math.log(d1) : Double.NaN;
    }

    /**
     * Standard error of the predicted exponent {@code α(D1) = α2 − α3·ln D1} from the full covariance (delta method,
     * exact for this linear function): {@code √(Var α2 + ln²D1·Var α3 − 2·ln D1·Cov(α2, α3))}. {@code NaN} when the
     * law has no covariance or {@code d1} is not positive.
     *
     * @param d1Billions base-model pretraining tokens, in billions
     */
    public double alphaStdErr(double d1Billions) {
        if (!(d1Billions > 0) || Double.isInfinite(d1Billions) || !hasCovariance()) {
            return Double.NaN;
        }
        double x = Math.log(d1Billions);
        double var = covariance.get(LawCovariance.ALPHA2, LawCovariance.ALPHA2)
                + x * x * covariance.get(LawCovariance.ALPHA3, LawCovariance.ALPHA3)
                - 2 * x * covariance.get(LawCovariance.ALPHA2, LawCovariance.ALPHA3);
        // A covariance is positive semi-definite, so var ≥ 0 up to rounding.
        return Math.sqrt(Math.max(var, 0.0));
    }

    /**
     * The 95 % interval of {@code α(D1)}: {@code alphaAt(d1) ± t·alphaStdErr(d1)}, with the Student-t quantile of
     * the calibration's residual degrees of freedom (the normal quantile when unknown). Both ends {@code NaN} when
     * there is no covariance.
     */
    public LawInterval alphaInterval(double d1Billions) {
        return LawInterval.around(alphaAt(d1Billions), alphaStdErr(d1Billions), covariance.quantile());
    }

    /** Standard error of α3 ({@code NaN} without a covariance). */
    public double alpha3StdErr() {
        return covariance.stdErr(LawCovariance.ALPHA3);
    }

    /** The 95 % interval of α3; α3 &gt; 0 (the whole interval above 0) means reuse saturates as D1 grows. */
    public LawInterval alpha3Interval() {
        return LawInterval.around(alpha3, alpha3StdErr(), covariance.quantile());
    }

    /** The sign of α3 judged by its 95 % interval: saturation, negative, not significant, or unknown. */
    public Alpha3Sign alpha3Sign() {
        return Alpha3Sign.of(alpha3Interval());
    }

    /** The amplitude {@code B(D1) = A·D1^(−α1)} of the per-run power law. */
    public double amplitudeAt(double d1) {
        return d1 > 0 ? a * Math.pow(d1, -alpha1) : Double.NaN;
    }

    /** Predicted loss after {@code d2} billion second-stage tokens on a base of {@code d1} billion. */
    public double loss(double d1, double d2) {
        if (!(d1 > 0) || !(d2 > 0)) {
            return Double.NaN;
        }
        return new PowerLaw(e, amplitudeAt(d1), alphaAt(d1)).at(d2);
    }

    /**
     * Marginal gain {@code −∂L/∂D2 = α(D1)·(L − E)/D2}: loss removed per extra billion tokens at
     * {@code d2}; zero once the exponent is non-positive.
     */
    public double marginalGainPerBillion(double d1, double d2) {
        double alpha = alphaAt(d1);
        double l = loss(d1, d2);
        if (Double.isNaN(alpha) || Double.isNaN(l)) {
            return Double.NaN;
        }
        return alpha <= 0 ? 0.0 : alpha * (l - e) / d2;
    }

    /** Loss removed between {@code fromD2} and {@code toD2} billion tokens (≥ 0 when the exponent is). */
    public double gainBetween(double d1, double fromD2, double toD2) {
        return loss(d1, fromD2) - loss(d1, toD2);
    }

    /**
     * Second-stage tokens (billions) needed to reach {@code targetLoss}: {@code D2 = ((L − E)/B)^(−1/α)}.
     * Infinite when the target is at or below E or the exponent is non-positive; NaN for bad input.
     */
    public double tokensToReach(double d1, double targetLoss) {
        double alpha = alphaAt(d1);
        double amp = amplitudeAt(d1);
        if (Double.isNaN(alpha) || Double.isNaN(amp) || Double.isNaN(targetLoss)) {
            return Double.NaN;
        }
        if (targetLoss <= e || alpha <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.pow((targetLoss - e) / amp, -1.0 / alpha);
    }

    /** The base size (billions of tokens) at which the predicted exponent reaches zero: {@code exp(α2/α3)}. */
    public double saturationD1() {
        return alpha3 > 0 ? Math.exp(alpha2 / alpha3) : Double.POSITIVE_INFINITY;
    }
}
