package dev.satwatch.detect;

import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.FitResult;
import dev.satwatch.law.ReuseLaw;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The alert rules of DESIGN §5 as pure functions of (alert state, numbers, {@link DetectConfig}) → alert
 * transitions. The stream processor only feeds them and forwards what they return.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>BASE_OVERTRAINED</b> ({@link #onBase}): the law's {@code α(D1) = α2 − α3·ln D1} (D1 in billions) is below
 *       {@code baseAlphaFloor}, or {@code D1/params > overtrainTokensPerParam}. Opens and resolves at once (it is a
 *       fact about the run's metadata and the current law, re-evaluated when either changes).
 *   <li><b>EXPONENT_BELOW_PREDICTION</b>, <b>DIMINISHING_RETURNS</b>, <b>FIT_UNRELIABLE</b> ({@link #onFit}): judged
 *       on each refit with hysteresis ({@code openAfter}/{@code resolveAfter} consecutive refits). The "decision
 *       fit" is the fit with the law's E fixed when it is reliable (much tighter than the free fit on a short
 *       curve, where E and α trade off), else the free fit when reliable, else none. Exponent: upper 95 % bound of
 *       α below {@code alpha_predicted − exponentTolerance}, from the law-E fit (else the free fit) as soon as it has
 *       a finite interval ({@link #exponentFit}). Returns: the decision fit's
 *       {@code −∂L/∂D2 = α·(L̂ − E)/D2} per billion tokens below {@code minGainPerBillion}, or its projected gain
 *       {@code L̂(D2) − L̂(target)} below {@code minRemainingGain}; it carries {@code tokensSaved = target − D2}.
 *       Both judge only after {@code minProgressFraction} of the budget (without a budget: once the fit set has
 *       {@code unreliableMinBins} bins); returns are judged only until {@code 1 − minProgressFraction} of the budget,
 *       because near its end every run's remaining gain is small and a stop would save little. Unreliable: at least {@code unreliableMinBins} fit bins and no decision
 *       fit. A refit that cannot be judged leaves the streaks as they are.
 *   <li><b>LOSS_SPIKE</b> ({@link #onPoint}): {@code ln(loss/expected) > spikeMadK · scale} and
 *       {@code loss/expected − 1 > spikeMinRel}, where {@code scale} is the robust (1.4826·MAD) scale of recent log
 *       residuals supplied by the caller. Opens on the spiking point, resolves after {@code resolveAfter} clean
 *       points.
 *   <li><b>DIVERGENCE</b> ({@link #onNonFiniteLoss}, {@link #onPoint}): a non-finite loss opens it at once
 *       (CRITICAL); so do {@code divergenceRisePoints} consecutive in-order rises totalling more than
 *       {@code divergenceRiseRel} (and, when the noise scale is known, more than {@code spikeMadK} scales in log). Resolves after {@code resolveAfter} finite, non-rising points.
 *   <li><b>STALLED</b> ({@link #onSilence}, {@link #onActivity}): wall-clock silence of at least
 *       {@code stalledAfter} opens it; the next event resolves it.
 *   <li>{@link #onFinished}: a finished run resolves every open alert (the run can no longer act on them).
 * </ul>
 *
 * Every alert carries the triggering numbers in {@code values} (snake_case keys) and a sentence quoting them.
 *
 * <p>Immutable and thread-safe (the {@link AlertState} passed in is mutated and must have one owner). Never throws
 * on NaN input: a rule whose numbers are missing is simply not evaluated.
 */
public final class AlertRules {

    private final DetectConfig config;

    private AlertRules(DetectConfig config) {
        this.config = config;
    }

    /** Rules with the given thresholds. */
    public static AlertRules create(DetectConfig config) {
        return new AlertRules(Objects.requireNonNull(config, "config"));
    }

    /** The thresholds. */
    public DetectConfig config() {
        return config;
    }

    /**
     * BASE_OVERTRAINED: evaluates the run's base against the law (at run start, on a metadata change, on a new law).
     *
     * @param law the law of the run's setting, or null
     */
    public List<Alert> onBase(AlertState state, AlertContext ctx, RunMeta meta, ReuseLaw law) {
        double d1 = ReuseLaw.billions(meta.d1Tokens());
        double alpha = law != null && meta.isReuse() ? law.alphaAt(d1) : Double.NaN;
        double perParam = meta.isReuse() && meta.params() > 0 ? meta.d1Tokens() / meta.params() : Double.NaN;
        if (Double.isNaN(alpha) && Double.isNaN(perParam)) {
            return List.of();
        }
        boolean lowAlpha = alpha < config.baseAlphaFloor();
        boolean overtrained = perParam > config.overtrainTokensPerParam();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("d1_tokens", meta.d1Tokens());
        values.put("alpha_predicted", alpha);
        values.put("alpha_floor", config.baseAlphaFloor());
        values.put("tokens_per_param", perParam);
        values.put("tokens_per_param_limit", config.overtrainTokensPerParam());
        Transition t = lowAlpha || overtrained
                ? state.open(AlertType.BASE_OVERTRAINED)
                : state.resolve(AlertType.BASE_OVERTRAINED);
        String msg;
        if (t == Transition.OPENED) {
            msg = lowAlpha
                    ? String.format(
                            Locale.ROOT,
                            "Base model trained on %s tokens: the law predicts a D2 exponent of %s, below the floor %s;"
                                    + " further training of this base will saturate quickly.",
                            num(meta.d1Tokens()),
                            num(alpha),
                            num(config.baseAlphaFloor()))
                    : String.format(
                            Locale.ROOT,
                            "Base model saw %s tokens per parameter (limit %s, compute-optimal about 20): reuse will"
                                    + " saturate.",
                            num(perParam),
                            num(config.overtrainTokensPerParam()));
        } else {
            msg = String.format(
                    Locale.ROOT,
                    "Base model no longer counts as overtrained: predicted exponent %s, %s tokens per parameter.",
                    num(alpha),
                    num(perParam));
        }
        return emit(state, t, ctx, AlertType.BASE_OVERTRAINED, Alert.Severity.WARNING, values, Double.NaN, msg);
    }

    /**
     * EXPONENT_BELOW_PREDICTION, DIMINISHING_RETURNS and FIT_UNRELIABLE after one refit.
     *
     * @param estimate the refit's estimate (its alphaPredicted is NaN without a law)
     */
    public List<Alert> onFit(AlertState state, AlertContext ctx, RunEstimate estimate) {
        List<Alert> out = new ArrayList<>();
        double target = estimate.targetD2Tokens();
        double now = estimate.d2Tokens();
        boolean hasTarget = target > 0 && target < Double.POSITIVE_INFINITY;
        double progress = hasTarget ? now / target : Double.NaN;
        boolean judged = hasTarget
                ? progress >= config.minProgressFraction()
                : estimate.binsUsed() >= config.unreliableMinBins();
        FitResult decision = decisionFit(estimate);

        if (estimate.binsUsed() >= config.unreliableMinBins()) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("bins_used", (double) estimate.binsUsed());
            values.put("points_used", (double) estimate.pointsUsed());
            values.put("alpha", estimate.fit().alpha());
            values.put("alpha_ci_low", estimate.fit().alphaCiLow());
            values.put("alpha_ci_high", estimate.fit().alphaCiHigh());
            Transition t = state.observe(
                    AlertType.FIT_UNRELIABLE, decision == null, config.openAfter(), config.resolveAfter());
            String msg = t == Transition.OPENED
                    ? String.format(
                            Locale.ROOT,
                            "Fit of %s bins (%s points) is not reliable (%s): alpha %s, 95%% interval [%s, %s];"
                                    + " the curve cannot be judged yet.",
                            estimate.binsUsed(),
                            estimate.pointsUsed(),
                            estimate.fit().reliability().name().toLowerCase(Locale.ROOT),
                            num(estimate.fit().alpha()),
                            num(estimate.fit().alphaCiLow()),
                            num(estimate.fit().alphaCiHigh()))
                    : String.format(
                            Locale.ROOT,
                            "Fit is reliable again on %s bins: alpha %s.",
                            estimate.binsUsed(),
                            num(decision == null ? Double.NaN : decision.alpha()));
            out.addAll(emit(state, t, ctx, AlertType.FIT_UNRELIABLE, Alert.Severity.INFO, values, Double.NaN, msg));
        }
        if (!judged) {
            return out;
        }
        FitResult exponent = exponentFit(estimate);
        String exponentSource = exponent == null ? "none" : exponent == estimate.fixedE() ? "law E" : "free";

        double predicted = estimate.alphaPredicted();
        if (Double.isFinite(predicted) && exponent != null) {
            double high = exponent.alphaCiHigh();
            boolean below = high < predicted - config.exponentTolerance();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("alpha", exponent.alpha());
            values.put("alpha_ci_low", exponent.alphaCiLow());
            values.put("alpha_ci_high", high);
            values.put("alpha_predicted", predicted);
            values.put("tolerance", config.exponentTolerance());
            values.put("progress", progress);
            Transition t = state.observe(
                    AlertType.EXPONENT_BELOW_PREDICTION, below, config.openAfter(), config.resolveAfter());
            String msg = t == Transition.OPENED
                    ? String.format(
                            Locale.ROOT,
                            "Measured D2 exponent %s (95%% interval up to %s, %s fit) is below the law's prediction"
                                    + " %s by more than %s: this run gains less per token than its setting predicts.",
                            num(exponent.alpha()),
                            num(high),
                            exponentSource,
                            num(predicted),
                            num(config.exponentTolerance()))
                    : String.format(
                            Locale.ROOT,
                            "Measured D2 exponent %s (95%% interval up to %s) is back within %s of the prediction %s.",
                            num(exponent.alpha()),
                            num(high),
                            num(config.exponentTolerance()),
                            num(predicted));
            out.addAll(emit(
                    state,
                    t,
                    ctx,
                    AlertType.EXPONENT_BELOW_PREDICTION,
                    Alert.Severity.WARNING,
                    values,
                    Double.NaN,
                    msg));
        }

        if (decision == null) {
            return out;
        }
        double nowB = ReuseLaw.billions(now);
        double gain = nowB > 0 ? decision.alpha() * (decision.predict(nowB) - decision.e()) / nowB : Double.NaN;
        double remaining = hasTarget
                ? Math.max(0.0, decision.predict(nowB) - decision.predict(ReuseLaw.billions(target)))
                : Double.NaN;
        // A stop recommendation is only worth making while a real share of the budget is left: near the end every
        // run's remaining gain is small, healthy or not.
        boolean worthStopping = !hasTarget || progress <= 1 - config.minProgressFraction();
        if (Double.isFinite(gain) && worthStopping) {
            boolean diminishing = gain < config.minGainPerBillion()
                    || (Double.isFinite(remaining) && remaining < config.minRemainingGain());
            double saved = hasTarget ? Math.max(0.0, target - now) : Double.NaN;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("gain_per_billion_tokens", gain);
            values.put("min_gain_per_billion_tokens", config.minGainPerBillion());
            values.put("remaining_gain", remaining);
            values.put("min_remaining_gain", config.minRemainingGain());
            values.put("d2_tokens", now);
            values.put("target_d2_tokens", target);
            values.put("progress", progress);
            Transition t = state.observe(
                    AlertType.DIMINISHING_RETURNS, diminishing, config.openAfter(), config.resolveAfter());
            String msg = t == Transition.OPENED
                    ? String.format(
                            Locale.ROOT,
                            "Diminishing returns at %s tokens (%s of budget): %s loss per extra billion tokens,"
                                    + " %s left to gain until the target; stopping now would save %s tokens.",
                            num(now),
                            pct(progress),
                            num(gain),
                            num(remaining),
                            num(saved))
                    : String.format(
                            Locale.ROOT,
                            "Returns recovered at %s tokens: %s loss per billion tokens, %s left to gain.",
                            num(now),
                            num(gain),
                            num(remaining));
            out.addAll(emit(state, t, ctx, AlertType.DIMINISHING_RETURNS, Alert.Severity.WARNING, values, saved, msg));
        }
        return out;
    }

    /**
     * LOSS_SPIKE and the sustained-rise part of DIVERGENCE for one finite loss point.
     *
     * @param loss the point's loss
     * @param expected the loss the run's curve expects at this D2 (NaN when unknown: no spike check)
     * @param robustScale robust scale of recent log residuals (NaN when unknown: no spike check)
     * @param risingPoints consecutive in-order rises ending at this point (0 when it did not rise)
     * @param riseRel total relative rise over those points
     */
    public List<Alert> onPoint(
            AlertState state,
            AlertContext ctx,
            double loss,
            double expected,
            double robustScale,
            int risingPoints,
            double riseRel) {
        List<Alert> out = new ArrayList<>();
        if (expected > 0 && Double.isFinite(expected) && robustScale >= 0 && Double.isFinite(loss)) {
            double residual = Math.log(loss / expected);
            double rel = loss / expected - 1;
            boolean spike = isSpike(loss, expected, robustScale);
            Transition t = state.observe(AlertType.LOSS_SPIKE, spike, 1, config.resolveAfter());
            // This runs for every point: build the numbers and the sentence only for a transition.
            if (t != Transition.NONE) {
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("loss", loss);
                values.put("expected_loss", expected);
                values.put("log_residual", residual);
                values.put("robust_scale", robustScale);
                values.put("k", config.spikeMadK());
                String msg = t == Transition.OPENED
                        ? String.format(
                                Locale.ROOT,
                                "Loss spike at %s tokens: loss %s is %s above the expected %s (%s robust scales).",
                                num(ctx.d2Tokens()),
                                num(loss),
                                pct(rel),
                                num(expected),
                                num(robustScale > 0 ? residual / robustScale : Double.POSITIVE_INFINITY))
                        : String.format(
                                Locale.ROOT,
                                "Loss back within its band: %s vs expected %s after %s clean points.",
                                num(loss),
                                num(expected),
                                config.resolveAfter());
                out.addAll(emit(state, t, ctx, AlertType.LOSS_SPIKE, Alert.Severity.WARNING, values, Double.NaN, msg));
            }
        }
        // With a known noise scale the rise must also exceed the spike band, so noisy curves need a larger rise.
        boolean rising = risingPoints >= config.divergenceRisePoints()
                && riseRel > config.divergenceRiseRel()
                && !(Math.log1p(riseRel) <= config.spikeMadK() * robustScale);
        Transition t = state.observe(AlertType.DIVERGENCE, rising, 1, config.resolveAfter());
        if (t == Transition.NONE) {
            return out;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("rising_points", (double) risingPoints);
        values.put("rise", riseRel);
        String msg = t == Transition.OPENED
                ? String.format(
                        Locale.ROOT,
                        "Loss diverging: it rose on %s consecutive points by %s in total, to %s at %s tokens.",
                        risingPoints,
                        pct(riseRel),
                        num(loss),
                        num(ctx.d2Tokens()))
                : String.format(
                        Locale.ROOT,
                        "Loss stable again: %s at %s tokens after %s non-rising points.",
                        num(loss),
                        num(ctx.d2Tokens()),
                        config.resolveAfter());
        out.addAll(emit(state, t, ctx, AlertType.DIVERGENCE, Alert.Severity.CRITICAL, values, Double.NaN, msg));
        return out;
    }

    /** DIVERGENCE at once for a non-finite loss. */
    public List<Alert> onNonFiniteLoss(AlertState state, AlertContext ctx, double loss, long step) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("step", (double) step);
        // Reset the streak so that resolving needs resolveAfter clean points counted from here.
        state.observe(AlertType.DIVERGENCE, true, Integer.MAX_VALUE, 1);
        Transition t = state.open(AlertType.DIVERGENCE);
        String msg = String.format(
                Locale.ROOT,
                "Loss diverged: non-finite loss %s at step %s (%s tokens); check the run now.",
                loss,
                step,
                num(ctx.d2Tokens()));
        return emit(state, t, ctx, AlertType.DIVERGENCE, Alert.Severity.CRITICAL, values, Double.NaN, msg);
    }

    /** STALLED after {@code silence} of wall-clock time without events. */
    public List<Alert> onSilence(AlertState state, AlertContext ctx, Duration silence) {
        if (silence.compareTo(config.stalledAfter()) < 0) {
            return List.of();
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("silent_seconds", (double) silence.toSeconds());
        values.put("stalled_after_seconds", (double) config.stalledAfter().toSeconds());
        String msg = String.format(
                Locale.ROOT,
                "No events for %s s (limit %s s) at %s tokens: the run looks stalled.",
                silence.toSeconds(),
                config.stalledAfter().toSeconds(),
                num(ctx.d2Tokens()));
        return emit(
                state,
                state.open(AlertType.STALLED),
                ctx,
                AlertType.STALLED,
                Alert.Severity.WARNING,
                values,
                Double.NaN,
                msg);
    }

    /** Resolves STALLED when an event arrives. */
    public List<Alert> onActivity(AlertState state, AlertContext ctx) {
        String msg = String.format(Locale.ROOT, "Events are flowing again at %s tokens.", num(ctx.d2Tokens()));
        return emit(
                state,
                state.resolve(AlertType.STALLED),
                ctx,
                AlertType.STALLED,
                Alert.Severity.WARNING,
                Map.of(),
                Double.NaN,
                msg);
    }

    /** Resolves every open alert of a finished run. */
    public List<Alert> onFinished(AlertState state, AlertContext ctx, String status) {
        List<Alert> out = new ArrayList<>();
        for (AlertType type : state.openAlerts()) {
            String msg = String.format(
                    Locale.ROOT, "Run finished (%s) at %s tokens; alert closed.", status, num(ctx.d2Tokens()));
            out.addAll(emit(state, state.resolve(type), ctx, type, severity(type), Map.of(), Double.NaN, msg));
        }
        return out;
    }

    /** The severity each type is emitted with. */
    public static Alert.Severity severity(AlertType type) {
        return switch (type) {
            case DIVERGENCE -> Alert.Severity.CRITICAL;
            case FIT_UNRELIABLE -> Alert.Severity.INFO;
            default -> Alert.Severity.WARNING;
        };
    }

    /**
     * Whether a point counts as a spike (the LOSS_SPIKE condition of {@link #onPoint}); false when any number is
     * missing.
     */
    public boolean isSpike(double loss, double expected, double robustScale) {
        if (!(expected > 0 && Double.isFinite(expected) && robustScale >= 0 && Double.isFinite(loss))) {
            return false;
        }
        return Math.log(loss / expected) > config.spikeMadK() * robustScale
                && loss / expected - 1 > config.spikeMinRel();
    }

    /**
     * The fit the exponent rule tests: the law-E fit when it converged with a finite interval, else the free fit
     * likewise, else null. Unlike {@link #decisionFit} it need not be "reliable": a saturating run's exponent is
     * small, so its interval is often wider than the exponent itself, yet its upper end can still lie clearly below
     * the prediction, which is all this rule asks.
     */
    public static FitResult exponentFit(RunEstimate estimate) {
        for (FitResult f : new FitResult[] {estimate.fixedE(), estimate.fit()}) {
            if (f != null && f.converged() && Double.isFinite(f.alphaCiHigh())) {
                return f;
            }
        }
        return null;
    }

    /** The fit decisions rest on: law-E fit when reliable, else the free fit when reliable, else null. */
    public static FitResult decisionFit(RunEstimate estimate) {
        if (estimate.fixedE() != null && estimate.fixedE().reliable()) {
            return estimate.fixedE();
        }
        return estimate.fit() != null && estimate.fit().reliable() ? estimate.fit() : null;
    }

    private static List<Alert> emit(
            AlertState state,
            Transition t,
            AlertContext ctx,
            AlertType type,
            Alert.Severity severity,
            Map<String, Double> values,
            double tokensSaved,
            String message) {
        if (t == Transition.NONE) {
            return List.of();
        }
        Map<String, Double> clean = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                clean.put(k, v);
            }
        });
        Alert.State s = t == Transition.OPENED ? Alert.State.OPEN : Alert.State.RESOLVED;
        return List.of(new Alert(
                ctx.runId(),
                ctx.setting(),
                type,
                severity,
                s,
                state.sequence(type),
                ctx.ts(),
                ctx.d2Tokens(),
                clean,
                s == Alert.State.OPEN ? tokensSaved : Double.NaN,
                message));
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f %%", 100 * v) : "n/a";
    }
}
