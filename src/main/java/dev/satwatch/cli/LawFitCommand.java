package dev.satwatch.cli;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.Numbers;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.io.RunData;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.LeaveOneOut;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serde.ReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code satwatch law fit}: calibrates one joint law per setting from the runs in the input files. Each run
 * contributes its fit set (stable-LR points after burn-in, binned exactly as in the streaming app); runs without
 * D1 (from scratch) are listed but do not enter the law.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = "Fit the reuse law L = A·D1^(−α1)·D2^(−α2+α3·ln D1) + E per setting from finished runs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:no setting had enough runs with D1 to fit a law",
            "2:bad flags",
            "65:malformed input",
            "66:input file missing",
            "74:law file could not be written"
        })
public final class LawFitCommand implements Callable<Integer> {

    /** Setting name given to runs that do not state one. */
    static final String DEFAULT_SETTING = "default";

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Option(names = "--setting", paramLabel = "S", description = "Fit only this setting.")
    String setting;

    @Option(names = "--json", description = "Print {\"laws\":[...]} instead of a table.")
    boolean json;

    @Option(names = "--leave-one-out", description = "Also report leave-one-run-out prediction errors.")
    boolean leaveOneOut;

    @Option(names = "--write", paramLabel = "LAWS.json", description = "Save the laws for `fit --law` and the app.")
    Path write;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<RunData> runs = CurveInputs.load(input, err);
            Map<String, List<CalibrationRun>> bySetting = new LinkedHashMap<>();
            Map<String, List<String>> withoutD1 = new LinkedHashMap<>();
            for (RunData run : runs) {
                String s = run.meta().setting() != null ? run.meta().setting() : DEFAULT_SETTING;
                if (setting != null && !setting.equals(s)) {
                    continue;
                }
                List<LossPoint> points = run.points(input.read.split);
                if (points.isEmpty()) {
                    continue;
                }
                bySetting.computeIfAbsent(s, k -> new ArrayList<>());
                withoutD1.computeIfAbsent(s, k -> new ArrayList<>());
                if (!run.meta().isReuse()) {
                    withoutD1.get(s).add(run.runId());
                    continue;
                }
                CurveSummary summary = FitCommand.summarize(points);
                FitPoints fp = summary.fitPoints(run.meta().targetD2Tokens());
                if (fp.size() == 0) {
                    err.println("warning: run " + run.runId() + " has no stable-phase points after burn-in; skipped");
                    continue;
                }
                bySetting
                        .get(s)
                        .add(new CalibrationRun(
                                run.runId(), ReuseLaw.billions(run.meta().d1Tokens()), fp.x(), fp.y(), fp.w()));
            }
            if (bySetting.isEmpty()) {
                throw new CliException(
                        ExitCodes.NOTHING_FITTED,
                        setting != null ? "no runs of setting '" + setting + "' in the input" : "no runs in the input");
            }
            LawCalibrator calibrator = LawCalibrator.create();
            List<ReportJson.LawReportEntry> entries = new ArrayList<>();
            List<LawJson.Entry> toWrite = new ArrayList<>();
            for (Map.Entry<String, List<CalibrationRun>> e : bySetting.entrySet()) {
                if (!json) {
                    err.printf(
                            Locale.ROOT,
                            "fitting setting %s: %d runs with D1%n",
                            e.getKey(),
                            e.getValue().size());
                }
                LawFit fit = calibrator.fit(e.getValue());
                List<LeaveOneOut> loo = leaveOneOut && fit.converged() ? calibrator.leaveOneOut(e.getValue()) : null;
                entries.add(new ReportJson.LawReportEntry(e.getKey(), fit, loo, withoutD1.get(e.getKey())));
                if (fit.converged()) {
                    toWrite.add(new LawJson.Entry(e.getKey(), fit.law(), fit.stdErr(), fit.rmse(), fit.runsUsed()));
                }
            }
            if (json) {
                out.println(ReportJson.lawReport(entries));
            } else {
                printTable(out, entries);
            }
            out.flush();
            if (write != null && !toWrite.isEmpty()) {
                try {
                    LawJson.write(write, toWrite);
                    err.println("wrote " + toWrite.size() + " law(s) to " + write);
                } catch (IOException ex) {
                    throw new CliException(ExitCodes.IO_ERROR, write + ": cannot write: " + ex.getMessage());
                }
            }
            return toWrite.isEmpty() ? ExitCodes.NOTHING_FITTED : ExitCodes.OK;
        } catch (CliException e) {
            err.println("satwatch law fit: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** {@code 0.4000±0.0100}; the ± part left out when the standard error is unknown. */
    static String plusMinus(double value, double stdErr, int digits) {
        return Numbers.fixed(value, digits) + (Double.isFinite(stdErr) ? "±" + Numbers.fixed(stdErr, digits) : "");
    }

    /** Where the law's exponent reaches 0, with an SI suffix, or that it never does (α3 ≤ 0). */
    static String saturation(ReuseLaw law) {
        double d1 = law.saturationD1();
        return Double.isFinite(d1) && d1 > 0
                ? "exponent α(D1) reaches 0 at D1* = " + Numbers.billions(d1) + " tokens"
                : "exponent α(D1) never reaches 0 (α3 ≤ 0: it does not fall with D1)";
    }

    private static void printTable(PrintWriter out, List<ReportJson.LawReportEntry> entries) {
        for (ReportJson.LawReportEntry entry : entries) {
            LawFit f = entry.fit();
            out.printf(Locale.ROOT, "setting %s: %d runs, %d points%n", entry.setting(), f.runsUsed(), f.points());
            if (!f.converged()) {
                out.println("  no law: needs at least two runs with different D1 and enough points each");
            } else {
                ReuseLaw l = f.law();
                out.println("  A=" + plusMinus(l.a(), f.stdErr().a(), 4)
                        + "  α1=" + plusMinus(l.alpha1(), f.stdErr().alpha1(), 4)
                        + "  α2=" + plusMinus(l.alpha2(), f.stdErr().alpha2(), 4)
                        + "  α3=" + plusMinus(l.alpha3(), f.stdErr().alpha3(), 4)
                        + "  E=" + plusMinus(l.e(), f.stdErr().e(), 4)
                        + "  rmse(log)=" + Numbers.fixed(f.rmse(), 5));
                out.println("  " + saturation(l));
            }
            if (!entry.runsWithoutD1().isEmpty()) {
                out.println("  from scratch (no D1, not in the law): " + String.join(", ", entry.runsWithoutD1()));
            }
            if (entry.leaveOneOut() != null) {
                out.printf(
                        Locale.ROOT, "  %-32s %12s %12s %9s%n", "leave-one-out run", "predicted", "actual", "rel err");
                for (LeaveOneOut l : entry.leaveOneOut()) {
                    out.printf(
                            Locale.ROOT,
                            "  %-32s %12s %12s %9s%n",
                            l.runId(),
                            Numbers.fixed(l.predictedFinalLoss(), 5),
                            Numbers.fixed(l.actualFinalLoss(), 5),
                            Double.isFinite(l.relErr()) ? Numbers.fixed(100 * l.relErr(), 3) + "%" : Numbers.DASH);
                }
            }
        }
    }
}
