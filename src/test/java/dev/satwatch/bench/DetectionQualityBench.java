package dev.satwatch.bench;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Scenario;
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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Detection quality of the alert rules on a simulated fleet with ground truth ({@link Fleet}).
 *
 * <p>Drives {@link RunTracker} exactly as the stream processor does: one {@link RunState} per run, {@code onEvent}
 * per event in wall-time order with the event's wall time as processing time, and a wall-clock tick every minute
 * ({@code onWallClock} on every unfinished run, as the punctuator does), continued for two hours after the last
 * event. The TRUE law of each setting is supplied through {@link LawLookup} (a perfectly calibrated law).
 *
 * <p>Per alert type it reports recall on the scenario the type is meant for (SATURATING: fired by 40 % of the
 * budget; the others: fired at all), where in the budget it first fired (median, p90), how many healthy runs got it,
 * and the tokens the early-stop recommendations (DIMINISHING_RETURNS' {@code tokensSaved}) would have saved. Run:
 *
 * <pre>
 * ./mvnw -B -o -q test-compile -Djacoco.skip
 * ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.satwatch.bench.DetectionQualityBench \
 *     [runs] [seed] [noise] [v]
 * </pre>
 *
 * (defaults 250 runs, seed 20261126, noise 0.003; a fourth argument lists every run.)
 */
public final class DetectionQualityBench {

    /** Runs in the benchmark fleet. */
    public static final int RUNS = 250;

    /** The fleet seed the targets are asserted with. */
    public static final long SEED = 20261126L;

    /** Saturating runs count as detected when flagged by this fraction of their budget. */
    public static final double SATURATION_DEADLINE = 0.4;

    private static final Duration TICK = Duration.ofMinutes(1);
    private static final Duration DRAIN = Duration.ofHours(2);

    /** What one run got: the first opening of each type (fraction of budget) and the first stop recommendation. */
    public record RunAlerts(SimRun run, Map<AlertType, Double> firstOpen, double tokensSaved) {

        /** Whether any alert opened. */
        public boolean any() {
            return !firstOpen.isEmpty();
        }

        /** Whether the type opened at or before {@code fraction} of the budget. */
        public boolean openedBy(AlertType type, double fraction) {
            Double f = firstOpen.get(type);
            return f != null && f <= fraction;
        }
    }

    /** One table row. */
    public record Row(
            String alert,
            String scenario,
            int runs,
            int detected,
            double medianFraction,
            double p90Fraction,
            double medianDelay,
            int healthyFalse,
            int healthyRuns) {

        /** detected / runs (NaN without runs). */
        public double recall() {
            return runs == 0 ? Double.NaN : (double) detected / runs;
        }
    }

    /** The whole result. */
    public record Report(
            List<RunAlerts> runs,
            List<Row> rows,
            int healthyRuns,
            int healthyWithAnyAlert,
            double savedTokens,
            double saturatingBudgetTokens,
            double healthySavedTokens,
            double savedAtSaturationAlert) {

        /** Share of healthy runs with any alert. */
        public double healthyFalseRate() {
            return healthyRuns == 0 ? 0 : (double) healthyWithAnyAlert / healthyRuns;
        }

        /** The SATURATING row (DIMINISHING_RETURNS or EXPONENT_BELOW_PREDICTION by 40 %). */
        public Row saturation() {
            return rows.get(0);
        }

        /** The report as a markdown table plus summary lines. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("| alert | target scenario | runs | recall | first fired (median / p90 of budget) "
                    + "| median delay after onset (budget) | healthy runs with it |\n");
            sb.append("|---|---|---:|---:|---|---:|---:|\n");
            for (Row r : rows) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %s | %s / %s | %s | %d / %d |%n",
                        r.alert(),
                        r.scenario(),
                        r.runs(),
                        r.runs() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * r.recall()),
                        frac(r.medianFraction()),
                        frac(r.p90Fraction()),
                        frac(r.medianDelay()),
                        r.healthyFalse(),
                        r.healthyRuns()));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%nHealthy runs with ANY alert: %d / %d (%.1f %%).%n",
                    healthyWithAnyAlert,
                    healthyRuns,
                    100 * healthyFalseRate()));
            sb.append(String.format(
                    Locale.ROOT,
                    "Early-stop recommendations on saturating runs would save %.1f B of their %.1f B tokens (%.1f %%);"
                            + " on healthy runs they would cut %.1f B.%n",
                    savedTokens / 1e9,
                    saturatingBudgetTokens / 1e9,
                    100 * savedTokens / saturatingBudgetTokens,
                    healthySavedTokens / 1e9));
            sb.append(String.format(
                    Locale.ROOT,
                    "Stopping saturating runs at their first saturation alert would save %.1f B tokens (%.1f %%).%n",
                    savedAtSaturationAlert / 1e9,
                    100 * savedAtSaturationAlert / saturatingBudgetTokens));
            return sb.toString();
        }
    }

    private DetectionQualityBench() {}

    /** Generates the fleet and drives it through a tracker. */
    public static Report run(FleetSpec spec, long seed, TrackerConfig config) {
        List<SimRun> fleet = Fleet.generate(spec, seed);
        RunTracker tracker = RunTracker.create(config);
        Map<String, ReuseLaw> laws = new HashMap<>();
        Map<String, RunState> states = new LinkedHashMap<>();
        Map<String, Map<AlertType, Double>> first = new HashMap<>();
        Map<String, Double> saved = new HashMap<>();
        Map<String, Double> budget = new HashMap<>();
        for (SimRun r : fleet) {
            laws.put(r.meta().setting(), r.law());
            states.put(r.runId(), RunState.create(r.runId()));
            first.put(r.runId(), new EnumMap<>(AlertType.class));
            budget.put(r.runId(), r.meta().targetD2Tokens());
        }
        LawLookup lookup = laws::get;
        List<TimedEvent> events = Fleet.interleave(fleet);
        Instant nextTick = events.get(0).wallTime().plus(TICK);
        for (TimedEvent te : events) {
            while (!te.wallTime().isBefore(nextTick)) {
                tick(tracker, states, lookup, nextTick, first, saved, budget);
                nextTick = nextTick.plus(TICK);
            }
            RunState state = states.get(te.event().runId());
            record(tracker.onEvent(state, te.event(), lookup, te.wallTime()), first, saved, budget);
        }
        Instant end = events.get(events.size() - 1).wallTime().plus(DRAIN);
        while (nextTick.isBefore(end)) {
            tick(tracker, states, lookup, nextTick, first, saved, budget);
            nextTick = nextTick.plus(TICK);
        }
        List<RunAlerts> results = new ArrayList<>();
        for (SimRun r : fleet) {
            results.add(new RunAlerts(r, first.get(r.runId()), saved.getOrDefault(r.runId(), 0.0)));
        }
        return report(results);
    }

    private static void tick(
            RunTracker tracker,
            Map<String, RunState> states,
            LawLookup lookup,
            Instant now,
            Map<String, Map<AlertType, Double>> first,
            Map<String, Double> saved,
            Map<String, Double> budget) {
        for (RunState s : states.values()) {
            if (!s.finished()) {
                record(tracker.onWallClock(s, lookup, now), first, saved, budget);
            }
        }
    }

    private static void record(
            Outcome outcome,
            Map<String, Map<AlertType, Double>> first,
            Map<String, Double> saved,
            Map<String, Double> budget) {
        for (Alert a : outcome.alerts()) {
            if (a.state() != Alert.State.OPEN) {
                continue;
            }
            double fraction = a.d2Tokens() / budget.get(a.runId());
            first.get(a.runId()).putIfAbsent(a.type(), fraction);
            if (a.type() == AlertType.DIMINISHING_RETURNS && Double.isFinite(a.tokensSaved())) {
                saved.putIfAbsent(a.runId(), a.tokensSaved());
            }
        }
    }

    private static Report report(List<RunAlerts> runs) {
        List<RunAlerts> healthy = runs.stream()
                .filter(r -> r.run().scenario() == Scenario.HEALTHY)
                .toList();
        List<Row> rows = new ArrayList<>();
        rows.add(row(
                "DIMINISHING_RETURNS or EXPONENT_BELOW_PREDICTION (by 40 %)",
                Scenario.SATURATING,
                runs,
                healthy,
                SATURATION_DEADLINE,
                AlertType.DIMINISHING_RETURNS,
                AlertType.EXPONENT_BELOW_PREDICTION));
        rows.add(row(
                "EXPONENT_BELOW_PREDICTION (by 40 %)",
                Scenario.SATURATING, runs, healthy, SATURATION_DEADLINE, AlertType.EXPONENT_BELOW_PREDICTION));
        rows.add(row(
                "DIMINISHING_RETURNS (by 40 %)",
                Scenario.SATURATING, runs, healthy, SATURATION_DEADLINE, AlertType.DIMINISHING_RETURNS));
        rows.add(row("DIVERGENCE", Scenario.DIVERGING, runs, healthy, 1.0, AlertType.DIVERGENCE));
        rows.add(row("LOSS_SPIKE", Scenario.SPIKING, runs, healthy, 1.0, AlertType.LOSS_SPIKE));
        rows.add(row("STALLED", Scenario.STALLING, runs, healthy, 1.0, AlertType.STALLED));
        rows.add(row("BASE_OVERTRAINED", null, runs, healthy, 1.0, AlertType.BASE_OVERTRAINED));
        rows.add(row("FIT_UNRELIABLE", null, runs, healthy, 1.0, AlertType.FIT_UNRELIABLE));
        double savedSat = 0;
        double budgetSat = 0;
        double savedAtAlert = 0;
        for (RunAlerts r : runs) {
            if (r.run().scenario() == Scenario.SATURATING) {
                double t = r.run().meta().targetD2Tokens();
                savedSat += r.tokensSaved();
                budgetSat += t;
                double f = Math.min(
                        r.firstOpen().getOrDefault(AlertType.EXPONENT_BELOW_PREDICTION, 1.0),
                        r.firstOpen().getOrDefault(AlertType.DIMINISHING_RETURNS, 1.0));
                savedAtAlert += Math.max(0, 1 - f) * t;
            }
        }
        double savedHealthy =
                healthy.stream().mapToDouble(RunAlerts::tokensSaved).sum();
        int healthyAny = (int) healthy.stream().filter(RunAlerts::any).count();
        return new Report(runs, rows, healthy.size(), healthyAny, savedSat, budgetSat, savedHealthy, savedAtAlert);
    }

    private static Row row(
            String name,
            Scenario scenario,
            List<RunAlerts> runs,
            List<RunAlerts> healthy,
            double deadline,
            AlertType... types) {
        int n = 0;
        int detected = 0;
        List<Double> fractions = new ArrayList<>();
        List<Double> delays = new ArrayList<>();
        for (RunAlerts r : runs) {
            if (scenario != null && r.run().scenario() != scenario) {
                continue;
            }
            double f = Double.POSITIVE_INFINITY;
            for (AlertType t : types) {
                Double v = r.firstOpen().get(t);
                if (v != null) {
                    f = Math.min(f, v);
                }
            }
            if (scenario == null) {
                if (Double.isFinite(f)) {
                    fractions.add(f);
                }
                continue;
            }
            n++;
            if (f <= deadline) {
                detected++;
                fractions.add(f);
                delays.add(f - r.run().anomalyFraction());
            }
        }
        int healthyFalse = 0;
        for (RunAlerts r : healthy) {
            for (AlertType t : types) {
                if (r.firstOpen().containsKey(t)) {
                    healthyFalse++;
                    break;
                }
            }
        }
        double[] fs =
                fractions.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] ds = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Row(
                name,
                scenario == null ? "(any run: " + fs.length + " fired)" : scenario.name(),
                n,
                detected,
                quantile(fs, 0.5),
                quantile(fs, 0.9),
                quantile(ds, 0.5),
                healthyFalse,
                healthy.size());
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

    /** Prints the markdown table; arguments: [runs] [seed]. */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : RUNS;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : SEED;
        FleetSpec d = FleetSpec.defaults(runs);
        double noise = args.length > 2 ? Double.parseDouble(args[2]) : d.noise();
        FleetSpec spec = d.withNoise(noise);
        long t0 = System.nanoTime();
        Report report = run(spec, seed, TrackerConfig.defaults());
        System.out.printf(
                Locale.ROOT,
                "Detection quality: %d simulated runs, seed %d, noise %.2f %%%n%n",
                runs,
                seed,
                100 * noise);
        System.out.print(report.markdown());
        System.out.printf(Locale.ROOT, "%n(%.1f s)%n", (System.nanoTime() - t0) / 1e9);
        if (args.length > 3) {
            for (RunAlerts r : report.runs()) {
                System.out.println(r.run().runId() + " " + r.run().scenario() + " "
                        + String.format(
                                Locale.ROOT,
                                "pred=%.3f true=%.3f",
                                r.run().predictedAlpha(),
                                r.run().trueAlpha())
                        + " " + r.firstOpen() + " " + Arrays.toString(new double[] {r.tokensSaved() / 1e9}));
            }
        }
    }
}
