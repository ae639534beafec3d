package dev.satwatch.cli;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.Numbers;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.io.RunData;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.LawInterval;
import dev.satwatch.law.LawPublication;
import dev.satwatch.law.LawPublishPolicy;
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
 * D1 (from scratch) are listed but do not enter the law. Each law is reported with α3's 95 % interval and sign, and
 * judged by the publication gate the streaming app applies (DESIGN §6, {@link LawPublishPolicy}); the report says
 * why a law would not be published, and {@code --write} saves only laws that pass unless {@code
 * --write-unpublishable} is given.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = "Fit the reuse law L = A·D1^(−α1)·D2^(−α2+α3·ln D1) + E per setting from finished runs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:no law fitted, or none passes the publication gate (with --write-unpublishable: none converged)",
            "2:bad flags",
            "65:malformed input",
            "66:input file missing",
            "74:law file could not be written"
        })
public final class LawFitCommand implements Callable<Integer> {

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

    @Option(
            names = "--write",
            paramLabel = "LAWS.json",
            description = "Save the laws that pass the publication gate, for `fit --law` and the app's laws.file.")
    Path write;

    @Option(
            names = "--write-unpublishable",
            description =
                    "With --write: also save converged laws the publication gate rejects (their report says" + " why).")
    boolean writeUnpublishable;

    @Option(
            names = "--min-runs",
            paramLabel = "N",
            defaultValue = "" + LawPublishPolicy.DEFAULT_MIN_RUNS,
            description = "Publication gate: runs with D1 a law needs, as law.min.runs (default: ${DEFAULT-VALUE}).")
    int minRuns;

    @Option(
            names = "--min-distinct-d1",
            paramLabel = "N",
            defaultValue = "" + LawPublishPolicy.DEFAULT_MIN_DISTINCT_D1,
            description =
                    "Publication gate: distinct D1 among them, as law.min.distinct.d1 (default: ${DEFAULT-VALUE}).")
    int minDistinctD1;

    @Option(
            names = "--max-loo-error",
            paramLabel = "X",
            defaultValue = "2%",
            description = "Publication gate: largest median |relative error| of the leave-one-run-out predictions, a"
                    + " fraction or a percentage, as law.publish.max.loo.error; `off` skips it (default:"
                    + " ${DEFAULT-VALUE}).")
    String maxLooError;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<RunData> runs = CurveInputs.load(input, err);
            Map<String, List<CalibrationRun>> bySetting = new LinkedHashMap<>();
            Map<String, List<String>> withoutD1 = new LinkedHashMap<>();
            for (RunData run : runs) {
                String s = run.meta().settingOrDefault();
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
                bySetting.get(s).add(FitCommand.calibrationRun(run.runId(), run.meta(), fp, points));
            }
            if (bySetting.isEmpty()) {
                throw new CliException(
                        ExitCodes.NOTHING_FITTED,
                        setting != null ? "no runs of setting '" + setting + "' in the input" : "no runs in the input");
            }
            LawPublishPolicy policy = policy();
            LawCalibrator calibrator = LawCalibrator.create();
            List<ReportJson.LawReportEntry> entries = new ArrayList<>();
            List<LawJson.Entry> toWrite = new ArrayList<>();
            int fitted = 0;
            for (Map.Entry<String, List<CalibrationRun>> e : bySetting.entrySet()) {
                if (!json) {
                    err.printf(
                            Locale.ROOT,
                            "fitting setting %s: %d runs with D1%n",
                            e.getKey(),
                            e.getValue().size());
                }
                LawPublication pub = policy.evaluate(calibrator, e.getValue(), leaveOneOut);
                LawFit fit = pub.fit();
                List<LeaveOneOut> loo = leaveOneOut ? pub.leaveOneOut() : null;
                entries.add(new ReportJson.LawReportEntry(e.getKey(), fit, loo, withoutD1.get(e.getKey()), pub));
                if (fit.converged()) {
                    fitted++;
                }
                if (pub.publishable() || (writeUnpublishable && fit.converged())) {
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
            if (toWrite.isEmpty()) {
                err.println(
                        fitted == 0
                                ? "satwatch law fit: no law could be fitted"
                                : "satwatch law fit: no law passes the publication gate (reasons above);"
                                        + " --write-unpublishable writes converged laws anyway");
                return ExitCodes.NOTHING_FITTED;
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            err.println("satwatch law fit: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** The publication gate of the flags (the same keys and defaults as the app's config). */
    private LawPublishPolicy policy() {
        String text = maxLooError.trim();
        double max;
        if (text.equalsIgnoreCase("off")) {
            max = Double.POSITIVE_INFINITY;
        } else {
            boolean percent = text.endsWith("%");
            try {
                max = Double.parseDouble(
                        percent ? text.substring(0, text.length() - 1).trim() : text);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "--max-loo-error: not a fraction or percentage: " + text);
            }
            max = percent ? max / 100 : max;
            if (!(max > 0) || max > 1) {
                throw new CliException(
                        ExitCodes.USAGE, "--max-loo-error: must be in (0, 1] or (0 %, 100 %], was " + text);
            }
        }
        try {
            return new LawPublishPolicy(minRuns, minDistinctD1, max);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
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
                LawInterval a3 = l.alpha3Interval();
                out.println("  α3 = " + Numbers.fixed(l.alpha3(), 4) + ", 95% interval [" + Numbers.fixed(a3.low(), 4)
                        + ", " + Numbers.fixed(a3.high(), 4) + "]: "
                        + l.alpha3Sign().description());
                out.println("  " + saturation(l));
            }
            LawPublication pub = entry.publication();
            if (pub != null) {
                if (pub.publishable()) {
                    out.printf(
                            Locale.ROOT,
                            "  publishable: %d runs, %d distinct D1%s%n",
                            pub.runs(),
                            pub.distinctD1(),
                            Double.isFinite(pub.looMedianAbsRelErr())
                                    ? String.format(
                                            Locale.ROOT,
                                            ", leave-one-out median |rel err| %.3f%%",
                                            100 * pub.looMedianAbsRelErr())
                                    : "");
                } else {
                    out.println("  not publishable: " + String.join("; ", pub.reasons()));
                }
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
