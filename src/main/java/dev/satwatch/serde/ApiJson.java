package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.Numbers;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.CurveBin;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.track.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The JSON documents of the HTTP API (issue 4 contract): run summaries, run details, open alerts, the early-stop
 * decision, ingest answers and errors. The {@code http} package builds its answers here because only {@code serde}
 * touches Jackson.
 *
 * <p>A run summary is
 *
 * <pre>{@code
 * {"run_id":"r1","setting":"cpt-code","d1_tokens":3.0E11,"d2_tokens":1.2E10,"target_d2_tokens":5.0E10,
 *  "last_loss":2.31,"points":412,"alpha":0.31,"alpha_ci_low":0.29,"alpha_ci_high":0.33,"alpha_predicted":0.3,
 *  "alpha_loglog":0.05,"alpha_local":0.04,"gain_per_billion_tokens":0.004,"projected_loss_at_target":2.2,
 *  "verdict":"ok","open_alerts":["DIMINISHING_RETURNS"],"finished":false}
 * }</pre>
 *
 * Token counts are raw tokens; non-finite numbers are {@code null}; fit fields are {@code null} before the first fit.
 * Stateless and thread-safe.
 */
public final class ApiJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    /** One point of a fitted or predicted curve, D2 in raw tokens. */
    public record CurvePoint(double d2Tokens, double loss) {}

    /**
     * The early-stop recommendation of one run.
     *
     * @param stop whether training should stop
     * @param reason the deciding alert's message, null when {@code stop} is false
     * @param alertType the deciding alert's type, null when {@code stop} is false
     * @param tokensSaved target D2 minus D2 now, NaN when unknown or {@code stop} is false
     * @param since when the deciding alert opened, null when unknown or {@code stop} is false
     */
    public record Decision(
            boolean stop,
            String reason,
            AlertType alertType,
            double tokensSaved,
            Instant since,
            double lossGivenUp,
            double lossGivenUpUpper,
            double costSaved) {

        /** The decision not to stop, with nothing known. */
        public static final Decision CONTINUE =
                new Decision(false, null, null, Double.NaN, null, Double.NaN, Double.NaN, Double.NaN);
    }

    /** One line of a POST /api/events body after validation. */
    public record IngestLine(int line, byte[] value, String runId, String reason) {

        /** Whether the line is a valid event (published keyed by its run id). */
        public boolean valid() {
            return reason == null;
        }
    }

    /** {@code {"runs":[summary...]}}, sorted by run id. */
    public static byte[] runs(List<RunState> states) {
        List<RunState> sorted = new ArrayList<>(states);
        sorted.sort(Comparator.comparing(RunState::runId));
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode runs = root.putArray("runs");
        for (RunState s : sorted) {
            runs.add(summary(s));
        }
        return write(root);
    }

    /** {@code {"alerts":[AlertJson...]}}: the OPEN transitions of every run's open alerts, by run id then type. */
    public static byte[] alerts(List<RunState> states) {
        List<Alert> open = new ArrayList<>();
        for (RunState s : states) {
            open.addAll(s.openAlertTransitions());
        }
        open.sort(Comparator.comparing(Alert::runId).thenComparing(Alert::type));
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : open) {
            alerts.add(alertNode(a));
        }
        return write(root);
    }

    /**
     * The document of {@code GET /api/runs/{id}}: summary, latest fit, bins of the fitted split, fitted and predicted
     * curves, open alerts; {@code "schedule": null}.
     */
    public static byte[] runDetail(RunState s, List<CurvePoint> fitted, List<CurvePoint> predicted) {
        return runDetail(s, fitted, predicted, null);
    }

    /**
     * The document of {@code GET /api/runs/{id}}: summary, latest fit, bins of the fitted split, fitted and predicted
     * curves, the annealing law's forecast for the rest of the planned schedule ({@link #schedule}), open alerts.
     *
     * @param schedule the forecast to draw, null for {@code "schedule": null}
     */
    public static byte[] runDetail(
            RunState s, List<CurvePoint> fitted, List<CurvePoint> predicted, ScheduleForecast schedule) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("run", summary(s));
        FitUpdate fit = s.lastFit();
        if (fit == null) {
            root.putNull("fit");
        } else {
            root.set("fit", read(FitUpdateJson.toJson(fit)));
        }
        ArrayNode bins = root.putArray("bins");
        CurveSummary summary = s.fitSplit() == null ? null : s.summary(s.fitSplit());
        if (summary != null) {
            for (CurveBin b : summary.bins()) {
                ObjectNode o = bins.addObject();
                JsonFields.number(o, "d2_tokens", b.d2() * Numbers.TOKENS_PER_BILLION);
                JsonFields.number(o, "loss", b.meanLoss());
                JsonFields.number(o, "std", b.stdLoss());
                o.put("count", b.count());
                o.put("phase", b.phase().name().toLowerCase(Locale.ROOT));
            }
        }
        curve(root.putArray("fitted_curve"), fitted);
        curve(root.putArray("predicted_curve"), predicted);
        if (schedule == null) {
            root.putNull("schedule");
        } else {
            root.set("schedule", schedule(schedule));
        }
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : s.openAlertTransitions()) {
            alerts.add(alertNode(a));
        }
        return write(root);
    }

    /** The document of {@code GET /api/runs/{id}/decision}. */
    public static byte[] decision(Decision d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("stop", d.stop());
        o.put("reason", d.reason());
        o.put("alert_type", d.alertType() == null ? null : d.alertType().name());
        JsonFields.number(o, "tokens_saved", d.tokensSaved());
        JsonFields.instant(o, "since", d.since());
        JsonFields.number(o, "loss_given_up", d.lossGivenUp());
        JsonFields.number(o, "loss_given_up_upper", d.lossGivenUpUpper());
        JsonFields.number(o, "cost_saved", d.costSaved());
        return write(o);
    }

    /** {@code {"error":"..."}}. */
    public static byte[] error(String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", message);
        return write(o);
    }

    /** {@code {"status":"UP"|"DOWN","streams":"<state>"}}. */
    public static byte[] health(boolean up, String streamsState) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", up ? "UP" : "DOWN");
        o.put("streams", streamsState);
        return write(o);
    }

    /**
     * Validates one line of an ingest body with {@link EventCodec}: a valid event keeps its run id (the record key);
     * an invalid line gets the parser's reason and a null key, so that the app dead-letters it.
     *
     * @param line 1-based line number
     * @param text the line, without its line break
     */
    public static IngestLine ingestLine(int line, String text) {
        byte[] value = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ParseResult parsed = EventCodec.parse(value);
        if (parsed instanceof ParseResult.Ok ok) {
            return new IngestLine(line, value, ok.event().runId(), null);
        }
        return new IngestLine(line, value, null, ((ParseResult.Invalid) parsed).reason());
    }

    /** {@code {"published":n,"rejected":[{"line":k,"reason":"..."}]}}. */
    public static byte[] ingestAnswer(int published, List<IngestLine> rejected) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("published", published);
        ArrayNode arr = o.putArray("rejected");
        for (IngestLine l : rejected) {
            ObjectNode r = arr.addObject();
            r.put("line", l.line());
            r.put("reason", l.reason());
        }
        return write(o);
    }

    /**
     * What a server answered to {@code POST /api/events}, as {@link #ingestAnswer} writes it.
     *
     * @param published the valid lines it published
     * @param rejected the lines it rejected, as {@code "line k: reason"}
     */
    public record IngestAnswer(int published, List<String> rejected) {}

    /**
     * Reads a {@code POST /api/events} answer.
     *
     * @throws IllegalArgumentException when {@code json} is not such an answer
     */
    public static IngestAnswer readIngestAnswer(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode published = root == null ? null : root.get("published");
            if (published == null || !published.canConvertToInt()) {
                throw new IllegalArgumentException("not an ingest answer (no \"published\" count): " + json);
            }
            List<String> rejected = new ArrayList<>();
            for (JsonNode r : root.path("rejected")) {
                rejected.add("line " + r.path("line").asInt() + ": "
                        + r.path("reason").asText());
            }
            return new IngestAnswer(published.asInt(), rejected);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Merges the arrays under {@code field} of several documents (this instance's and other instances' answers)
     * into one {@code {field:[...]}} sorted by the string fields {@code sortKeys}, dropping exact duplicates (a run
     * seen by two instances during a rebalance).
     *
     * @throws IllegalArgumentException when a document is not a JSON object with that array
     */
    public static byte[] merge(String field, List<byte[]> documents, String... sortKeys) {
        List<JsonNode> items = new ArrayList<>();
        for (byte[] doc : documents) {
            JsonNode o = FitUpdateJson.readObject(MAPPER, doc, "answer");
            JsonNode arr = o.get(field);
            if (arr == null || !arr.isArray()) {
                throw new IllegalArgumentException("answer: expected an array '" + field + "'");
            }
            arr.forEach(items::add);
        }
        Comparator<JsonNode> order = Comparator.comparing(n -> "");
        for (String key : sortKeys) {
            order = order.thenComparing(n -> n.path(key).asText(""));
        }
        items.sort(order);
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode out = root.putArray(field);
        JsonNode previous = null;
        for (JsonNode n : items) {
            if (!n.equals(previous)) {
                out.add(n);
            }
            previous = n;
        }
        return write(root);
    }

    private static ObjectNode summary(RunState s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run_id", s.runId());
        o.put("setting", s.meta().setting());
        JsonFields.number(o, "d1_tokens", s.meta().d1Tokens());
        CurveSummary summary = s.fitSplit() == null ? null : s.summary(s.fitSplit());
        double d2 = summary == null ? Double.NaN : summary.maxD2Tokens();
        JsonFields.number(o, "d2_tokens", d2);
        JsonFields.number(o, "target_d2_tokens", s.meta().targetD2Tokens());
        JsonFields.number(o, "last_loss", summary == null ? Double.NaN : summary.lastLoss());
        o.put("points", summary == null ? 0 : summary.totalPoints());
        FitUpdate f = s.lastFit();
        JsonFields.number(o, "alpha", f == null ? Double.NaN : f.alpha());
        JsonFields.number(o, "alpha_ci_low", f == null ? Double.NaN : f.alphaCiLow());
        JsonFields.number(o, "alpha_ci_high", f == null ? Double.NaN : f.alphaCiHigh());
        JsonFields.number(o, "alpha_predicted", f == null ? Double.NaN : f.alphaPredicted());
        JsonFields.number(o, "alpha_loglog", f == null ? Double.NaN : f.alphaLogLog());
        JsonFields.number(o, "alpha_local", f == null ? Double.NaN : f.alphaLocal());
        JsonFields.number(o, "gain_per_billion_tokens", f == null ? Double.NaN : f.gainPerBillionTokens());
        JsonFields.number(o, "projected_loss_at_target", f == null ? Double.NaN : f.projectedLossAtTarget());
        JsonFields.number(o, "loss_given_up", f == null ? Double.NaN : f.lossGivenUp());
        JsonFields.number(o, "loss_given_up_upper", f == null ? Double.NaN : f.lossGivenUpUpper());
        JsonFields.number(o, "tokens_saved", f == null ? Double.NaN : f.tokensSaved());
        o.put("verdict", f == null ? null : f.verdict());
        ArrayNode open = o.putArray("open_alerts");
        for (AlertType t : s.openAlerts()) {
            open.add(t.name());
        }
        o.put("finished", s.finished());
        return o;
    }

    /**
     * The part of a run detail that draws a schedule forecast:
     *
     * <pre>{@code
     * {"curve":[{"d2_tokens":1.6E10,"loss":2.74},...],
     *  "cooldown_now":{"d2_tokens":1.8E10,"cooldown_tokens":3.0E9,"loss":2.73,"low":2.72,"high":2.74},
     *  "final_loss":2.69,"final_loss_low":2.68,"final_loss_high":2.70,"target_d2_tokens":3.0E10,
     *  "source":"planned","c_known":true}
     * }</pre>
     *
     * The curve is the law's loss along the rest of the plan, after the last point up to the target (points with a
     * non-finite number left out); {@code cooldown_now} is the loss after a cooldown of {@code cooldown_tokens}
     * started now, at {@code d2_tokens} = D2 now + those tokens, with its 95 % interval; {@code final_loss} the loss
     * at the planned end with its interval. {@code c_known} false: the law's C is not fitted yet (the LR has not
     * decayed) and the setting's law carries no C, so both absolute losses leave out the cooldown's gain.
     */
    static ObjectNode schedule(ScheduleForecast f) {
        ObjectNode o = MAPPER.createObjectNode();
        double[] d2 = f.curveD2();
        double[] loss = f.curveLoss();
        List<CurvePoint> points = new ArrayList<>(d2.length);
        for (int i = 0; i < Math.min(d2.length, loss.length); i++) {
            points.add(new CurvePoint(d2[i], loss[i]));
        }
        curve(o.putArray("curve"), points);
        ObjectNode now = o.putObject("cooldown_now");
        JsonFields.number(now, "d2_tokens", f.d2Tokens() + f.cooldownTokens());
        JsonFields.number(now, "cooldown_tokens", f.cooldownTokens());
        JsonFields.number(now, "loss", f.cooldownNowLoss());
        JsonFields.number(now, "low", f.cooldownNowLow());
        JsonFields.number(now, "high", f.cooldownNowHigh());
        JsonFields.number(o, "final_loss", f.finalLoss());
        JsonFields.number(o, "final_loss_low", f.finalLow());
        JsonFields.number(o, "final_loss_high", f.finalHigh());
        JsonFields.number(o, "target_d2_tokens", f.targetD2Tokens());
        o.put("source", f.scheduleSource());
        o.put("c_known", f.cKnown());
        return o;
    }

    private static void curve(ArrayNode arr, List<CurvePoint> points) {
        for (CurvePoint p : points) {
            if (Double.isFinite(p.d2Tokens()) && Double.isFinite(p.loss())) {
                ObjectNode o = arr.addObject();
                o.put("d2_tokens", p.d2Tokens());
                o.put("loss", p.loss());
            }
        }
    }

    private static JsonNode alertNode(Alert a) {
        return read(AlertJson.toJson(a));
    }

    private static JsonNode read(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
