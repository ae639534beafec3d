package dev.satwatch.cli;

import dev.satwatch.event.LossPoint;
import dev.satwatch.fit.AnnealingResult;
import dev.satwatch.io.RunData;
import dev.satwatch.serde.ReportJson;
import dev.satwatch.track.ScheduleBacktest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code satwatch backtest --schedules}: the whole-curve backtests of the annealing law across LR schedules
 * ({@link ScheduleBacktest}, issue 13). A mixin of {@link BacktestCommand}, kept apart from its other modes.
 *
 * <ul>
 *   <li>{@code --fit-on ID,...}: one law fitted jointly on those runs, every other input run's whole curve
 *       predicted from its LR schedule. Pass the runs of one setting per command (the law's constants are per
 *       setting).
 *   <li>{@code --prefix F}: each run's final loss predicted from its own first F of its steps.
 * </ul>
 *
 * {@code --warmup-steps W} (either mode): a run that starts logging after step W is taken to have warmed up
 * linearly from LR 0 over its first W steps, instead of running at its first logged LR from step 0.
 */
final class ScheduleBacktestOptions {

    @Option(
            names = "--schedules",
            description = "Instead: backtest the annealing law L = L0 + A·S1^(−α) − C·S2 across LR schedules, with"
                    + " --fit-on (fit some runs jointly, predict the others' whole curves) or --prefix (predict each"
                    + " run's final loss from its own first fraction). Runs must log lr.")
    boolean schedules;

    @Option(
            names = "--fit-on",
            paramLabel = "RUN_ID,...",
            split = ",",
            description = "--schedules: the runs fitted jointly (a run id, or its last path segment, e.g."
                    + " constant_24000,cosine_24000); every other run is predicted.")
    List<String> fitOn = new ArrayList<>();

    @Option(
            names = "--prefix",
            paramLabel = "F",
            description = "--schedules: predict each run's final loss from its points up to this fraction of its last"
                    + " step, e.g. 0.5.")
    Double prefix;

    @Option(
            names = "--warmup-steps",
            paramLabel = "W",
            description = "--schedules: the runs warmed up linearly from LR 0 at step 0 to their first logged LR over"
                    + " the first W steps (or up to their first logged step, when earlier). Default 0: the steps"
                    + " before the first logged point count at its LR, as Tissue et al. §3.4 do; give it for"
                    + " runs that log only after their warmup, e.g. 2160 for the multipowerlaw runs.")
    Double warmupSteps;

    boolean enabled() {
        return schedules;
    }

    /** Runs the mode on the inputs: progress on {@code err}, the report on {@code out}. */
    int run(InputOptions input, boolean json, PrintWriter out, PrintWriter err) {
        if (fitOn.isEmpty() == (prefix == null)) {
            throw new CliException(
                    ExitCodes.USAGE, "--schedules needs exactly one of --fit-on RUN_ID,... or --prefix F");
        }
        if (prefix != null && !(prefix > 0 && prefix < 1)) {
            throw new CliException(ExitCodes.USAGE, "--prefix must be a fraction in (0, 1), got " + prefix);
        }
        if (warmupSteps != null && !(warmupSteps >= 0 && Double.isFinite(warmupSteps))) {
            throw new CliException(
                    ExitCodes.USAGE, "--warmup-steps must be a number of steps >= 0, got " + warmupSteps);
        }
        List<RunData> data = CurveInputs.load(input, err);
        List<ScheduleBacktest.Run> runs = new ArrayList<>();
        for (RunData r : data) {
            List<LossPoint> points = r.points(input.read.split);
            if (points.isEmpty()) {
                err.println("warning: " + r.runId() + " has no '"
                        + (input.read.split == null ? "val/train" : input.read.split) + "' points; skipped");
                continue;
            }
            runs.add(new ScheduleBacktest.Run(r.runId(), points, r.meta().tokensPerStep()));
        }
        ScheduleBacktest backtest = ScheduleBacktest.create().withWarmupSteps(warmupSteps == null ? 0 : warmupSteps);
        err.println("backtest --schedules: " + runs.size() + " runs"
                + (backtest.warmupSteps() > 0
                        ? String.format(
                                Locale.ROOT, ", a linear warmup over the first %.0f steps", backtest.warmupSteps())
                        : ""));
        err.flush();
        if (prefix != null) {
            ScheduleBacktest.PrefixReport report = backtest.prefix(runs, prefix, line -> {
                err.println("  " + line);
                err.flush();
            });
            printPrefix(report, json, out);
        } else {
            Set<String> ids = fitIds(runs);
            ScheduleBacktest.CrossReport report;
            try {
                report = backtest.crossSchedule(runs, ids, line -> {
                    err.println("  " + line);
                    err.flush();
                });
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.DATA_ERROR, "--schedules: " + e.getMessage());
            }
            for (ScheduleBacktest.CurveError e : report.runs()) {
                if (e.note() != null) {
                    err.println("backtest --schedules: " + e.runId() + " not predicted: " + e.note());
                }
            }
            printCross(report, json, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The run ids named by {@code --fit-on}: exact ids, or the last path segment of an id. */
    private Set<String> fitIds(List<ScheduleBacktest.Run> runs) {
        Set<String> ids = new LinkedHashSet<>();
        for (String wanted : fitOn) {
            String w = wanted.trim();
            boolean found = false;
            for (ScheduleBacktest.Run r : runs) {
                String id = r.runId();
                if (id.equals(w) || id.endsWith("/" + w)) {
                    ids.add(id);
                    found = true;
                }
            }
            if (!found) {
                throw new CliException(
                        ExitCodes.DATA_ERROR,
                        "--fit-on: no input run named '" + w + "'; runs: "
                                + runs.stream().map(ScheduleBacktest.Run::runId).toList());
            }
        }
        return ids;
    }

    private static Map<String, Object> lawJson(AnnealingResult law) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("l0", law.l0());
        o.put("a", law.a());
        o.put("alpha", law.alpha());
        o.put("c", law.c());
        o.put("lambda", law.lambda());
        o.put("rss", law.rss());
        o.put("points", law.points());
        o.put("converged", law.converged());
        return o;
    }

    private static void printCross(ScheduleBacktest.CrossReport report, boolean json, PrintWriter out) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("fit_on", report.fitOn());
            doc.put("law", lawJson(report.law()));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ScheduleBacktest.CurveError e : report.runs()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("run_id", e.runId());
                o.put("role", e.fitted() ? "fit" : "predicted");
                o.put("points", e.points());
                o.put("mean_abs_rel_err", e.meanAbsRelErr());
                o.put("max_abs_rel_err", e.maxAbsRelErr());
                o.put("final_predicted_loss", e.finalPredicted());
                o.put("final_actual_loss", e.finalActual());
                o.put("final_rel_err", e.finalRelErr());
                if (e.note() != null) {
                    o.put("note", e.note());
                }
                rows.add(o);
            }
            doc.put("runs", rows);
            doc.put("mean_abs_rel_err", report.meanAbsRelErr());
            doc.put("max_abs_rel_err", report.maxAbsRelErr());
            out.println(ReportJson.tree(doc));
            return;
        }
        AnnealingResult law = report.law();
        out.printf(
                Locale.ROOT,
                "law fitted on %s: L = %.4f + %.4f·S1^(−%.4f) − %.4f·S2 (λ = %s)%n%n",
                String.join(", ", report.fitOn()),
                law.l0(),
                law.a(),
                law.alpha(),
                law.c(),
                law.lambda());
        out.printf(
                Locale.ROOT,
                "%-32s %-9s %6s %10s %10s %9s %9s %9s%n",
                "run",
                "role",
                "points",
                "mean |err|",
                "max |err|",
                "final",
                "predicted",
                "err");
        for (ScheduleBacktest.CurveError e : report.runs()) {
            out.printf(
                    Locale.ROOT,
                    "%-32s %-9s %6d %10s %10s %9.4f %9.4f %9s%n",
                    e.runId(),
                    e.fitted() ? "fit" : "predicted",
                    e.points(),
                    BacktestCommand.Format.percent(e.meanAbsRelErr()),
                    BacktestCommand.Format.percent(e.maxAbsRelErr()),
                    e.finalActual(),
                    e.finalPredicted(),
                    BacktestCommand.Format.percent(e.finalRelErr()));
        }
        out.printf(
                Locale.ROOT,
                "%npredicted runs: mean |rel err| %s (mean of the runs' means), max %s%n",
                BacktestCommand.Format.percent(report.meanAbsRelErr()),
                BacktestCommand.Format.percent(report.maxAbsRelErr()));
    }

    private static void printPrefix(ScheduleBacktest.PrefixReport report, boolean json, PrintWriter out) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("prefix_fraction", report.fraction());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ScheduleBacktest.PrefixPrediction p : report.runs()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("run_id", p.runId());
                o.put("prefix_step", p.prefixStep());
                o.put("last_step", p.lastStep());
                o.put("fit_points", p.fitPoints());
                if (p.law() != null) {
                    o.put("law", lawJson(p.law()));
                }
                o.put("predicted_final_loss", p.predictedFinal());
                o.put("predicted_final_loss_low", p.predictedLow());
                o.put("predicted_final_loss_high", p.predictedHigh());
                o.put("actual_final_loss", p.actualFinal());
                o.put("rel_err", p.relErr());
                if (p.note() != null) {
                    o.put("note", p.note());
                }
                rows.add(o);
            }
            doc.put("runs", rows);
            doc.put("mean_abs_rel_err", report.meanAbsRelErr());
            doc.put("max_abs_rel_err", report.maxAbsRelErr());
            out.println(ReportJson.tree(doc));
            return;
        }
        out.printf(
                Locale.ROOT,
                "%-24s %8s %8s %6s %9s %21s %9s %8s%n",
                "run",
                "prefix",
                "last",
                "fitted",
                "predicted",
                "95 % interval",
                "actual",
                "rel err");
        for (ScheduleBacktest.PrefixPrediction p : report.runs()) {
            out.printf(
                    Locale.ROOT,
                    "%-24s %8.0f %8.0f %6d %9.4f [%9.4f, %9.4f] %9.4f %8s%n",
                    p.runId(),
                    p.prefixStep(),
                    p.lastStep(),
                    p.fitPoints(),
                    p.predictedFinal(),
                    p.predictedLow(),
                    p.predictedHigh(),
                    p.actualFinal(),
                    BacktestCommand.Format.percent(p.relErr()));
        }
        out.printf(
                Locale.ROOT,
                "%nmean |rel err| %s, max %s (prefix %.0f %% of each run's steps)%n",
                BacktestCommand.Format.percent(report.meanAbsRelErr()),
                BacktestCommand.Format.percent(report.maxAbsRelErr()),
                100 * report.fraction());
    }
}
