package dev.satwatch.law;

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
 * @param a the scale A (&gt; 0)
 * @param alpha1 exponent of D1 in the amplitude (≥ 0)
 * @param alpha2 D2 exponent at D1 = 1 billion tokens
 * @param alpha3 rate at which the D2 exponent falls with ln D1 (&gt; 0 when reuse saturates)
 * @param e irreducible loss E (≥ 0)
 */
public record ReuseLaw(double a, double alpha1, double alpha2, double alpha3, double e) {

    /** Tokens per unit of the law's token axes. */
    public static final double TOKENS_PER_BILLION = 1e9;

    /** Converts raw tokens to the law's unit (billions of tokens). */
    public static double billions(double tokens) {
        return tokens / TOKENS_PER_BILLION;
    }

    /** The predicted D2 exponent {@code α2 − α3·ln D1} for a base trained on {@code d1} billion tokens. */
    public double alphaAt(double d1) {
        return d1 > 0 ? alpha2 - alpha3 * Math.log(d1) : Double.NaN;
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
        return e + amplitudeAt(d1) * Math.pow(d2, -alphaAt(d1));
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
