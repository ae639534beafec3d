package dev.satwatch.detect;

import static dev.satwatch.detect.AlertEmit.emit;
import static dev.satwatch.detect.AlertEmit.num;
import static dev.satwatch.detect.AlertEmit.tokens;

import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.Numbers;
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
 *       on each refit from {@code stopMinBudgetFraction} of the budget (without a budget: once the fit set has
 *       {@code unreliableMinBins} bins), with hysteresis ({@code openAfter}/{@code resolveAfter} consecutive refits).
 *       Returns: the {@link EarlyStop} decision — stop while the upper bound of the relative loss given up is at most
 *       {@code stopMaxLossGivenUp}; the alert carries g, g⁺, the budget fraction and the tokens (and cost) a stop
 *       saves net of the cooldown. Exponent: the upper 95 % bound of the measured α (law-E fit, else the free fit)
 *       below the law's lower 95 % bound minus {@code exponentTolerance}; a warning, never a stop on its own.
 *       Unreliable: the decision quantity cannot be bounded (too few fit points for a trend). A refit that cannot be
 *       judged leaves the streaks as they are.
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

    /** Two-sided 95 % normal quantile, for the law's interval. */
    private static final double Z95 = 1.959964;

    private final DetectConfig config;
    private final EarlyStop earlyStop;
    private final PointRules points;

    private AlertRules(DetectConfig config) {
        this.config = config;
        this.earlyStop = EarlyStop.create(config);
        this.points = new PointRules(config);
    }

    /** The early-stop policy these rules use. */
    public EarlyStop earlyStop() {
        return earlyStop;
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
     * @param stop the refit's decision quantity ({@link EarlyStop#assess})
     */
    public List<Alert> onFit(AlertState state, AlertContext ctx, RunEstimate estimate, StopAssessment stop) {
        List<Alert> out = new ArrayList<>();
        double target = estimate.targetD2Tokens();
        double now = estimate.d2Tokens();
        boolean hasTarget = target > 0 && target < Double.POSITIVE_INFINITY;
        double progress = hasTarget ? now / target : Double.NaN;
        boolean judged = hasTarget
                ? progress >= config.stopMinBudgetFraction()
                : estimate.binsUsed() >= config.unreliableMinBins();

        if (judged && stop.judged()) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("bins_used", (double) estimate.binsUsed());
            values.put("points_used", (double) estimate.pointsUsed());
            values.put("budget_fraction", progress);
            Transition t =
                    state.observe(AlertType.FIT_UNRELIABLE, !stop.bounded(), config.openAfter(), config.resolveAfter());
            String msg = t == Transition.OPENED
                    ? String.format(
                            Locale.ROOT,
                            "The loss given up by stopping cannot be bounded yet (%s; %s bins, %s points in the fit"
                                    + " set): no stop recommendation until it can.",
                            stop.note(),
                            estimate.binsUsed(),
                            estimate.pointsUsed())
                    : String.format(
                            Locale.ROOT,
                            "The loss given up by stopping is bounded again: at most %s.",
                            Numbers.percent(stop.lossGivenUpUpper()));
            out.addAll(emit(state, t, ctx, AlertType.FIT_UNRELIABLE, Alert.Severity.INFO, values, Double.NaN, msg));
        }
        if (!judged) {
            return out;
        }
        out.addAll(exponentRule(state, ctx, estimate, progress));
        return out;
    }

    /**
     * EXPONENT_BELOW_PREDICTION: the measured exponent's upper 95 % bound below the law's lower 95 % bound (the
     * prediction minus 1.96 of its standard error from the law's covariance, when the law carries one) by more
     * than the tolerance. A warning: it never recommends a stop by itself.
     */
    private List<Alert> exponentRule(AlertState state, AlertContext ctx, RunEstimate estimate, double progress) {
        FitResult exponent = exponentFit(estimate);
        double predicted = estimate.alphaPredicted();
        if (!Double.isFinite(predicted) || exponent == null) {
            return List.of();
        }
        String exponentSource = exponent == estimate.fixedE() ? "law E" : "free";
        double predictedSe = estimate.alphaPredictedStdErr();
        double predictedLow = Double.isFinite(predictedSe) ? predicted - Z95 * predictedSe : predicted;
        double high = exponent.alphaCiHigh();
        boolean below = high < predictedLow - config.exponentTolerance();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("alpha", exponent.alpha());
        values.put("alpha_ci_low", exponent.alphaCiLow());
        values.put("alpha_ci_high", high);
        values.put("alpha_predicted", predicted);
        values.put("alpha_predicted_ci_low", predictedLow);
        values.put("tolerance", config.exponentTolerance());
        values.put("progress", progress);
        Transition t =
                state.observe(AlertType.EXPONENT_BELOW_PREDICTION, below, config.openAfter(), config.resolveAfter());
        String msg = t == Transition.OPENED
                ? String.format(
                        Locale.ROOT,
                        "Measured D2 exponent %s (95%% interval up to %s, %s fit) is below the law's prediction %s"
                                + " (95%% interval from %s) by more than %s: this run gains less per token than its"
                                + " setting predicts. A warning, not a stop: see the loss given up.",
                        num(exponent.alpha()),
                        num(high),
                        exponentSource,
                        num(predicted),
                        num(predictedLow),
                        num(config.exponentTolerance()))
                : String.format(
                        Locale.ROOT,
                        "Measured D2 exponent %s (95%% interval up to %s) is back within %s of the prediction %s.",
                        num(exponent.alpha()),
                        num(high),
                        num(config.exponentTolerance()),
                        num(predicted));
        return emit(
                state, t, ctx, AlertType.EXPONENT_BELOW_PREDICTION, Alert.Severity.WARNING, values, Double.NaN, msg);
    }

    /**
     * DIMINISHING_RETURNS: the stop recommendation of {@link EarlyStop}, with hysteresis (opens after
     * {@code openAfter} consecutive assessments at or below the threshold, resolves after {@code resolveAfter}
     * above it). An assessment that is not judged or not bounded leaves the streak as it is.
     *
     * @param now D2 seen so far
     * @param target the budget, NaN when unknown
     */
    public List<Alert> onStop(AlertState state, AlertContext ctx, StopAssessment stop, double now, double target) {
        if (!stop.judged() || !stop.bounded()) {
            return List.of();
        }
        boolean stopNow = earlyStop.recommends(stop);
        Transition t = state.observe(AlertType.DIMINISHING_RETURNS, stopNow, config.openAfter(), config.resolveAfter());
        if (t == Transition.NONE) {
            // Assessed on every point: build the numbers and the sentence only for a transition.
            return List.of();
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss_given_up", stop.lossGivenUp());
        values.put("loss_given_up_upper", stop.lossGivenUpUpper());
        values.put("max_loss_given_up", config.stopMaxLossGivenUp());
        values.put("budget_fraction", stop.budgetFraction());
        values.put("d2_tokens", now);
        values.put("target_d2_tokens", target);
        values.put("tokens_saved", stop.tokensSaved());
        values.put("cost_saved", stop.costSaved());
        String msg = t == Transition.OPENED
                ? stopSentence(stop, now)
                : String.format(
                        Locale.ROOT,
                        "Continue: at %s tokens up to %s of the loss is still to gain (above the %s stop threshold).",
                        tokens(now),
                        Numbers.percent(stop.lossGivenUpUpper()),
                        Numbers.percent(config.stopMaxLossGivenUp()));
        return emit(
                state, t, ctx, AlertType.DIMINISHING_RETURNS, Alert.Severity.WARNING, values, stop.tokensSaved(), msg);
    }

    /** The sentence of a stop recommendation: what to do, what it costs in loss, what it saves. */
    public static String stopSentence(StopAssessment stop, double now) {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "Stop and cool down now (%s tokens%s): at most %s of the loss is left to gain (estimate %s)",
                tokens(now),
                Double.isFinite(stop.budgetFraction())
                        ? ", " + Numbers.percent(stop.budgetFraction()) + " of budget"
                        : "",
                Numbers.percent(stop.lossGivenUpUpper()),
                Numbers.percent(stop.lossGivenUp())));
        if (Double.isFinite(stop.tokensSaved())) {
            b.append(String.format(Locale.ROOT, "; saves %s tokens net of the cooldown", tokens(stop.tokensSaved())));
        } else {
            b.append(" by doubling the tokens");
        }
        if (Double.isFinite(stop.costSaved())) {
            b.append(String.format(Locale.ROOT, " (cost %s)", num(stop.costSaved())));
        }
        return b.append('.').toString();
    }

    /**
     * LOSS_SPIKE and the sustained-rise part of DIVERGENCE for one finite loss point ({@link PointRules#onPoint}).
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
        return points.onPoint(state, ctx, loss, expected, robustScale, risingPoints, riseRel);
    }

    /** DIVERGENCE at once for a non-finite loss. */
    public List<Alert> onNonFiniteLoss(AlertState state, AlertContext ctx, double loss, long step) {
        return points.onNonFiniteLoss(state, ctx, loss, step);
    }

    /**
     * Whether a point counts as a spike (the LOSS_SPIKE condition of {@link #onPoint}); false when any number is
     * missing.
     */
    public boolean isSpike(double loss, double expected, double robustScale) {
        return points.isSpike(loss, expected, robustScale);
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
}
