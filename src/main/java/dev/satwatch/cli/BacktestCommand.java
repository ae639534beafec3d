package dev.satwatch.cli;

import dev.satwatch.config.ConfigException;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.Numbers;
import dev.satwatch.fit.CooldownModel;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.io.RunData;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawPublication;
import dev.satwatch.law.LawPublishPolicy;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.plot.TradeOffPlot;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serde.ReportJson;
import dev.satwatch.track.Backtester;
import dev.satwatch.track.RunTracker;
import dev.satwatch.track.TrackerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch backtest}: replays finished runs through the app's own tracker and decision code, offline and in
 * event time, and reports where each run would have been stopped, the tokens saved and the loss given up (DESIGN
 * §6).
 */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = {
            "Replay finished runs through satwatch's tracker and early-stop rule (no broker, event time).",
            "Reports where each run would have been stopped, the tokens saved net of the cooldown and the loss given up.",
            "Loss given up is measured on each run's own later points: the stable-phase loss at the stop vs at the end"
                    + " of the stable phase, relative to the latter.",
            "Each is the median of the points within 2 %% of the budget before it; the stable phase ends where the LR"
                    + " first falls below 0.9 × its peak (else at (1 − detect.cooldown.fraction) × target).",
            "Both cooldowns are assumed to gain the same (DESIGN §4b). A stop made while the LR was already decaying"
                    + " (cosine, linear) cannot be scored by the run's own points: its loss given up is shown as —."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "2:bad flags or settings",
            "65:malformed input or law file",
            "66:input file missing",
            "70:internal error",
            "74:plot could not be written"
        })
public final class BacktestCommand implements Callable<Integer> {

    /** The decision threshold key, the default of {@code --sweep}. */
    static final String THRESHOLD_KEY = "detect.stop.max.loss.given.up";

    /** When a leave-one-out law may be used: the app's publication gate ({@code law.*} settings). */
    private LawPublishPolicy publishPolicy = LawPublishPolicy.defaults();

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Option(
            names = "--calibrate",
            paramLabel = "MODE",
            description = "leave-one-out (default): each run is judged with the law calibrated from the other"
                    + " finished runs of its setting; none: no law (unless --law).")
    String calibrate = "leave-one-out";

    @Option(names = "--law", paramLabel = "LAWS.json", description = "Judge every run with this law file instead.")
    Path lawFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "A setting as in satwatch.properties, e.g. --set detect.stop.max.loss.given.up=3%%; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--sweep",
            paramLabel = "KEY=V1,V2,...",
            description = "Backtest once per value and print the trade-off table (tokens saved vs loss given up),"
                    + " e.g. --sweep detect.stop.max.loss.given.up=0.5%%,1%%,2%%.")
    String sweep;

    @Option(
            names = "--plateau",
            paramLabel = "TOL,...",
            split = ",",
            description = "Also run the plateau rule peers offer (stop after 20 %% of the budget when the loss improved"
                    + " by less than TOL over the last 10 %% of the budget) for each TOL, e.g. 0.1%%,0.2%%,0.5%%.")
    List<String> plateau = new ArrayList<>();

    @Option(
            names = "--plot",
            paramLabel = "OUT.png",
            description = "Write the trade-off (and each run's stop point) as a PNG.")
    Path plot;

    @Option(
            names = "--trace",
            paramLabel = "RUN_ID",
            description = "Print every refit of this run to stderr: D2, budget fraction, g, g⁺ and the fit.")
    String trace;

    @Option(
            names = "--predict-at",
            paramLabel = "F,...",
            split = ",",
            description = "Also report each run's predicted loss given up (g, g⁺) when it reached these fractions of"
                    + " its budget, e.g. 0.2,0.4,0.6 (JSON key \"predictions\").")
    List<Double> predictAt = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(
            names = "--cooldowns",
            description = "Instead: predict the final loss of every finished branch run (run_started with branch_of)"
                    + " from its parent's points up to the branch point and the branch's own LR schedule, with the"
                    + " multi-power law ln L = L0 + A·S1^(−α) − B·LD (or, --model annealing, ln L = L0 + A·S1^(−α)"
                    + " − C·S2), its shared parameters fitted jointly on the setting's other trajectories without the"
                    + " branch and its siblings, L0 and A on the parent's points (DESIGN §4b).")
    boolean cooldowns;

    /** {@code --schedules}: the whole-curve schedule backtests, in their own class. */
    @Mixin
    ScheduleBacktestOptions scheduleOptions;

    @Option(
            names = "--model",
            paramLabel = "annealing|multipower",
            description =
                    "With --cooldowns: the law (default: the fit.model setting, multipower): annealing (Tissue et al. 2024) or multipower (Luo et al. 2025, its saturating"
                            + " loss reduction B·LD with B, C, β, γ and α fitted the same way).")
    String model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!calibrate.equals("leave-one-out") && !calibrate.equals("none")) {
                throw new CliException(
                        ExitCodes.USAGE, "--calibrate must be leave-one-out or none, got '" + calibrate + "'");
            }
            if (cooldowns) {
                return cooldowns(out, err);
            }
            if (scheduleOptions.enabled()) {
                return scheduleOptions.run(input, json, out, err);
            }
            SatwatchConfig loaded = load(settings);
            TrackerConfig base = loaded.tracker();
            publishPolicy = loaded.lawPublish();
            List<RunData> runs = CurveInputs.load(input, err);
            List<Backtester.Input> inputs =
                    runs.stream().map(BacktestCommand::toInput).toList();
            Map<String, LawJson.Entry> fileLaws = FitCommand.loadLaws(lawFile);
            List<ReuseLaw> laws = laws(inputs, fileLaws, err);

            Map<String, Object> doc = new LinkedHashMap<>();
            List<TradeOffPlot.Point> satwatchCurve = new ArrayList<>();
            List<TradeOffPlot.Point> plateauCurve = new ArrayList<>();
            if (trace != null) {
                traceRun(Backtester.create(base), inputs, laws, err);
            }
            List<Backtester.Result> main = run(Backtester.create(base), inputs, laws, err);
            doc.put("runs", main.stream().map(BacktestReport::runJson).toList());
            doc.put("totals", BacktestReport.totals(main));
            if (sweep != null) {
                List<Map<String, Object>> rows = new ArrayList<>();
                String[] kv = sweep.split("=", 2);
                if (kv.length != 2 || kv[1].isBlank()) {
                    throw new CliException(ExitCodes.USAGE, "--sweep must be KEY=V1,V2,..., got '" + sweep + "'");
                }
                for (String value : kv[1].split(",")) {
                    Map<String, String> s = new LinkedHashMap<>(settings);
                    s.put(kv[0].trim(), value.trim());
                    List<Backtester.Result> r = run(Backtester.create(config(s)), inputs, laws, err);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("rule", "satwatch");
                    row.put("key", kv[0].trim());
                    row.put("value", value.trim());
                    row.putAll(BacktestReport.totals(r));
                    row.put("stops", BacktestReport.stopsJson(r));
                    rows.add(row);
                    satwatchCurve.add(BacktestReport.point(value.trim(), row));
                }
                doc.put("sweep", rows);
            }
            if (!plateau.isEmpty()) {
                Backtester bt = Backtester.create(base);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (String tolText : plateau) {
                    double tol = fraction(tolText);
                    List<Backtester.Result> r =
                            inputs.stream().map(in -> bt.plateau(in, tol)).toList();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("rule", "plateau");
                    row.put("tol", tol);
                    row.putAll(BacktestReport.totals(r));
                    row.put("stops", BacktestReport.stopsJson(r));
                    rows.add(row);
                    plateauCurve.add(BacktestReport.point(tolText.trim(), row));
                }
                doc.put("plateau", rows);
            }
            if (json) {
                out.println(ReportJson.tree(doc));
            } else {
                BacktestReport.printTable(out, main, doc);
            }
            out.flush();
            if (plot != null) {
                try {
                    TradeOffPlot.writePng(satwatchCurve, plateauCurve, BacktestReport.stops(main), plot);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.IO_ERROR, plot + ": " + e.getMessage());
                }
                err.println("plot written to " + plot);
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            err.println("satwatch backtest: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** {@code --cooldowns}: the cooldown-branch backtest with the chosen law ({@link CooldownReport}). */
    private int cooldowns(PrintWriter out, PrintWriter err) {
        CooldownModel chosen;
        try {
            chosen = model != null ? CooldownModel.parse(model) : load(settings).fitModel();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--model: " + e.getMessage());
        }
        return CooldownReport.run(chosen, input, json, out, err);
    }

    private void traceRun(Backtester bt, List<Backtester.Input> inputs, List<ReuseLaw> laws, PrintWriter err) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).runId().equals(trace)) {
                err.println("trace " + trace + ": d2_tokens budget_fraction g g_upper alpha e reliable");
                bt.replay(
                        inputs.get(i),
                        laws.get(i),
                        f -> err.printf(
                                Locale.ROOT,
                                "  %s %.3f %s %s %.4f %.4f %s%n",
                                Format.tokens(f.d2Tokens()),
                                f.d2Tokens() / f.targetD2Tokens(),
                                Format.percent(f.lossGivenUp()),
                                Format.percent(f.lossGivenUpUpper()),
                                f.alpha(),
                                f.e(),
                                f.reliable()));
                return;
            }
        }
        throw new CliException(ExitCodes.USAGE, "--trace: no run '" + trace + "' in the input");
    }

    private static TrackerConfig config(Map<String, String> settings) {
        return load(settings).tracker();
    }

    private static SatwatchConfig load(Map<String, String> settings) {
        try {
            return SatwatchConfigLoader.create().withOverrides(settings).load();
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, "--set: " + e.getMessage());
        }
    }

    private static double fraction(String text) {
        String t = text.trim();
        try {
            return t.endsWith("%")
                    ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "--plateau: '" + text + "' is not a number or percentage");
        }
    }

    private static Backtester.Input toInput(RunData run) {
        List<LossPoint> all = new ArrayList<>();
        run.pointsBySplit().values().forEach(all::addAll);
        return new Backtester.Input(run.runId(), run.meta(), all, run.finishStatus(), run.schedule());
    }

    /** The law each run is judged with: the law file's, else leave-one-out, else none. */
    private List<ReuseLaw> laws(List<Backtester.Input> inputs, Map<String, LawJson.Entry> fileLaws, PrintWriter err) {
        List<ReuseLaw> out = new ArrayList<>();
        boolean loo = lawFile == null && calibrate.equals("leave-one-out");
        Map<String, CalibrationRun> fitSets = new LinkedHashMap<>();
        if (loo) {
            for (Backtester.Input in : inputs) {
                CalibrationRun c = calibrationRun(in);
                if (c != null) {
                    fitSets.put(in.runId(), c);
                }
            }
        }
        int calibrated = 0;
        for (Backtester.Input in : inputs) {
            ReuseLaw law = null;
            if (lawFile != null) {
                law = FitCommand.lawFor(fileLaws, in.meta().setting());
            } else if (loo && in.meta().isReuse()) {
                law = leaveOneOut(in, inputs, fitSets);
                calibrated += law != null ? 1 : 0;
            }
            out.add(law);
        }
        if (loo) {
            err.println("backtest: " + calibrated + " of " + inputs.size()
                    + " runs judged with a leave-one-out law (the publication gate: ≥ " + publishPolicy.minRuns()
                    + " other completed reuse runs of the setting over ≥ " + publishPolicy.minDistinctD1()
                    + " distinct D1, leave-one-out median error ≤ " + publishPolicy.maxLooError() + ")");
        }
        return out;
    }

    /** A finished run's fit set for calibration: completed, with D1, with fit points; else null. */
    private static CalibrationRun calibrationRun(Backtester.Input in) {
        if (!RunTracker.COMPLETED.equals(in.finishStatus()) || !in.meta().isReuse()) {
            return null;
        }
        List<LossPoint> points = in.points().stream()
                .filter(p -> LossPoint.VAL.equals(p.split()))
                .toList();
        if (points.isEmpty()) {
            points = in.points().stream()
                    .filter(p -> p.split() == null || LossPoint.TRAIN.equals(p.split()))
                    .toList();
        }
        List<LossPoint> sorted = new ArrayList<>(points);
        sorted.sort(java.util.Comparator.comparingDouble(LossPoint::d2Tokens));
        FitPoints fp = FitCommand.summarize(sorted).fitPoints(in.meta().targetD2Tokens());
        if (fp.size() == 0) {
            return null;
        }
        return new CalibrationRun(
                in.runId(),
                ReuseLaw.billions(in.meta().d1Tokens()),
                fp.x(),
                fp.y(),
                fp.w(),
                FitCommand.annealingC(sorted, in.meta()));
    }

    /**
     * The law calibrated from the other completed reuse runs of the run's setting, when the publication gate of
     * {@code law.*} (DESIGN §6: enough runs over enough D1, leave-one-out error small) lets it be published; else
     * null, as the live app would have none.
     */
    private ReuseLaw leaveOneOut(
            Backtester.Input run, List<Backtester.Input> inputs, Map<String, CalibrationRun> fitSets) {
        String setting = settingOf(run);
        List<CalibrationRun> others = new ArrayList<>();
        for (Backtester.Input other : inputs) {
            CalibrationRun c = fitSets.get(other.runId());
            if (c != null
                    && !other.runId().equals(run.runId())
                    && settingOf(other).equals(setting)) {
                others.add(c);
            }
        }
        if (others.isEmpty()) {
            return null;
        }
        LawPublication pub = publishPolicy.evaluate(LawCalibrator.create(), others);
        return pub.publishable() ? pub.fit().law() : null;
    }

    private static String settingOf(Backtester.Input in) {
        return in.meta().settingOrDefault();
    }

    private List<Backtester.Result> run(
            Backtester bt, List<Backtester.Input> inputs, List<ReuseLaw> laws, PrintWriter err) {
        double[] fractions =
                predictAt.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        AtomicInteger done = new AtomicInteger();
        int n = inputs.size();
        int step = Math.max(1, n / 10);
        List<Backtester.Result> results = java.util.stream.IntStream.range(0, n)
                .parallel()
                .mapToObj(i -> {
                    Backtester.Result r = bt.replay(inputs.get(i), laws.get(i), f -> {}, fractions);
                    int d = done.incrementAndGet();
                    if (n >= 50 && d % step == 0) {
                        synchronized (err) {
                            err.println("backtest: " + d + "/" + n + " runs");
                            err.flush();
                        }
                    }
                    return r;
                })
                .toList();
        return results;
    }

    /** Text of numbers in the table (SI tokens, percentages, "—" for unknown). */
    static final class Format {
        private Format() {}

        static String tokens(double v) {
            return Numbers.tokens(v);
        }

        static String percent(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f %%", 100 * v) : "—";
        }
    }
}
