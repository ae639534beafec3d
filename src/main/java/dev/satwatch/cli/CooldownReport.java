package dev.satwatch.cli;

import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunStarted;
import dev.satwatch.fit.CooldownModel;
import dev.satwatch.io.RunData;
import dev.satwatch.serde.ReportJson;
import dev.satwatch.track.CooldownBacktest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code satwatch backtest --cooldowns}: the cooldown-branch backtest ({@link CooldownBacktest}) run on the inputs and
 * rendered as a table or JSON. The options stay on {@link BacktestCommand}; this is its run and rendering.
 */
final class CooldownReport {

    private CooldownReport() {}

    /** Runs the backtest with {@code chosen}: progress and notes on {@code err}, the report on {@code out}. */
    static int run(CooldownModel chosen, InputOptions input, boolean json, PrintWriter out, PrintWriter err) {
        List<RunEvent> events = CurveInputs.events(input.inputs, input.read, err);
        RunData.Grouping grouping = RunData.groupReporting(events);
        grouping.problems().forEach(p -> err.println("warning: " + p));
        Map<String, RunStarted> started = new LinkedHashMap<>();
        for (RunEvent e : events) {
            if (e instanceof RunStarted s) {
                started.putIfAbsent(s.runId(), s);
            }
        }
        List<CooldownBacktest.Run> runs = new ArrayList<>();
        for (RunData r : grouping.runs()) {
            runs.add(new CooldownBacktest.Run(
                    r.runId(), started.get(r.runId()), r.meta(), r.pointsBySplit(), r.finishStatus()));
        }
        if (runs.stream().noneMatch(r -> r.started() != null && r.started().isBranch())) {
            throw new CliException(
                    ExitCodes.DATA_ERROR,
                    "--cooldowns: no branch runs in " + input.inputs + " (a branch's run_started names branch_of and"
                            + " branch_at_d2_tokens)");
        }
        CooldownBacktest.Report report = CooldownBacktest.create(chosen).run(runs, line -> {
            err.println(line);
            err.flush();
        });
        for (CooldownBacktest.Branch b : report.branches()) {
            if (b.note() != null) {
                err.println("backtest --cooldowns: " + b.runId() + " not predicted: " + b.note());
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CooldownBacktest.Branch b : report.branches()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("run_id", b.runId());
                o.put("branch_of", b.branchOf());
                o.put("branch_at_d2_tokens", b.branchAtD2Tokens());
                o.put("cooldown_tokens", b.cooldownTokens());
                o.put("predicted_final_loss", b.predictedFinalLoss());
                o.put("predicted_final_loss_low", b.predictedFinalLossLow());
                o.put("predicted_final_loss_high", b.predictedFinalLossHigh());
                o.put("actual_final_loss", b.actualFinalLoss());
                o.put("rel_err", b.relErr());
                rows.add(o);
            }
            doc.put("branches", rows);
            doc.put("mean_abs_rel_err", report.meanAbsRelErr());
            doc.put("max_abs_rel_err", report.maxAbsRelErr());
            out.println(ReportJson.tree(doc));
        } else {
            out.printf(
                    Locale.ROOT,
                    "%-40s %10s %10s %9s %21s %9s %8s%n",
                    "branch",
                    "at",
                    "cooldown",
                    "predicted",
                    "95 % interval",
                    "actual",
                    "rel err");
            for (CooldownBacktest.Branch b : report.branches()) {
                out.printf(
                        Locale.ROOT,
                        "%-40s %10s %10s %9.4f [%9.4f, %9.4f] %9.4f %8s%n",
                        b.runId(),
                        BacktestCommand.Format.tokens(b.branchAtD2Tokens()),
                        BacktestCommand.Format.tokens(b.cooldownTokens()),
                        b.predictedFinalLoss(),
                        b.predictedFinalLossLow(),
                        b.predictedFinalLossHigh(),
                        b.actualFinalLoss(),
                        BacktestCommand.Format.percent(b.relErr()));
            }
            out.printf(
                    Locale.ROOT,
                    "%nmean |rel err| %s, max %s over %d branches%n",
                    BacktestCommand.Format.percent(report.meanAbsRelErr()),
                    BacktestCommand.Format.percent(report.maxAbsRelErr()),
                    report.branches().size());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
