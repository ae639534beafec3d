package dev.satwatch.track;

import dev.satwatch.detect.AlertContext;
import dev.satwatch.detect.AlertRules;
import dev.satwatch.detect.StopAssessment;
import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.estimate.RunEstimator;
import dev.satwatch.estimate.SchedulePrediction;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.AddResult;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.fit.PowerLaw;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.ReuseLaw;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The per-run decision logic of the streaming topology: (run state, event, law, processing time) → (fits, alert
 * transitions, finished run). The Kafka processor only loads the state, calls one method, stores the state and
 * forwards the {@link Outcome}.
 *
 * <h2>Events</h2>
 *
 * <ul>
 *   <li><b>run_started</b>: its metadata wins over what inline metadata gave before; BASE_OVERTRAINED is evaluated
 *       when a law and D1 are known. A repeat that changes nothing is a DUPLICATE.
 *   <li><b>loss</b>: inline metadata only fills gaps. Dedupe on (split, step); a point without a step dedupes on
 *       its exact D2 (rounded to a whole token). A NaN D2 with a step is placed at {@code step × tokensPerStep};
 *       when that is unknown too the point is ACCEPTED and counted ({@code unplaced}) but not summarised (the parse
 *       stage dead-letters points with neither, so this only happens for a step given before any tokens-per-step).
 *       A non-finite loss opens DIVERGENCE and is not summarised. Otherwise the point runs the spike and rise rules
 *       (on the fitted split), then enters its split's summary, except an isolated spike (a spike right after a
 *       non-spike), kept out so that one bad point does not bend the fit. Out-of-order points are accepted.
 *   <li><b>run_finished</b>: a final cold refit (no warm start, so it equals {@code satwatch fit} on the same
 *       points), every open alert resolves, and {@link Outcome#finished()} carries the fit set when D1 is known. A
 *       repeat is a DUPLICATE; later loss points are still deduplicated and summarised but fit nothing.
 * </ul>
 *
 * Fits use split {@code val} once it has points, else {@code train}; named splits are summarised only. A refit
 * happens when the fitted split opens a new bin, or after {@code refitEveryPoints} of its points; each refit gives
 * one {@link FitUpdate} (sequence 1, 2, ...) and runs the fit rules. {@link #onWallClock} opens STALLED after
 * {@code stalledAfter} of silence and, after {@code finishAfterStalled}, finishes the run once (STALLED stays open;
 * an event after that resumes the run, and its eventual run_finished reports it again). Laws are looked up by the
 * run's setting, {@link RunMeta#settingOrDefault()}.
 *
 * <p>Immutable and thread-safe; the {@link RunState} passed in is mutated and must have one owner. Total on data:
 * no event content makes it throw (null arguments do).
 */
public final class RunTracker {

    /** Early-stop assessments per unit of ln D2: one per 0.5 % step of D2. */
    private static final double ASSESS_STEPS_PER_E = 200;

    /** Every this many refits one starts cold (multi-start) instead of from the previous fit. */
    static final int COLD_EVERY = 4;

    /** The {@code run_finished} status of runs that count for law calibration (DESIGN §6). */
    public static final String COMPLETED = "completed";

    private final TrackerConfig config;
    private final AlertRules rules;
    private final RunEstimator estimator;

    private RunTracker(TrackerConfig config) {
        this.config = config;
        this.rules = AlertRules.create(config.detect());
        this.estimator = RunEstimator.create().withTrendWindow(config.detect().stopWindowRatio());
    }

    /** A tracker with the given settings. */
    public static RunTracker create(TrackerConfig config) {
        return new RunTracker(Objects.requireNonNull(config, "config"));
    }

    /** The alert rules (and early-stop policy) this tracker applies. */
    public AlertRules rules() {
        return rules;
    }

    /** The settings. */
    public TrackerConfig config() {
        return config;
    }

    /**
     * Applies one event to the run's state.
     *
     * @param state the run's state (mutated)
     * @param event the event (its run id is not checked against the state's)
     * @param laws where the run's law comes from
     * @param now processing time, for STALLED
     */
    public Outcome onEvent(RunState state, RunEvent event, LawLookup laws, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(laws, "laws");
        Objects.requireNonNull(now, "now");
        Outcome outcome;
        if (event instanceof LossPoint p) {
            outcome = onLoss(state, p, laws, now);
        } else if (event instanceof RunStarted s) {
            outcome = onStarted(state, s, laws, now);
        } else {
            outcome = onFinished(state, (RunFinished) event, laws, now);
        }
        return remembered(state, outcome, now);
    }

    /** Keeps the outcome's OPEN transitions in the state (for the HTTP API and the early-stop decision). */
    private static Outcome remembered(RunState state, Outcome outcome, Instant now) {
        for (Alert a : outcome.alerts()) {
            if (a.type() == AlertType.DIVERGENCE && a.state() == Alert.State.OPEN) {
                state.diverged = true;
            }
        }
        state.rememberAlerts(outcome.alerts(), now);
        return outcome;
    }

    /**
     * A wall-clock tick (the processor's punctuator): opens STALLED after {@code stalledAfter} of silence and
     * finishes the run once after {@code finishAfterStalled}.
     */
    public Outcome onWallClock(RunState state, LawLookup laws, Instant now) {
        if (state.finished || state.lastWallClock == null) {
            return Outcome.of(EventResult.ACCEPTED);
        }
        Duration silence = Duration.between(state.lastWallClock, now);
        if (silence.isNegative()) {
            return Outcome.of(EventResult.ACCEPTED);
        }
        List<Alert> alerts = new ArrayList<>(rules.onSilence(state.alerts, context(state, now, Double.NaN), silence));
        List<FitUpdate> fits = new ArrayList<>();
        if (silence.compareTo(config.detect().finishAfterStalled()) >= 0) {
            state.finished = true;
            state.finishedByStall = true;
            refit(state, laws, now, true, fits, alerts);
            // A run finished by silence did not say it completed: it does not calibrate the law (DESIGN §6).
        }
        return remembered(state, new Outcome(EventResult.ACCEPTED, fits, alerts, null), now);
    }

    /** A new law for the run's setting arrived: re-evaluates BASE_OVERTRAINED and refits with the new prediction. */
    public Outcome onLawChanged(RunState state, LawLookup laws, Instant now) {
        if (state.finished) {
            return Outcome.of(EventResult.ACCEPTED);
        }
        List<Alert> alerts = new ArrayList<>(
                rules.onBase(state.alerts, context(state, now, Double.NaN), state.meta, law(laws, state.meta)));
        List<FitUpdate> fits = new ArrayList<>();
        if (fittable(state)) {
            refit(state, laws, now, false, fits, alerts);
        }
        return remembered(state, new Outcome(EventResult.ACCEPTED, fits, alerts, null), now);
    }

    private Outcome onStarted(RunState state, RunStarted e, LawLookup laws, Instant now) {
        RunMeta merged = e.meta() == null ? state.meta : e.meta().orElse(state.meta);
        PlannedSchedule planned = e.schedule() != null ? e.schedule() : state.schedule;
        if (state.started && merged.equals(state.meta) && Objects.equals(planned, state.schedule)) {
            state.duplicates++;
            return Outcome.of(EventResult.DUPLICATE);
        }
        List<Alert> alerts = new ArrayList<>();
        touch(state, e.ts(), now, alerts);
        state.started = true;
        state.schedule = planned;
        boolean changed = !merged.equals(state.meta);
        state.meta = merged;
        if (changed) {
            alerts.addAll(rules.onBase(state.alerts, context(state, e.ts(), Double.NaN), merged, law(laws, merged)));
        }
        return new Outcome(EventResult.ACCEPTED, List.of(), alerts, null);
    }

    private Outcome onFinished(RunState state, RunFinished e, LawLookup laws, Instant now) {
        if (state.finished && !state.finishedByStall) {
            state.duplicates++;
            return Outcome.of(EventResult.DUPLICATE);
        }
        List<Alert> alerts = new ArrayList<>();
        touch(state, e.ts(), now, alerts);
        state.finished = true;
        state.finishedByStall = false;
        List<FitUpdate> fits = new ArrayList<>();
        refit(state, laws, e.ts(), true, fits, alerts);
        alerts.addAll(rules.onFinished(
                state.alerts, context(state, e.ts(), Double.NaN), e.status() == null ? "no status" : e.status()));
        // Only runs that completed without diverging calibrate the law (DESIGN §6).
        boolean eligible = COMPLETED.equals(e.status()) && !state.diverged;
        return new Outcome(EventResult.ACCEPTED, fits, alerts, eligible ? finishedRun(state) : null);
    }

    private Outcome onLoss(RunState state, LossPoint p, LawLookup laws, Instant now) {
        String name = p.split() == null ? LossPoint.TRAIN : p.split();
        RunMeta merged = p.meta() == null ? state.meta : state.meta.orElse(p.meta());
        double d2 = p.d2Tokens();
        if (!(d2 >= 0 && d2 < Double.POSITIVE_INFINITY) && p.step() >= 0 && merged.tokensPerStep() > 0) {
            d2 = (double) p.step() * merged.tokensPerStep();
        }
        boolean placed = d2 > 0 && d2 < Double.POSITIVE_INFINITY;
        SplitTrack track = state.split(name, config.summary(), config.maxSplits());
        if (track != null) {
            boolean fresh;
            if (p.step() >= 0) {
                fresh = track.steps.add(p.step());
            } else if (d2 >= 0 && d2 < Double.POSITIVE_INFINITY) {
                fresh = track.tokens.add(Math.round(d2));
            } else {
                fresh = true;
            }
            if (!fresh) {
                state.duplicates++;
                return Outcome.of(EventResult.DUPLICATE);
            }
        }

        List<Alert> alerts = new ArrayList<>();
        List<FitUpdate> fits = new ArrayList<>();
        touch(state, p.ts(), now, alerts);
        if (!merged.equals(state.meta)) {
            state.meta = merged;
            alerts.addAll(rules.onBase(state.alerts, context(state, p.ts(), d2), merged, law(laws, merged)));
        }
        if (!Double.isFinite(p.loss())) {
            if (track != null) {
                track.risingPoints = 0;
            }
            if (!state.finished) {
                alerts.addAll(rules.onNonFiniteLoss(state.alerts, context(state, p.ts(), d2), p.loss(), p.step()));
            }
            return new Outcome(EventResult.ACCEPTED, fits, alerts, null);
        }
        if (track == null) {
            state.ignoredSplitPoints++;
            return new Outcome(EventResult.ACCEPTED, fits, alerts, null);
        }
        if (!placed) {
            track.unplaced++;
            return new Outcome(EventResult.ACCEPTED, fits, alerts, null);
        }

        double loss = p.loss();
        double previousD2 = track.prevD2;
        boolean inOrder = !(d2 <= track.prevD2);
        if (inOrder) {
            if (loss > track.prevLoss) {
                if (track.risingPoints == 0) {
                    track.riseStartLoss = track.prevLoss;
                }
                track.risingPoints++;
            } else {
                track.risingPoints = 0;
            }
            track.prevLoss = loss;
            track.prevD2 = d2;
        }
        boolean isFitSplit = name.equals(nextFitSplit(state, name));
        boolean spike = false;
        if (!state.finished) {
            double expected = Double.NaN;
            double scale = Double.NaN;
            if (isFitSplit && Double.isFinite(state.curve.alpha())) {
                expected = ResidualScale.expected(state.curve, d2);
                scale = ResidualScale.robustScale(state.curve, track);
            }
            spike = rules.isSpike(loss, expected, scale);
            if (!spike && Double.isFinite(expected)) {
                ResidualScale.remember(track, loss, expected);
            }
            double rise = track.risingPoints > 0 ? loss / track.riseStartLoss - 1 : 0.0;
            alerts.addAll(rules.onPoint(
                    state.alerts,
                    context(state, p.ts(), d2),
                    loss,
                    expected,
                    scale,
                    inOrder ? track.risingPoints : 0,
                    rise));
        }
        boolean skip = spike && !track.lastWasSpike;
        track.lastWasSpike = spike;
        if (skip) {
            return new Outcome(EventResult.ACCEPTED, fits, alerts, null);
        }
        AddResult added = track.summary.add(d2, loss, p.lr());
        double step =
                p.step() >= 0 ? p.step() : (merged.tokensPerStep() > 0 ? d2 / merged.tokensPerStep() : Double.NaN);
        // In the judged part of the budget a new schedule bin refits once the schedule-aware law decides: the LR has
        // decayed, or the last refit could not bound the loss given up from the stable phase.
        boolean newScheduleBin = !Double.isNaN(step)
                && track.schedule.add(step, d2, loss, p.lr())
                && d2 >= config.detect().stopMinBudgetFraction() * merged.targetD2Tokens()
                && (track.schedule.decayed()
                        || (state.lastFit != null && !Double.isFinite(state.lastFit.lossGivenUpUpper())));
        String fitSplit = nextFitSplit(state, name);
        if (!Objects.equals(fitSplit, state.fitSplit)) {
            // Switching series (train → val): the previous fit describes another curve.
            state.fitSplit = fitSplit;
            state.pointsSinceFit = 0;
            state.warm = PowerLaw.NONE;
            state.curve = PowerLaw.NONE;
        }
        if (name.equals(state.fitSplit) && added != AddResult.REJECTED) {
            state.pointsSinceFit++;
            StopAssessment stop = null;
            if (!state.finished
                    && (added == AddResult.NEW_BIN
                            || newScheduleBin
                            || state.pointsSinceFit >= config.refitEveryPoints())) {
                stop = refit(state, laws, p.ts(), false, fits, alerts);
            }
            // Assessed on every point that moves D2 to a new 0.5 % step (every point of a sparsely logged run; one in
            // several of a densely logged one), and on every refit.
            if (!state.finished && (stop != null || assessStep(d2) != assessStep(previousD2))) {
                alerts.addAll(onStop(state, track, p.ts(), stop));
            }
        }
        return new Outcome(EventResult.ACCEPTED, fits, alerts, null);
    }

    /** An accepted event: updates the wall clock, resolves STALLED, resumes a run finished by silence. */
    private void touch(RunState state, Instant ts, Instant now, List<Alert> alerts) {
        state.accepted++;
        state.lastWallClock = now;
        if (state.finishedByStall) {
            state.finished = false;
            state.finishedByStall = false;
        }
        // onActivity only resolves an open STALLED (a no-op otherwise); skipping it when closed saves formatting
        // its message on every event.
        if (state.alerts.isOpen(AlertType.STALLED)) {
            alerts.addAll(rules.onActivity(state.alerts, context(state, ts, Double.NaN)));
        }
    }

    /** The split to fit after a point of {@code incoming}: val once it has (or gets) points, else train. */
    private static String nextFitSplit(RunState state, String incoming) {
        if (LossPoint.VAL.equals(incoming) || hasPoints(state, LossPoint.VAL)) {
            return LossPoint.VAL;
        }
        if (LossPoint.TRAIN.equals(incoming) || hasPoints(state, LossPoint.TRAIN)) {
            return LossPoint.TRAIN;
        }
        return state.fitSplit;
    }

    private static boolean hasPoints(RunState state, String split) {
        SplitTrack t = state.splits.get(split);
        return t != null && t.summary.totalPoints() > 0;
    }

    private static boolean fittable(RunState state) {
        return state.fitSplit != null && hasPoints(state, state.fitSplit);
    }

    /**
     * The stop rule on a point of the fitted split: the refit's assessment when the point caused one, else a fresh
     * one from the summary's trend (closed form, no fit), so the decision has the resolution of the logged points.
     */
    private List<Alert> onStop(RunState state, SplitTrack track, Instant ts, StopAssessment fromRefit) {
        double target = state.meta.targetD2Tokens();
        double now = track.summary.maxD2Tokens();
        if (target > 0 && now < config.detect().stopMinBudgetFraction() * target) {
            return List.of();
        }
        if (fromRefit == null && track.schedule.decayed()) {
            // A decaying LR: the stable-phase trend no longer describes the run; the schedule-aware law decides, on
            // refits (every new schedule bin).
            return List.of();
        }
        StopAssessment stop = fromRefit != null
                ? fromRefit
                : rules.earlyStop()
                        .assess(
                                LocalTrend.fit(
                                        track.summary.fitPoints(target),
                                        config.detect().stopWindowRatio()),
                                now,
                                target,
                                state.meta.costPerBillionTokens());
        return rules.onStop(state.alerts, context(state, ts, now), stop, now, target);
    }

    /** The 0.5 % step of D2 a point falls in (steps of ln D2 of 1/200); NaN D2 maps to a step of its own. */
    private static long assessStep(double d2) {
        return d2 > 0 ? (long) Math.floor(Math.log(d2) * ASSESS_STEPS_PER_E) : Long.MIN_VALUE;
    }

    private StopAssessment refit(
            RunState state, LawLookup laws, Instant ts, boolean cold, List<FitUpdate> fits, List<Alert> alerts) {
        if (!fittable(state)) {
            return null;
        }
        SplitTrack track = state.splits.get(state.fitSplit);
        // A warm start saves work but can trap the fit (a stale start near E ≈ 0 where LM cannot move): every
        // COLD_EVERY-th refit starts cold, and only converged fits ever seed the next one.
        boolean coldNow =
                cold || state.fitSequence % COLD_EVERY == COLD_EVERY - 1 || !Double.isFinite(state.warm.alpha());
        PowerLaw warm = coldNow ? null : state.warm;
        ReuseLaw law = law(laws, state.meta);
        RunEstimate est = estimator.estimate(state.runId, state.fitSplit, state.meta, track.summary, law, warm);
        StopAssessment stop = rules.earlyStop().assess(est, state.meta.costPerBillionTokens());
        // The forecast (≈ 80 µs at a constant LR, ≈ 400 µs once it decays: BENCHMARKS §10.3) is made from the judged
        // part of the budget on, where the decision may use it; before that the fit update carries none.
        double target = state.meta.targetD2Tokens();
        boolean judgedPart =
                target > 0 && track.schedule.maxD2Tokens() >= config.detect().stopMinBudgetFraction() * target;
        ScheduleForecast forecast = judgedPart
                ? SchedulePrediction.forecast(
                        track.schedule,
                        state.meta.tokensPerStep(),
                        state.schedule,
                        target,
                        config.detect().cooldownFraction(),
                        // The setting's C puts the cooldown gain into a constant-LR run's absolute forecasts.
                        law == null ? Double.NaN : law.cooldownC())
                : null;
        if (forecast == null) {
            finishRefit(state, est, stop, ts, fits, alerts, null);
            return stop;
        }
        StopAssessment scheduleStop = rules.earlyStop()
                .assess(
                        forecast,
                        LocalTrend.fit(
                                track.summary.pastWarmupPoints(target),
                                config.detect().stopWindowRatio()),
                        state.meta.costPerBillionTokens());
        if (track.schedule.decayed() || (!stop.bounded() && scheduleStop.bounded())) {
            // Once the LR decays (cosine, linear, a cooldown) the stable-phase fit set stops growing, and before that
            // it may be too short to bound anything (a cosine run's first 20 %); every point still enters the
            // schedule-aware law, which then decides (DESIGN §4b, §5).
            stop = scheduleStop;
        }
        finishRefit(state, est, stop, ts, fits, alerts, forecast);
        return stop;
    }

    /** Records a refit: its fit update (with the forecast, null for none), the warm start, the fit rules. */
    private void finishRefit(
            RunState state,
            RunEstimate est,
            StopAssessment stop,
            Instant ts,
            List<FitUpdate> fits,
            List<Alert> alerts,
            ScheduleForecast forecast) {
        state.fitSequence++;
        state.pointsSinceFit = 0;
        FitUpdate update = FitUpdates.of(est, stop, ts, state.fitSequence).withSchedule(forecast);
        state.lastFit = update;
        fits.add(update);
        state.warm = est.fit().converged() ? est.fit().powerLaw() : PowerLaw.NONE;
        FitResult decision = AlertRules.decisionFit(est);
        if (decision != null) {
            state.curve = decision.powerLaw();
        }
        if (!state.finished) {
            alerts.addAll(rules.onFit(state.alerts, context(state, ts, est.d2Tokens()), est, stop));
        }
    }

    private static ReuseLaw law(LawLookup laws, RunMeta meta) {
        return laws.forSetting(meta.settingOrDefault());
    }

    private static AlertContext context(RunState state, Instant ts, double d2Fallback) {
        double d2 = d2Fallback;
        if (state.fitSplit != null && hasPoints(state, state.fitSplit)) {
            d2 = state.splits.get(state.fitSplit).summary.maxD2Tokens();
        }
        return new AlertContext(state.runId, state.meta.setting(), ts, d2);
    }

    private static FinishedRun finishedRun(RunState state) {
        if (!state.meta.isReuse() || !fittable(state)) {
            return null;
        }
        SplitTrack track = state.splits.get(state.fitSplit);
        FitPoints fp = track.summary.fitPoints(state.meta.targetD2Tokens());
        if (fp.size() == 0) {
            return null;
        }
        // A run whose LR decayed shows its own C, from which the setting's C is calibrated (LawCalibrator#cooldownC).
        CalibrationRun run = new CalibrationRun(
                state.runId,
                ReuseLaw.billions(state.meta.d1Tokens()),
                fp.x(),
                fp.y(),
                fp.w(),
                SchedulePrediction.annealingC(track.schedule));
        return new FinishedRun(state.meta.settingOrDefault(), run);
    }
}
