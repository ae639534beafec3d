package dev.satwatch.cli;

import dev.satwatch.detect.DetectConfig;
import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.estimate.RunEstimator;
import dev.satwatch.estimate.SchedulePrediction;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.Numbers;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.fit.ScheduleSummary;
import dev.satwatch.fit.SummaryConfig;
import dev.satwatch.io.RunData;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.plot.CurvePlot;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serde.ReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch fit}: fits each run of a curve file offline with the same estimator the streaming app uses, and
 * prints a table or, with {@code --json}, the {@code {"runs":[...]}} document.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = {
            "Fit L = E + B·D2^(−α) to each run of a curve file, with intervals, log-log and local slopes.",
            "With --law, also the exponent the reuse law predicts from the base model's D1."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:no run had enough points to fit",
            "2:bad flags",
            "65:malformed input or law file",
            "66:input file missing",
            "74:plot could not be written"
        })
public final class FitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Option(names = "--law", paramLabel = "LAWS.json", description = "Law file (from `satwatch law fit --write`).")
    Path lawFile;

    @Option(
            names = "--target-d2",
            paramLabel = "TOKENS",
            description = "Second-stage budget for projections when the input does not give target_d2_tokens.")
    Double targetD2;

    @Option(names = "--json", description = "Print one JSON object {\"runs\":[...]} instead of a table.")
    boolean json;

    @Option(
            names = "--plot",
            paramLabel = "OUT.png",
            description = {
                "Also write a log-log plot of loss vs D2. A run with a target budget also gets the annealing law's"
                        + " curve for the rest of its planned schedule (dotted) and the loss after a cooldown started"
                        + " now, with its 95%% interval."
            })
    Path plot;

    /** The cooldown fraction of the budget when a run's planned schedule does not give one: the detector's default. */
    static final double DEFAULT_COOLDOWN_FRACTION = DetectConfig.defaults().cooldownFraction();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Map<String, PlannedSchedule> schedules = new HashMap<>();
            List<RunData> runs = CurveInputs.load(input, err, schedules);
            Map<String, LawJson.Entry> laws = loadLaws(lawFile);
            RunEstimator estimator = RunEstimator.create();
            List<RunEstimate> estimates = new ArrayList<>();
            List<CurvePlot.Run> plotted = new ArrayList<>();
            for (RunData run : runs) {
                List<LossPoint> points = run.points(input.read.split);
                if (points.isEmpty()) {
                    err.println("warning: run " + run.runId() + " has no '"
                            + (input.read.split == null ? "val/train" : input.read.split) + "' points; skipped");
                    continue;
                }
                long unusable = points.stream()
                        .filter(p -> !(p.loss() > 0) || !Double.isFinite(p.loss()))
                        .count();
                if (unusable > 0) {
                    err.println("warning: run " + run.runId() + ": " + unusable
                            + " points with a non-finite or non-positive loss (divergence?) are left out of the fit");
                }
                RunMeta meta = withTarget(run.meta());
                CurveSummary summary = summarize(points);
                ReuseLaw law = lawFor(laws, meta.setting());
                RunEstimate estimate =
                        estimator.estimate(run.runId(), points.get(0).split(), meta, summary, law, null);
                estimates.add(estimate);
                if (plot != null) {
                    ScheduleForecast forecast = scheduleForecast(
                            points, meta, schedules.get(run.runId()), law == null ? Double.NaN : law.cooldownC());
                    if (forecast != null && !forecast.predicted()) {
                        err.println("note: run " + run.runId() + ": no planned-schedule curve in the plot: "
                                + forecast.note());
                    }
                    plotted.add(plotRun(run.runId(), points, estimate, law, meta, forecast));
                }
            }
            if (json) {
                out.println(ReportJson.fitReport(estimates));
            } else {
                printTable(out, estimates);
            }
            out.flush();
            if (plot != null) {
                writePlot(plotted, err);
            }
            boolean anyConverged = estimates.stream().anyMatch(e -> e.fit().converged());
            return anyConverged ? ExitCodes.OK : ExitCodes.NOTHING_FITTED;
        } catch (CliException e) {
            err.println("satwatch fit: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** Feeds the points, in file order, into a fresh curve summary (the streaming app's own state type). */
    static CurveSummary summarize(List<LossPoint> points) {
        CurveSummary summary = CurveSummary.create(SummaryConfig.defaults());
        for (LossPoint p : points) {
            summary.add(p.d2Tokens(), p.loss(), p.lr());
        }
        return summary;
    }

    /** {@link #scheduleForecast(List, RunMeta, PlannedSchedule, double)} without a setting C. */
    static ScheduleForecast scheduleForecast(List<LossPoint> points, RunMeta meta, PlannedSchedule planned) {
        return scheduleForecast(points, meta, planned, Double.NaN);
    }

    /**
     * What the schedule-aware annealing law predicts for the rest of the run (the plan's end, a cooldown now and the
     * curve between): {@link #scheduleSummary}, then {@link SchedulePrediction#forecast}.
     *
     * @param settingC the setting's C from the law ({@code NaN} for none), for a run still at a constant LR
     * @return null without a target budget; else the forecast, which says why when none could be made
     */
    static ScheduleForecast scheduleForecast(
            List<LossPoint> points, RunMeta meta, PlannedSchedule planned, double settingC) {
        double target = meta.targetD2Tokens();
        if (!(target > 0) || !Double.isFinite(target)) {
            return null;
        }
        double tokensPerStep = meta.tokensPerStep() > 0 ? meta.tokensPerStep() : Double.NaN;
        return SchedulePrediction.forecast(
                scheduleSummary(points, meta), tokensPerStep, planned, target, DEFAULT_COOLDOWN_FRACTION, settingC);
    }

    /**
     * A {@link ScheduleSummary} fed with the points in step order (the step logged, else D2 over the tokens per step;
     * points with neither are left out).
     */
    static ScheduleSummary scheduleSummary(List<LossPoint> points, RunMeta meta) {
        double tokensPerStep = meta.tokensPerStep() > 0 ? meta.tokensPerStep() : Double.NaN;
        List<double[]> rows = new ArrayList<>(points.size());
        for (LossPoint p : points) {
            double step = p.step() >= 0 ? p.step() : p.d2Tokens() / tokensPerStep;
            if (Double.isFinite(step)) {
                rows.add(new double[] {step, p.d2Tokens(), p.loss(), p.lr()});
            }
        }
        rows.sort(Comparator.comparingDouble(r -> r[0]));
        ScheduleSummary summary = new ScheduleSummary();
        for (double[] r : rows) {
            summary.add(r[0], r[1], r[2], r[3]);
        }
        return summary;
    }

    /**
     * A finished run's own C of the annealing law for calibration ({@link SchedulePrediction#annealingC}): NaN unless
     * its LR decayed.
     */
    static double annealingC(List<LossPoint> points, RunMeta meta) {
        return SchedulePrediction.annealingC(scheduleSummary(points, meta));
    }

    /** A finished reuse run as a calibration run: its D1, stable-phase fit points and own annealing C. */
    static CalibrationRun calibrationRun(String runId, RunMeta meta, FitPoints fp, List<LossPoint> points) {
        return new CalibrationRun(
                runId, ReuseLaw.billions(meta.d1Tokens()), fp.x(), fp.y(), fp.w(), annealingC(points, meta));
    }

    private RunMeta withTarget(RunMeta meta) {
        if (targetD2 == null) {
            return meta;
        }
        return new RunMeta(
                meta.setting(), meta.baseModel(), meta.d1Tokens(), meta.params(), targetD2, meta.tokensPerStep());
    }

    /** The laws of {@code --law}, none without it; a bad file is a data error (exit 65) naming it. */
    static Map<String, LawJson.Entry> loadLaws(Path lawFile) {
        if (lawFile == null) {
            return Map.of();
        }
        try {
            return LawJson.read(lawFile);
        } catch (LawFileException e) {
            throw new CliException(ExitCodes.DATA_ERROR, e.getMessage());
        }
    }

    /** The law of the run's setting; a law file holding a single law also applies to runs with no setting. */
    static ReuseLaw lawFor(Map<String, LawJson.Entry> laws, String setting) {
        LawJson.Entry entry = setting != null ? laws.get(setting) : null;
        if (entry == null && setting == null && laws.size() == 1) {
            entry = laws.values().iterator().next();
        }
        return entry == null ? null : entry.law();
    }

    private static CurvePlot.Run plotRun(
            String runId,
            List<LossPoint> points,
            RunEstimate estimate,
            ReuseLaw law,
            RunMeta meta,
            ScheduleForecast forecast) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).d2Tokens();
            y[i] = points.get(i).loss();
        }
        return new CurvePlot.Run(
                runId,
                x,
                y,
                estimate.fit(),
                law,
                ReuseLaw.billions(meta.d1Tokens()),
                ReuseLaw.billions(meta.targetD2Tokens()),
                forecast);
    }

    private void writePlot(List<CurvePlot.Run> runs, PrintWriter err) {
        try {
            CurvePlot.writePng(runs, plot, "satwatch fit: loss vs D2");
            err.println("wrote " + plot);
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCodes.IO_ERROR, plot + ": cannot write plot: " + e.getMessage());
        }
    }

    private static void printTable(PrintWriter out, List<RunEstimate> estimates) {
        out.printf(
                Locale.ROOT,
                "%-28s %-6s %6s %7s %-17s %7s %7s %7s %7s %-26s %s%n",
                "run",
                "split",
                "points",
                "alpha",
                "alpha 95% CI",
                "loglog",
                "local",
                "pred",
                "E",
                "loss@target (95% CI)",
                "verdict");
        for (RunEstimate e : estimates) {
            out.printf(
                    Locale.ROOT,
                    "%-28s %-6s %6d %7s %-17s %7s %7s %7s %7s %-26s %s%n",
                    abbreviate(e.runId(), 28),
                    abbreviate(e.split(), 6),
                    e.pointsUsed(),
                    num(e.fit().alpha()),
                    Double.isFinite(e.fit().alpha())
                            ? Numbers.alphaInterval(
                                    e.fit().alphaCiLow(), e.fit().alphaCiHigh())
                            : Numbers.DASH,
                    num(e.logLog() == null ? Double.NaN : e.logLog().alpha()),
                    num(e.local() == null ? Double.NaN : e.local().alpha()),
                    num(e.alphaPredicted()),
                    num(e.fit().e()),
                    Double.isFinite(e.projectedLossAtTarget())
                            ? num(e.projectedLossAtTarget()) + " "
                                    + Numbers.interval(
                                            e.projectedLossCiLow(), e.projectedLossCiHigh(), 4, 0, Numbers.LOSS_CEILING)
                            : Numbers.DASH,
                    e.fit().reliability().name().toLowerCase(Locale.ROOT));
        }
    }

    private static String num(double v) {
        return Numbers.fixed(v, 4);
    }

    private static String abbreviate(String s, int max) {
        if (s == null) {
            return Numbers.DASH;
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
