package dev.satwatch.track;

import dev.satwatch.detect.StopAssessment;
import dev.satwatch.estimate.SchedulePrediction;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.fit.ScheduleSummary;
import dev.satwatch.law.ReuseLaw;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replays one finished run through the same {@link RunTracker} (and so the same estimator and decision code) as the
 * streaming app, in event time, and reports where it would have been stopped (DESIGN §6, {@code satwatch
 * backtest}).
 *
 * <p>Replay: {@code run_started} with the run's metadata, then every loss point of every split in D2 order (at equal
 * D2 in input order), then {@code run_finished}. Time is event time: a point's own timestamp when it has one, else
 * one second per point; wall-clock rules (STALLED, finish by silence) never fire. The stop is the first OPEN
 * transition of {@code DIMINISHING_RETURNS}.
 *
 * <p>What was given up, by the run's own later points: on the fitted split, the stable-phase loss at the stop vs at
 * the end of the stable phase, each the median of the points within ±{@value #SMOOTH_FRACTION} × target of D2 (so
 * one noisy point does not decide), relative to the latter. The stable phase ends where the learning rate first
 * falls below {@code annealLrRatio} × its peak after the stop, or, without learning rates, at
 * {@code (1 − cooldownFraction)} × target. Both cooldowns (at the stop and at the end) are assumed to gain the same
 * (DESIGN §4b), so this is the loss given up net of cooldowns.
 *
 * <p>Stateless and thread-safe: {@link #replay} may run for many runs in parallel.
 */
public final class Backtester {

    /** Half-width of the smoothing window of the realised loss, as a fraction of the target. */
    static final double SMOOTH_FRACTION = 0.02;

    /** The plateau rule judges from this fraction of the budget... */
    static final double PLATEAU_FROM = 0.2;

    /** ...over a look-back of this fraction of the budget. */
    static final double PLATEAU_SPAN = 0.1;

    private final TrackerConfig config;
    private final RunTracker tracker;

    private Backtester(TrackerConfig config) {
        this.config = config;
        this.tracker = RunTracker.create(config);
    }

    /** A backtester with the given settings (the same {@link TrackerConfig} as the app). */
    public static Backtester create(TrackerConfig config) {
        return new Backtester(Objects.requireNonNull(config, "config"));
    }

    /**
     * One run to replay.
     *
     * @param runId the run
     * @param meta its metadata (setting, D1, target)
     * @param points its loss points, any splits
     * @param finishStatus its {@code run_finished} status, null when it did not finish
     * @param schedule its planned LR schedule from {@code run_started}, null when it gave none
     */
    public record Input(
            String runId, RunMeta meta, List<LossPoint> points, String finishStatus, PlannedSchedule schedule) {
        /** Copies the list. */
        public Input {
            points = List.copyOf(points);
        }

        /** A run without a planned schedule (the tracker infers it from the LRs). */
        public Input(String runId, RunMeta meta, List<LossPoint> points, String finishStatus) {
            this(runId, meta, points, finishStatus, null);
        }
    }

    /**
     * Where a run would have been stopped.
     *
     * @param d2Tokens D2 at the stop
     * @param budgetFraction {@code d2Tokens / target}
     * @param alertType the alert that stopped it
     * @param lossAtStop the fitted split's last loss at the stop
     * @param predictedLossGivenUp g at the stop
     * @param predictedLossGivenUpUpper g⁺ at the stop
     * @param tokensSaved tokens saved net of the cooldown
     */
    public record Stop(
            double d2Tokens,
            double budgetFraction,
            String alertType,
            double lossAtStop,
            double predictedLossGivenUp,
            double predictedLossGivenUpUpper,
            double tokensSaved) {}

    /**
     * The verdict on one run.
     *
     * @param runId the run
     * @param setting its setting, null when none
     * @param d1Tokens base-model tokens, NaN from scratch
     * @param targetD2Tokens the budget, NaN when unknown
     * @param finalD2Tokens the last D2 of the fitted split
     * @param finalLoss the last loss of the fitted split
     * @param stop where it would have stopped, null when it would not have
     * @param lossGivenUp what the run's own later points say the stop gave up (0 without a stop, NaN when they
     *     cannot say)
     * @param minUpperBound the smallest g⁺ of any judged refit (NaN when none was judged)
     * @param reason a sentence: why it stopped or did not
     * @param predictions the decision quantity at the budget fractions asked for
     */
    public record Result(
            String runId,
            String setting,
            double d1Tokens,
            double targetD2Tokens,
            double finalD2Tokens,
            double finalLoss,
            Stop stop,
            double lossGivenUp,
            double minUpperBound,
            String reason,
            List<Prediction> predictions) {

        /** Copies the list. */
        public Result {
            predictions = List.copyOf(predictions);
        }
    }

    /** Replays one run with the given law (null: none) for its setting. */
    public Result replay(Input run, ReuseLaw law) {
        return replay(run, law, f -> {});
    }

    /** As {@link #replay(Input, ReuseLaw)}, handing every refit to {@code onFit} (for {@code --trace}). */
    public Result replay(Input run, ReuseLaw law, java.util.function.Consumer<FitUpdate> onFit) {
        return replay(run, law, onFit, new double[0]);
    }

    /**
     * As {@link #replay(Input, ReuseLaw)}, also assessing the loss given up at the first point of the fitted split at
     * or past each of {@code fractions} of its budget (the decision's {@link StopAssessment}, from the points up to there); the
     * result's {@link Result#predictions()} holds them in order (none without a target).
     */
    public Result replay(Input run, ReuseLaw law, java.util.function.Consumer<FitUpdate> onFit, double[] fractions) {
        RunState state = RunState.create(run.runId());
        LawLookup laws = setting -> law;
        List<LossPoint> points = new ArrayList<>(run.points());
        points.sort(Comparator.comparingDouble(LossPoint::d2Tokens));
        Instant t0 = Instant.EPOCH;
        tracker.onEvent(
                state,
                new RunStarted(run.runId(), time(null, t0, 0), run.meta(), run.schedule(), null, Double.NaN),
                laws,
                time(null, t0, 0));
        Stop stop = null;
        double minUpper = Double.NaN;
        double target0 = run.meta().targetD2Tokens();
        List<Prediction> predictions = new ArrayList<>();
        int nextFraction = 0;
        long lastFitSeq = 0;
        for (int i = 0; i < points.size(); i++) {
            LossPoint p = points.get(i);
            Instant ts = time(p.ts(), t0, i + 1);
            LossPoint timed =
                    new LossPoint(run.runId(), ts, p.step(), p.d2Tokens(), p.loss(), p.split(), p.lr(), p.meta());
            Outcome out = tracker.onEvent(state, timed, laws, ts);
            if (state.lastFit() != null && state.fitSequence != lastFitSeq) {
                lastFitSeq = state.fitSequence;
                onFit.accept(state.lastFit());
                double upper = state.lastFit().lossGivenUpUpper();
                if (Double.isFinite(upper) && !(upper >= minUpper)) {
                    minUpper = upper;
                }
            }
            if (stop == null) {
                stop = stopIn(out, state);
            }
            while (target0 > 0
                    && nextFraction < fractions.length
                    && state.fitSplit() != null
                    && state.summary(state.fitSplit()).maxD2Tokens() >= fractions[nextFraction] * target0) {
                predictions.add(assessNow(state, fractions[nextFraction]));
                nextFraction++;
            }
        }
        tracker.onEvent(
                state,
                new RunFinished(run.runId(), time(null, t0, points.size() + 1), run.finishStatus()),
                laws,
                time(null, t0, points.size() + 1));
        String split = state.fitSplit();
        List<LossPoint> fitted = split == null
                ? List.of()
                : points.stream()
                        .filter(p -> split.equals(p.split() == null ? LossPoint.TRAIN : p.split()))
                        .filter(p -> Double.isFinite(p.loss()))
                        .toList();
        double finalD2 =
                fitted.isEmpty() ? Double.NaN : fitted.get(fitted.size() - 1).d2Tokens();
        double finalLoss =
                fitted.isEmpty() ? Double.NaN : fitted.get(fitted.size() - 1).loss();
        double target = run.meta().targetD2Tokens();
        double givenUp = stop == null ? 0.0 : realisedLossGivenUp(fitted, stop.d2Tokens(), target);
        return new Result(
                run.runId(),
                run.meta().setting(),
                run.meta().d1Tokens(),
                target,
                finalD2,
                finalLoss,
                stop,
                givenUp,
                minUpper,
                reason(stop, minUpper, target, fitted.size()),
                predictions);
    }

    private Prediction assessNow(RunState state, double fraction) {
        var summary = state.summary(state.fitSplit());
        double target = state.meta().targetD2Tokens();
        ScheduleSummary schedule = state.splits.get(state.fitSplit()).schedule;
        if (schedule.decayed()) {
            // A decaying LR: the tracker decides on the schedule-aware law (RunTracker#refit), so does the prediction.
            StopAssessment a = tracker.rules()
                    .earlyStop()
                    .assess(
                            SchedulePrediction.forecast(
                                    schedule,
                                    state.meta().tokensPerStep(),
                                    state.schedule,
                                    target,
                                    config.detect().cooldownFraction()),
                            state.meta().costPerBillionTokens());
            return new Prediction(fraction, summary.maxD2Tokens() / target, a.lossGivenUp(), a.lossGivenUpUpper());
        }
        StopAssessment a = tracker.rules()
                .earlyStop()
                .assess(
                        LocalTrend.fit(
                                summary.fitPoints(target), config.detect().stopWindowRatio()),
                        summary.maxD2Tokens(),
                        target,
                        state.meta().costPerBillionTokens());
        return new Prediction(fraction, summary.maxD2Tokens() / target, a.lossGivenUp(), a.lossGivenUpUpper());
    }

    /**
     * The decision quantity when a run reached a fraction of its budget.
     *
     * @param fraction the fraction asked for
     * @param budgetFraction the fraction of the first point at or past it
     * @param lossGivenUp g there
     * @param lossGivenUpUpper g⁺ there
     */
    public record Prediction(double fraction, double budgetFraction, double lossGivenUp, double lossGivenUpUpper) {}

    /**
     * The rule peers offer, for comparison (Ray Tune's TrialPlateauStopper, "no improvement" alerts): stop at the
     * first point of the fitted split after 20 % of the budget (and before the planned stable end) where the loss
     * improved by less than {@code tol} (relative) over the last 10 % of the budget. Tokens saved and the loss given
     * up are counted as for satwatch's own stops.
     */
    public Result plateau(Input run, double tol) {
        List<LossPoint> fitted = fittedSplit(run.points());
        double target = run.meta().targetD2Tokens();
        double stableEnd = (1 - config.detect().cooldownFraction()) * target;
        Stop stop = null;
        if (target > 0) {
            // fitted is in D2 order: "before" (the last point at least 10 % of the budget back) only moves forward.
            int next = 0;
            LossPoint before = null;
            for (LossPoint p : fitted) {
                double d = p.d2Tokens();
                while (next < fitted.size() && fitted.get(next).d2Tokens() <= d - PLATEAU_SPAN * target) {
                    before = fitted.get(next++);
                }
                if (d < PLATEAU_FROM * target || d > stableEnd) {
                    continue;
                }
                if (before != null && (before.loss() - p.loss()) / before.loss() < tol) {
                    double saved = Math.max(0.0, target - d - config.detect().cooldownFraction() * target);
                    stop = new Stop(d, d / target, "PLATEAU", p.loss(), Double.NaN, Double.NaN, saved);
                    break;
                }
            }
        }
        LossPoint last = fitted.isEmpty() ? null : fitted.get(fitted.size() - 1);
        return new Result(
                run.runId(),
                run.meta().setting(),
                run.meta().d1Tokens(),
                target,
                last == null ? Double.NaN : last.d2Tokens(),
                last == null ? Double.NaN : last.loss(),
                stop,
                stop == null ? 0.0 : realisedLossGivenUp(fitted, stop.d2Tokens(), target),
                Double.NaN,
                stop == null
                        ? "not stopped: the loss kept improving by at least " + tol + " per 10 % of the budget"
                        : String.format(
                                java.util.Locale.ROOT, "plateau at %.0f %% of the budget", 100 * stop.budgetFraction()),
                List.of());
    }

    /** The fitted split's finite points in D2 order: val when the run has any, else train. */
    private static List<LossPoint> fittedSplit(List<LossPoint> points) {
        boolean hasVal = points.stream().anyMatch(p -> LossPoint.VAL.equals(p.split()));
        String split = hasVal ? LossPoint.VAL : LossPoint.TRAIN;
        return points.stream()
                .filter(p -> split.equals(p.split() == null ? LossPoint.TRAIN : p.split()))
                .filter(p -> Double.isFinite(p.loss()) && p.d2Tokens() > 0)
                .sorted(Comparator.comparingDouble(LossPoint::d2Tokens))
                .toList();
    }

    private String reason(Stop stop, double minUpper, double target, int points) {
        double threshold = config.detect().stopMaxLossGivenUp();
        if (stop != null) {
            return String.format(
                    java.util.Locale.ROOT,
                    "stopped at %.0f %% of the budget: at most %.2f %% left to gain (threshold %.2f %%)",
                    100 * stop.budgetFraction(),
                    100 * stop.predictedLossGivenUpUpper(),
                    100 * threshold);
        }
        if (points == 0) {
            return "not stopped: no loss points";
        }
        if (Double.isNaN(minUpper)) {
            return target > 0
                    ? "not stopped: never judged (too few fit points in the judged part of the budget)"
                    : "not stopped: never judged (no target and too few fit points)";
        }
        return String.format(
                java.util.Locale.ROOT,
                "not stopped: the bound on the loss given up never fell to %.2f %% (lowest %.2f %%)",
                100 * threshold,
                100 * minUpper);
    }

    private static Stop stopIn(Outcome out, RunState state) {
        for (Alert a : out.alerts()) {
            if (a.type() == AlertType.DIMINISHING_RETURNS && a.state() == Alert.State.OPEN) {
                return new Stop(
                        a.d2Tokens(),
                        value(a, "budget_fraction"),
                        a.type().name(),
                        state.summary(state.fitSplit()).lastLoss(),
                        value(a, "loss_given_up"),
                        value(a, "loss_given_up_upper"),
                        a.tokensSaved());
            }
        }
        return null;
    }

    private static double value(Alert a, String key) {
        Double v = a.values().get(key);
        return v == null ? Double.NaN : v;
    }

    private static Instant time(Instant own, Instant t0, long index) {
        return own != null ? own : t0.plusSeconds(index);
    }

    /**
     * The relative loss given up by stopping at {@code stopD2}, by the run's own later points (see the class
     * comment); NaN when the points cannot say.
     */
    double realisedLossGivenUp(List<LossPoint> fitted, double stopD2, double target) {
        if (fitted.isEmpty() || !(target > 0)) {
            return Double.NaN;
        }
        if (decayingAt(fitted, stopD2)) {
            // A cosine or linear decay (or a cooldown) was under way at the stop: the run's later points follow the
            // decay, not a cooldown from the stop, so they cannot say what the stop gave up (BENCHMARKS §10.4 scores
            // such runs against a ladder instead).
            return Double.NaN;
        }
        double stableEnd = stableEnd(fitted, stopD2, target);
        if (stableEnd <= stopD2) {
            return 0.0;
        }
        double half = SMOOTH_FRACTION * target;
        double atStop = medianNear(fitted, stopD2, half, stopD2);
        double atEnd = medianNear(fitted, stableEnd, half, stableEnd);
        if (!(atEnd > 0) || !Double.isFinite(atStop)) {
            return Double.NaN;
        }
        return (atStop - atEnd) / atEnd;
    }

    /** Whether the LR of the last point at or before the stop is below {@code annealLrRatio} × its peak so far. */
    private boolean decayingAt(List<LossPoint> fitted, double stopD2) {
        double peak = 0;
        double lr = Double.NaN;
        for (LossPoint p : fitted) {
            if (p.d2Tokens() > stopD2) {
                break;
            }
            if (p.lr() > 0) {
                peak = Math.max(peak, p.lr());
                lr = p.lr();
            }
        }
        return peak > 0 && lr < config.summary().annealLrRatio() * peak;
    }

    private double stableEnd(List<LossPoint> fitted, double stopD2, double target) {
        double peak = 0;
        for (LossPoint p : fitted) {
            if (p.d2Tokens() <= stopD2 && p.lr() > peak) {
                peak = p.lr();
            }
        }
        double ratio = config.summary().annealLrRatio();
        if (peak > 0) {
            double last = Double.NaN;
            for (LossPoint p : fitted) {
                if (p.d2Tokens() > stopD2 && p.lr() < ratio * peak) {
                    return Double.isNaN(last) ? stopD2 : last;
                }
                last = p.d2Tokens();
            }
            return last;
        }
        double planned = (1 - config.detect().cooldownFraction()) * target;
        return Math.min(planned, fitted.get(fitted.size() - 1).d2Tokens());
    }

    /** The median loss of the points within ±half of d2 that lie no later than {@code notAfter}. */
    private static double medianNear(List<LossPoint> pts, double d2, double half, double notAfter) {
        double[] v = pts.stream()
                .filter(p -> Math.abs(p.d2Tokens() - d2) <= half && p.d2Tokens() <= notAfter)
                .mapToDouble(LossPoint::loss)
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
