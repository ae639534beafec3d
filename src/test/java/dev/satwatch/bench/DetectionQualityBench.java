package dev.satwatch.bench;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.LossPoint;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.fit.SummaryConfig;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.LrSchedule;
import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimCurve;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.Outcome;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import dev.satwatch.track.TrackerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Detection quality of the early-stop decision (and the anomaly alerts) on a realistic simulated fleet, judged by the
 * simulator's truth, with laws calibrated from simulated history — never the true laws.
 *
 * <h2>Method</h2>
 *
 * <ol>
 *   <li>History: {@link Fleet#history} draws {@value #HISTORY_PER_SETTING} finished healthy runs per setting (the same
 *       true laws as the fleet, other runs). Each is summarised as {@code satwatch law fit} does ({@link CurveSummary}
 *       with the tracker's summary settings, stable-phase fit points after burn-in) and each setting's law is
 *       calibrated with {@link LawCalibrator#create()}; a law that did not converge is not used (that setting runs
 *       without a law).
 *   <li>Replay: a fresh fleet ({@link Fleet#generate}) is driven through {@link RunTracker} exactly as the stream
 *       processor drives it: one {@link RunState} per run, {@code onEvent} per event in wall-time order with the
 *       event's wall time as processing time, and {@code onWallClock} on every unfinished run every minute (the
 *       punctuator), continued for two hours after the last event. Laws come from step 1 through {@link LawLookup}.
 *   <li>A stop is the first OPEN transition of {@link AlertType#DIMINISHING_RETURNS}. At the stop: the budget
 *       fraction {@code d2 / target}, the alert's {@code tokensSaved}, and the loss truly given up,
 *       {@link dev.satwatch.sim.RunTruth#trueLossGivenUp} of the simulator's noise-free curve.
 * </ol>
 *
 * Per scenario it reports runs stopped, stopped by {@value #STOP_DEADLINE} of the budget, the budget fraction at the
 * stop (median / p90), tokens saved, the true loss given up (median / max) and how many stops gave up at least
 * {@value #GAIN_LEFT}; the truth at 20 % and 50 % of the budget for context; and recall of the anomaly alerts. Only
 * the alert type and {@code tokensSaved} are read, so the bench works with any version of the stop rule. Run:
 *
 * <pre>
 * ./mvnw -B -o -q test-compile -Djacoco.skip
 * java -cp "target/test-classes:target/classes:$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar" \
 *     dev.satwatch.bench.DetectionQualityBench [runs] [seed] [threshold] [v]
 * </pre>
 *
 * (defaults {@value #RUNS} runs, seed {@value #SEED}; the realistic fleet of {@link FleetSpec#realistic} at
 * {@value #LOW_NOISE} and {@value #HIGH_NOISE} log-loss noise; a third argument sets the stop threshold, a fourth lists every run.)
 */
public final class DetectionQualityBench {

    /** Runs in the benchmark fleet. */
    public static final int RUNS = 250;

    /** The fleet seed the targets are asserted with. */
    public static final long SEED = 20261126L;

    /** Finished healthy runs per setting the laws are calibrated from. */
    public static final int HISTORY_PER_SETTING = 8;

    /** The low noise level of the acceptance (σ of the log-loss noise). */
    public static final double LOW_NOISE = 0.005;

    /** The high noise level of the acceptance. */
    public static final double HIGH_NOISE = 0.02;

    /** Saturating runs should be stopped by this fraction of their budget (issue 9 acceptance). */
    public static final double STOP_DEADLINE = 0.5;

    /** A stop that gives up at least this much of the final loss, by the truth, is a wrong stop (issue 9). */
    public static final double GAIN_LEFT = 0.03;

    /** Alert value keys of the issue-9 stop rule; read when present, so the bench runs before and after it. */
    private static final String PREDICTED = "loss_given_up";

    private static final String PREDICTED_UPPER = "loss_given_up_upper";

    private static final Duration TICK = Duration.ofMinutes(1);
    private static final Duration DRAIN = Duration.ofHours(2);

    /**
     * The first stop recommendation of a run.
     *
     * @param d2Tokens D2 at the stop
     * @param budgetFraction {@code d2Tokens / target}
     * @param tokensSaved the alert's {@code tokensSaved} (NaN when it gave none)
     * @param trueLossGivenUp what the truth says stopping there gives up (relative to the final loss)
     * @param predictedLossGivenUp the alert's {@code loss_given_up} value, NaN when it carries none
     * @param predictedUpper the alert's {@code loss_given_up_upper} value, NaN when it carries none
     */
    public record Stop(
            double d2Tokens,
            double budgetFraction,
            double tokensSaved,
            double trueLossGivenUp,
            double predictedLossGivenUp,
            double predictedUpper) {}

    /** What one run got: the first opening of each type (fraction of budget) and its first stop, null when none. */
    public record RunResult(SimRun run, Map<AlertType, Double> firstOpen, Stop stop) {

        /** Whether the run was stopped at or before {@code fraction} of its budget. */
        public boolean stoppedBy(double fraction) {
            return stop != null && stop.budgetFraction() <= fraction;
        }
    }

    /**
     * One setting's law: the truth the fleet was drawn from and the law calibrated from history.
     *
     * @param setting the setting
     * @param truth the true law
     * @param calibrated the calibrated law, null when the calibration did not converge
     * @param historyRuns history runs with fit points
     * @param looMedianError median |relative error| of the leave-one-run-out prediction of each history run's last
     *     fitted loss (the app publishes a law only when it is ≤ 2 %, DESIGN §6); NaN without a law
     */
    public record Calibration(
            String setting, ReuseLaw truth, ReuseLaw calibrated, int historyRuns, double looMedianError) {}

    /** One scenario's stops. */
    public record ScenarioRow(
            Scenario scenario,
            int runs,
            int stopped,
            int stoppedByDeadline,
            double medianFraction,
            double p90Fraction,
            double tokensSaved,
            double budgetTokens,
            double medianGivenUp,
            double maxGivenUp,
            int stoppedWithGainLeft,
            double medianTruthAt20,
            double medianTruthAt50) {}

    /** Recall of an anomaly alert on its scenario, and how many healthy runs got it. */
    public record AlertRow(AlertType type, Scenario scenario, int runs, int detected, int healthyWithIt) {}

    /** The whole result at one noise level. */
    public record Report(
            double noise,
            List<Calibration> laws,
            List<RunResult> runs,
            List<ScenarioRow> rows,
            List<AlertRow> alerts,
            double seconds) {

        /** The row of {@code scenario}. */
        public ScenarioRow row(Scenario scenario) {
            return rows.stream()
                    .filter(r -> r.scenario() == scenario)
                    .findFirst()
                    .orElseThrow();
        }

        /** Healthy runs stopped while the truth said at least {@value #GAIN_LEFT} of the loss was still to gain. */
        public int healthyStoppedWithGainLeft() {
            return row(Scenario.HEALTHY).stoppedWithGainLeft();
        }

        /** Share of saturating runs stopped by {@value #STOP_DEADLINE} of their budget (NaN without any). */
        public double saturatingStoppedByDeadline() {
            ScenarioRow r = row(Scenario.SATURATING);
            return r.runs() == 0 ? Double.NaN : (double) r.stoppedByDeadline() / r.runs();
        }

        /** Healthy and saturating runs by LR schedule: runs, stopped by the deadline, stopped with gain left. */
        private String scheduleTable() {
            StringBuilder sb = new StringBuilder(
                    "\n| scenario | schedule | runs | stopped by 50 % | stopped with ≥ 3 % to gain |\n|---|---|---:|---:|---:|\n");
            for (Scenario sc : new Scenario[] {Scenario.HEALTHY, Scenario.SATURATING}) {
                Map<String, int[]> counts = new java.util.TreeMap<>();
                for (RunResult r : runs) {
                    if (r.run().scenario() != sc) {
                        continue;
                    }
                    String schedule = r.run().truth() instanceof SimCurve c
                            ? c.schedule().type().wireName()
                                    + (c.schedule().type() == LrSchedule.Type.WSD
                                            ? " " + c.schedule().cooldownShape().wireName()
                                            : "")
                            : "ideal wsd";
                    int[] n = counts.computeIfAbsent(schedule, k -> new int[3]);
                    n[0]++;
                    n[1] += r.stoppedBy(STOP_DEADLINE) ? 1 : 0;
                    n[2] += r.stop() != null && r.stop().trueLossGivenUp() >= GAIN_LEFT ? 1 : 0;
                }
                counts.forEach((schedule, n) -> sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %d | %d |%n",
                        sc.name().toLowerCase(Locale.ROOT),
                        schedule,
                        n[0],
                        n[1],
                        n[2])));
            }
            return sb.toString();
        }

        /**
         * Headroom: saturating runs whose truth at {@value #STOP_DEADLINE} of the budget is at most {@code threshold}
         * (an oracle stopping at the default 1 % would stop these by then), as a share of saturating runs.
         */
        public double saturatingOracleShare(double threshold) {
            List<RunResult> sat = runs.stream()
                    .filter(r -> r.run().scenario() == Scenario.SATURATING)
                    .toList();
            long ok = sat.stream()
                    .filter(r -> r.run()
                                    .trueLossGivenUp(
                                            STOP_DEADLINE * r.run().meta().targetD2Tokens())
                            <= threshold)
                    .count();
            return sat.isEmpty() ? Double.NaN : (double) ok / sat.size();
        }

        /** Predicted (the alert's loss_given_up) against the truth at every stop that carries a prediction. */
        private String predictionLine() {
            double sum = 0;
            double sumAbs = 0;
            int n = 0;
            int upperBelowTruth = 0;
            for (RunResult r : runs) {
                Stop st = r.stop();
                if (st != null && Double.isFinite(st.predictedLossGivenUp())) {
                    double err = st.predictedLossGivenUp() - st.trueLossGivenUp();
                    sum += err;
                    sumAbs += Math.abs(err);
                    n++;
                    upperBelowTruth += st.predictedUpper() < st.trueLossGivenUp() ? 1 : 0;
                }
            }
            String oracle = String.format(
                    Locale.ROOT,
                    "%nOracle (truth ≤ 1 %% / ≤ 0.5 %% at 50 %% of the budget): %.0f %% / %.0f %% of saturating runs.%n",
                    100 * saturatingOracleShare(0.01),
                    100 * saturatingOracleShare(0.005));
            if (n == 0) {
                return oracle + "No stop carried a predicted loss_given_up.\n";
            }
            return oracle
                    + String.format(
                            Locale.ROOT,
                            "Predicted loss given up at the %d stops that carry one, minus the truth: mean %+.2f points, mean"
                                    + " |error| %.2f points; upper bound below the truth at %d stops.%n",
                            n,
                            100 * sum / n,
                            100 * sumAbs / n,
                            upperBelowTruth);
        }

        /** The report as markdown tables. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                    Locale.ROOT,
                    "Noise σ = %.1f %% (log loss)%n%nLaws calibrated from history (α(D1) at 100 B tokens; E):%n%n",
                    100 * noise));
            sb.append("| setting | history runs | α(100B) true | α(100B) calibrated | E true | E calibrated "
                    + "| leave-one-out median error |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Calibration c : laws) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.3f | %s | %.3f | %s | %s |%n",
                        c.setting(),
                        c.historyRuns(),
                        c.truth().alphaAt(100),
                        c.calibrated() == null
                                ? "none"
                                : String.format(
                                        Locale.ROOT, "%.3f", c.calibrated().alphaAt(100)),
                        c.truth().e(),
                        c.calibrated() == null
                                ? "none"
                                : String.format(
                                        Locale.ROOT, "%.3f", c.calibrated().e()),
                        pct(c.looMedianError())));
            }
            sb.append(
                    "\n| scenario | runs | stopped | by 50 % | stop at (median / p90 of budget) | tokens saved "
                            + "| loss given up, truth (median / max) | stops giving up ≥ 3 % | truth at 20 % / 50 % (median) |\n");
            sb.append("|---|---:|---:|---:|---|---:|---|---:|---|\n");
            for (ScenarioRow r : rows) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %d | %s / %s | %.1f B (%.1f %%) | %s / %s | %d | %s / %s |%n",
                        r.scenario().name().toLowerCase(Locale.ROOT),
                        r.runs(),
                        r.stopped(),
                        r.stoppedByDeadline(),
                        frac(r.medianFraction()),
                        frac(r.p90Fraction()),
                        r.tokensSaved() / 1e9,
                        r.budgetTokens() > 0 ? 100 * r.tokensSaved() / r.budgetTokens() : 0,
                        pct(r.medianGivenUp()),
                        pct(r.maxGivenUp()),
                        r.stoppedWithGainLeft(),
                        pct(r.medianTruthAt20()),
                        pct(r.medianTruthAt50())));
            }
            sb.append(scheduleTable());
            sb.append(predictionLine());
            sb.append(
                    "\n| alert | target scenario | runs | recall | healthy runs with it |\n|---|---|---:|---:|---:|\n");
            int healthy = row(Scenario.HEALTHY).runs();
            for (AlertRow a : alerts) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %s | %d / %d |%n",
                        a.type(),
                        a.scenario() == null ? "—" : a.scenario().name().toLowerCase(Locale.ROOT),
                        a.runs(),
                        a.runs() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100.0 * a.detected() / a.runs()),
                        a.healthyWithIt(),
                        healthy));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%nHealthy runs stopped with ≥ 3 %% still to gain: %d. Saturating runs stopped by 50 %% of budget:"
                            + " %.1f %%. (%.1f s)%n",
                    healthyStoppedWithGainLeft(),
                    100 * saturatingStoppedByDeadline(),
                    seconds));
            return sb.toString();
        }
    }

    private DetectionQualityBench() {}

    /** Calibrates laws from {@value #HISTORY_PER_SETTING} history runs per setting and replays the fleet. */
    public static Report run(FleetSpec spec, long seed, TrackerConfig config) {
        return run(spec, seed, config, HISTORY_PER_SETTING);
    }

    /** Calibrates laws from {@code historyPerSetting} history runs per setting and replays the fleet. */
    public static Report run(FleetSpec spec, long seed, TrackerConfig config, int historyPerSetting) {
        long t0 = System.nanoTime();
        List<SimRun> fleet = Fleet.generate(spec, seed);
        List<Calibration> laws = calibrate(Fleet.history(spec, seed, historyPerSetting), config.summary());
        Map<String, ReuseLaw> bySetting = new HashMap<>();
        for (Calibration c : laws) {
            if (c.calibrated() != null) {
                bySetting.put(c.setting(), c.calibrated());
            }
        }
        List<RunResult> results = replay(fleet, bySetting::get, config);
        return new Report(
                spec.noise(), laws, results, rows(results), alertRows(results), (System.nanoTime() - t0) / 1e9);
    }

    /** Calibrates one law per setting from finished runs, as {@code satwatch law fit} does. */
    static List<Calibration> calibrate(List<SimRun> history, SummaryConfig summaryConfig) {
        Map<String, List<CalibrationRun>> runs = new LinkedHashMap<>();
        Map<String, ReuseLaw> truths = new LinkedHashMap<>();
        for (SimRun run : history) {
            String setting = run.meta().setting();
            truths.putIfAbsent(setting, run.law());
            CurveSummary summary = CurveSummary.create(summaryConfig);
            for (TimedEvent te : run.events()) {
                if (te.event() instanceof LossPoint p) {
                    summary.add(p.d2Tokens(), p.loss(), p.lr());
                }
            }
            FitPoints fp = summary.fitPoints(run.meta().targetD2Tokens());
            if (fp.size() > 0) {
                runs.computeIfAbsent(setting, k -> new ArrayList<>())
                        .add(new CalibrationRun(
                                run.runId(), ReuseLaw.billions(run.meta().d1Tokens()), fp.x(), fp.y(), fp.w()));
            }
        }
        LawCalibrator calibrator = LawCalibrator.create();
        List<Calibration> out = new ArrayList<>();
        truths.forEach((setting, truth) -> {
            List<CalibrationRun> r = runs.getOrDefault(setting, List.of());
            LawFit fit = calibrator.fit(r);
            double loo = Double.NaN;
            if (fit.converged()) {
                double[] errors = calibrator.leaveOneOut(r).stream()
                        .mapToDouble(l -> Math.abs(l.relErr()))
                        .filter(Double::isFinite)
                        .sorted()
                        .toArray();
                loo = quantile(errors, 0.5);
            }
            out.add(new Calibration(setting, truth, fit.converged() ? fit.law() : null, r.size(), loo));
        });
        return out;
    }

    private static List<RunResult> replay(List<SimRun> fleet, LawLookup lookup, TrackerConfig config) {
        RunTracker tracker = RunTracker.create(config);
        Map<String, SimRun> byId = new HashMap<>();
        Map<String, RunState> states = new LinkedHashMap<>();
        Map<String, Map<AlertType, Double>> first = new HashMap<>();
        Map<String, Stop> stops = new HashMap<>();
        for (SimRun r : fleet) {
            byId.put(r.runId(), r);
            states.put(r.runId(), RunState.create(r.runId()));
            first.put(r.runId(), new EnumMap<>(AlertType.class));
        }
        Recorder recorder = new Recorder(byId, first, stops);
        List<TimedEvent> events = Fleet.interleave(fleet);
        Instant nextTick = events.get(0).wallTime().plus(TICK);
        for (TimedEvent te : events) {
            while (!te.wallTime().isBefore(nextTick)) {
                tick(tracker, states, lookup, nextTick, recorder);
                nextTick = nextTick.plus(TICK);
            }
            RunState state = states.get(te.event().runId());
            recorder.record(tracker.onEvent(state, te.event(), lookup, te.wallTime()));
        }
        Instant end = events.get(events.size() - 1).wallTime().plus(DRAIN);
        while (nextTick.isBefore(end)) {
            tick(tracker, states, lookup, nextTick, recorder);
            nextTick = nextTick.plus(TICK);
        }
        List<RunResult> results = new ArrayList<>();
        for (SimRun r : fleet) {
            results.add(new RunResult(r, first.get(r.runId()), stops.get(r.runId())));
        }
        return results;
    }

    private static void tick(
            RunTracker tracker, Map<String, RunState> states, LawLookup lookup, Instant now, Recorder recorder) {
        for (RunState s : states.values()) {
            if (!s.finished()) {
                recorder.record(tracker.onWallClock(s, lookup, now));
            }
        }
    }

    /** Keeps the first opening of each alert type per run, and the first stop with its truth. */
    private record Recorder(
            Map<String, SimRun> runs, Map<String, Map<AlertType, Double>> first, Map<String, Stop> stops) {

        void record(Outcome outcome) {
            for (Alert a : outcome.alerts()) {
                if (a.state() != Alert.State.OPEN) {
                    continue;
                }
                SimRun run = runs.get(a.runId());
                double target = run.meta().targetD2Tokens();
                double fraction = a.d2Tokens() / target;
                first.get(a.runId()).putIfAbsent(a.type(), fraction);
                if (a.type() == AlertType.DIMINISHING_RETURNS && !stops.containsKey(a.runId())) {
                    stops.put(
                            a.runId(),
                            new Stop(
                                    a.d2Tokens(),
                                    fraction,
                                    a.tokensSaved(),
                                    run.truth().trueLossGivenUp(a.d2Tokens()),
                                    a.values().getOrDefault(PREDICTED, Double.NaN),
                                    a.values().getOrDefault(PREDICTED_UPPER, Double.NaN)));
                }
            }
        }
    }

    static List<ScenarioRow> rows(List<RunResult> results) {
        List<ScenarioRow> rows = new ArrayList<>();
        for (Scenario sc : Scenario.values()) {
            List<RunResult> of =
                    results.stream().filter(r -> r.run().scenario() == sc).toList();
            List<Stop> stops =
                    of.stream().map(RunResult::stop).filter(s -> s != null).toList();
            double[] fractions =
                    stops.stream().mapToDouble(Stop::budgetFraction).sorted().toArray();
            double[] givenUp =
                    stops.stream().mapToDouble(Stop::trueLossGivenUp).sorted().toArray();
            double saved = stops.stream()
                    .mapToDouble(Stop::tokensSaved)
                    .filter(Double::isFinite)
                    .sum();
            double budget = of.stream()
                    .mapToDouble(r -> r.run().meta().targetD2Tokens())
                    .sum();
            rows.add(new ScenarioRow(
                    sc,
                    of.size(),
                    stops.size(),
                    (int) of.stream().filter(r -> r.stoppedBy(STOP_DEADLINE)).count(),
                    quantile(fractions, 0.5),
                    quantile(fractions, 0.9),
                    saved,
                    budget,
                    quantile(givenUp, 0.5),
                    givenUp.length == 0 ? Double.NaN : givenUp[givenUp.length - 1],
                    (int) stops.stream()
                            .filter(s -> s.trueLossGivenUp() >= GAIN_LEFT)
                            .count(),
                    quantile(truthAt(of, 0.2), 0.5),
                    quantile(truthAt(of, 0.5), 0.5)));
        }
        return rows;
    }

    private static double[] truthAt(List<RunResult> runs, double fraction) {
        return runs.stream()
                .mapToDouble(r -> r.run()
                        .truth()
                        .trueLossGivenUp(fraction * r.run().meta().targetD2Tokens()))
                .sorted()
                .toArray();
    }

    private static List<AlertRow> alertRows(List<RunResult> results) {
        List<AlertRow> rows = new ArrayList<>();
        rows.add(alertRow(results, AlertType.DIVERGENCE, Scenario.DIVERGING));
        rows.add(alertRow(results, AlertType.LOSS_SPIKE, Scenario.SPIKING));
        rows.add(alertRow(results, AlertType.STALLED, Scenario.STALLING));
        rows.add(alertRow(results, AlertType.EXPONENT_BELOW_PREDICTION, Scenario.SATURATING));
        rows.add(alertRow(results, AlertType.BASE_OVERTRAINED, null));
        rows.add(alertRow(results, AlertType.FIT_UNRELIABLE, null));
        return rows;
    }

    private static AlertRow alertRow(List<RunResult> results, AlertType type, Scenario target) {
        int runs = 0;
        int detected = 0;
        int healthy = 0;
        for (RunResult r : results) {
            boolean fired = r.firstOpen().containsKey(type);
            if (target == null || r.run().scenario() == target) {
                runs++;
                detected += fired ? 1 : 0;
            }
            if (r.run().scenario() == Scenario.HEALTHY && fired) {
                healthy++;
            }
        }
        return new AlertRow(type, target, runs, detected, healthy);
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        // Nearest-rank quantile: small samples, no interpolation needed for a report.
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String frac(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    /**
     * Prints the tables at both noise levels; arguments: [runs] [seed] [threshold] [v], the threshold being {@code
     * detect.stop.max.loss.given.up} as a fraction (default: the config's default, 0.01).
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : RUNS;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : SEED;
        TrackerConfig config = TrackerConfig.defaults();
        if (args.length > 2) {
            config = config.withDetect(config.detect().withStopMaxLossGivenUp(Double.parseDouble(args[2])));
        }
        for (double noise : new double[] {LOW_NOISE, HIGH_NOISE}) {
            FleetSpec spec = FleetSpec.realistic(runs).withNoise(noise);
            Report report = run(spec, seed, config);
            System.out.printf(
                    Locale.ROOT,
                    "## Detection quality: %d simulated runs, seed %d, stop threshold %s, calibrated from %d history runs"
                            + " per setting%n%n",
                    runs,
                    seed,
                    pct(config.detect().stopMaxLossGivenUp()),
                    HISTORY_PER_SETTING);
            System.out.println(report.markdown());
            if (args.length > 3) {
                for (RunResult r : report.runs()) {
                    System.out.println(String.format(
                                    Locale.ROOT,
                                    "%s %s %s α=%.3f pred=%.3f",
                                    r.run().runId(),
                                    r.run().scenario(),
                                    r.run().truth() instanceof SimCurve c
                                            ? c.schedule().type()
                                            : "ideal",
                                    r.run().trueAlpha(),
                                    r.run().predictedAlpha())
                            + " stop=" + r.stop() + " " + r.firstOpen());
                }
            }
        }
    }
}
