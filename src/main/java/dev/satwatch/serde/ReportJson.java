package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.SlopeResult;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.LawInterval;
import dev.satwatch.law.LawPublication;
import dev.satwatch.law.LeaveOneOut;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * JSON documents printed by the CLI ({@code satwatch fit --json}, {@code satwatch law fit --json}). The field
 * names are a contract other tools parse: change them only with a version bump. Numbers that cannot be
 * computed are written as {@code null}. Thread-safe.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    /** {@code {"runs":[...]}} for {@code satwatch fit --json}. */
    public static String fitReport(List<RunEstimate> estimates) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode runs = root.putArray("runs");
        for (RunEstimate e : estimates) {
            runs.add(estimate(e));
        }
        return write(root);
    }

    /** One run's estimate as the object of {@code fit --json} (also the body of later fit updates). */
    public static ObjectNode estimate(RunEstimate e) {
        FitResult fit = e.fit();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run_id", e.runId());
        o.put("setting", e.setting());
        o.put("split", e.split());
        number(o, "d1_tokens", e.d1Tokens());
        number(o, "target_d2_tokens", e.targetD2Tokens());
        number(o, "d2_tokens", e.d2Tokens());
        number(o, "last_loss", e.lastLoss());
        o.put("points_used", e.pointsUsed());
        o.put("bins_used", e.binsUsed());
        number(o, "alpha", fit.alpha());
        number(o, "alpha_ci_low", fit.alphaCiLow());
        number(o, "alpha_ci_high", fit.alphaCiHigh());
        number(o, "alpha_stderr", fit.alphaStdErr());
        number(o, "e", fit.e());
        number(o, "e_stderr", fit.eStdErr());
        number(o, "b", fit.b());
        number(o, "alpha_loglog", slope(e.logLog()));
        number(
                o,
                "alpha_loglog_stderr",
                e.logLog() == null ? Double.NaN : e.logLog().alphaStdErr());
        number(o, "alpha_local", slope(e.local()));
        number(o, "alpha_fixed_e", e.fixedE() == null ? Double.NaN : e.fixedE().alpha());
        number(o, "alpha_predicted", e.alphaPredicted());
        number(o, "projected_loss_at_target", e.projectedLossAtTarget());
        number(o, "projected_loss_ci_low", e.projectedLossCiLow());
        number(o, "projected_loss_ci_high", e.projectedLossCiHigh());
        number(o, "law_loss_at_target", e.lawLossAtTarget());
        number(o, "gain_per_billion_tokens", e.gainPerBillionTokens());
        number(o, "remaining_gain", e.remainingGain());
        number(o, "rms_log_residual", fit.rmsLogResidual());
        o.put("iterations", fit.iterations());
        o.put("converged", fit.converged());
        o.put("reliable", fit.reliable());
        o.put("verdict", fit.reliability().name().toLowerCase(java.util.Locale.ROOT));
        return o;
    }

    /** A flat report (e.g. {@code satwatch bench --json}): names to numbers or strings, in order; NaN → null. */
    public static String object(java.util.Map<String, Object> fields) {
        ObjectNode root = MAPPER.createObjectNode();
        fields.forEach((k, v) -> {
            if (v instanceof Double d) {
                number(root, k, d);
            } else if (v instanceof Number n) {
                root.put(k, n.longValue());
            } else {
                root.put(k, v == null ? null : v.toString());
            }
        });
        return write(root);
    }

    /**
     * A nested report (e.g. {@code satwatch backtest --json}): maps (in order), lists, numbers, booleans and strings;
     * a non-finite double becomes null.
     */
    public static String tree(java.util.Map<String, ?> fields) {
        return write((ObjectNode) node(fields));
    }

    private static com.fasterxml.jackson.databind.JsonNode node(Object v) {
        var nodes = MAPPER.getNodeFactory();
        if (v == null) {
            return nodes.nullNode();
        }
        if (v instanceof java.util.Map<?, ?> m) {
            ObjectNode o = MAPPER.createObjectNode();
            m.forEach((k, x) -> o.set(String.valueOf(k), node(x)));
            return o;
        }
        if (v instanceof java.util.Collection<?> c) {
            var a = MAPPER.createArrayNode();
            c.forEach(x -> a.add(node(x)));
            return a;
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? nodes.numberNode(d) : nodes.nullNode();
        }
        if (v instanceof Integer || v instanceof Long) {
            return nodes.numberNode(((Number) v).longValue());
        }
        if (v instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        return nodes.textNode(v.toString());
    }

    /** {@code {"laws":[...]}} for {@code satwatch law fit --json}. */
    public static String lawReport(List<LawReportEntry> entries) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode laws = root.putArray("laws");
        for (LawReportEntry entry : entries) {
            LawFit fit = entry.fit();
            ObjectNode o = laws.addObject();
            o.put("setting", entry.setting());
            ObjectNode law = o.putObject("law");
            number(law, "a", fit.law().a());
            number(law, "alpha1", fit.law().alpha1());
            number(law, "alpha2", fit.law().alpha2());
            number(law, "alpha3", fit.law().alpha3());
            number(law, "e", fit.law().e());
            if (Double.isFinite(fit.law().cooldownC())) {
                o.put("cooldown_c", fit.law().cooldownC());
            }
            ObjectNode se = o.putObject("stderr");
            number(se, "a", fit.stdErr().a());
            number(se, "alpha1", fit.stdErr().alpha1());
            number(se, "alpha2", fit.stdErr().alpha2());
            number(se, "alpha3", fit.stdErr().alpha3());
            number(se, "e", fit.stdErr().e());
            number(o, "rmse", fit.rmse());
            o.put("runs_used", fit.runsUsed());
            o.put("points", fit.points());
            o.put("converged", fit.converged());
            LawInterval a3 = fit.law().alpha3Interval();
            if (a3.defined()) {
                ArrayNode ci = o.putArray("alpha3_ci95");
                ci.add(a3.low());
                ci.add(a3.high());
            }
            o.put("alpha3_sign", fit.law().alpha3Sign().name().toLowerCase(Locale.ROOT));
            LawPublication pub = entry.publication();
            if (pub != null) {
                o.put("publishable", pub.publishable());
                ArrayNode why = o.putArray("not_published_because");
                pub.reasons().forEach(why::add);
                number(o, "loo_median_abs_rel_err", pub.looMedianAbsRelErr());
            }
            ArrayNode excluded = o.putArray("runs_without_d1");
            entry.runsWithoutD1().forEach(excluded::add);
            if (entry.leaveOneOut() != null) {
                ArrayNode loo = o.putArray("leave_one_out");
                for (LeaveOneOut l : entry.leaveOneOut()) {
                    ObjectNode r = loo.addObject();
                    r.put("run_id", l.runId());
                    number(r, "predicted_final_loss", l.predictedFinalLoss());
                    number(r, "actual_final_loss", l.actualFinalLoss());
                    number(r, "rel_err", l.relErr());
                }
            }
        }
        return write(root);
    }

    /**
     * One law of a {@code law fit} report.
     *
     * @param setting the setting
     * @param fit the calibrated law
     * @param leaveOneOut leave-one-run-out errors, or null when not asked for
     * @param runsWithoutD1 runs of that setting fitted per run only (from scratch, no D1)
     * @param publication the publication gate's verdict, or null when not judged
     */
    public record LawReportEntry(
            String setting,
            LawFit fit,
            List<LeaveOneOut> leaveOneOut,
            List<String> runsWithoutD1,
            LawPublication publication) {

        /** An entry without a publication verdict. */
        public LawReportEntry(String setting, LawFit fit, List<LeaveOneOut> leaveOneOut, List<String> runsWithoutD1) {
            this(setting, fit, leaveOneOut, runsWithoutD1, null);
        }
    }

    private static double slope(SlopeResult s) {
        return s == null ? Double.NaN : s.alpha();
    }

    private static void number(ObjectNode o, String name, double value) {
        if (Double.isFinite(value)) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
