package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.ScheduleForecast;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON of a {@link FitUpdate} on {@code satwatch.fits}: one object per record with the field names of
 * {@code satwatch fit --json} ({@link ReportJson#estimate}) that a fit update carries, plus {@code ts} and
 * {@code sequence}:
 *
 * <pre>{@code
 * {"run_id":"r1","setting":"cpt-code","split":"val","ts":"2026-11-26T10:00:00Z","sequence":3,
 *  "d1_tokens":3.0E11,"target_d2_tokens":5.0E10,"d2_tokens":1.2E10,"last_loss":2.31,"points_used":120,
 *  "alpha":0.31,"alpha_ci_low":0.29,"alpha_ci_high":0.33,"e":1.7,"b":0.8,"alpha_loglog":0.05,
 *  "alpha_local":0.04,"alpha_predicted":0.3,"projected_loss_at_target":2.2,"projected_loss_ci_low":2.19,
 *  "projected_loss_ci_high":2.21,"gain_per_billion_tokens":0.004,"remaining_gain":0.1,
 *  "loss_given_up":0.004,"loss_given_up_upper":0.008,"tokens_saved":2.9e10,"converged":true,"reliable":true,"verdict":"ok"}
 * }</pre>
 *
 * Non-finite numbers are written as {@code null} and read back as NaN, so {@code parse(toJson(f))} equals
 * {@code f} for every update whose NaNs are plain NaN. Stateless and thread-safe.
 */
public final class FitUpdateJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private FitUpdateJson() {}

    /**
     * Encodes one update as UTF-8 JSON (no trailing newline), in one streaming pass (building a tree first was 5 % of
     * the stream thread at 0.15–0.45 fits per event, BENCHMARKS.md §6).
     */
    public static byte[] toJson(FitUpdate f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(640);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            text(g, "run_id", f.runId());
            text(g, "setting", f.setting());
            text(g, "split", f.split());
            text(g, "ts", f.ts() == null ? null : f.ts().toString());
            g.writeNumberField("sequence", f.sequence());
            number(g, "d1_tokens", f.d1Tokens());
            number(g, "target_d2_tokens", f.targetD2Tokens());
            number(g, "d2_tokens", f.d2Tokens());
            number(g, "last_loss", f.lastLoss());
            g.writeNumberField("points_used", f.pointsUsed());
            number(g, "alpha", f.alpha());
            number(g, "alpha_ci_low", f.alphaCiLow());
            number(g, "alpha_ci_high", f.alphaCiHigh());
            number(g, "e", f.e());
            number(g, "b", f.b());
            number(g, "alpha_loglog", f.alphaLogLog());
            number(g, "alpha_local", f.alphaLocal());
            number(g, "alpha_predicted", f.alphaPredicted());
            number(g, "projected_loss_at_target", f.projectedLossAtTarget());
            number(g, "projected_loss_ci_low", f.projectedLossCiLow());
            number(g, "projected_loss_ci_high", f.projectedLossCiHigh());
            number(g, "gain_per_billion_tokens", f.gainPerBillionTokens());
            number(g, "remaining_gain", f.remainingGain());
            number(g, "loss_given_up", f.lossGivenUp());
            number(g, "loss_given_up_upper", f.lossGivenUpUpper());
            number(g, "tokens_saved", f.tokensSaved());
            g.writeBooleanField("converged", f.converged());
            g.writeBooleanField("reliable", f.reliable());
            text(g, "verdict", f.verdict());
            if (f.schedule() != null) {
                g.writeFieldName("schedule");
                writeSchedule(g, f.schedule());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void text(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
    }

    /**
     * Decodes one record written by {@link #toJson(FitUpdate)}.
     *
     * @throws IllegalArgumentException when the bytes are not such a record; the message names the field
     */
    public static FitUpdate parse(byte[] utf8) {
        JsonNode o = readObject(MAPPER, utf8, "fit update");
        return new FitUpdate(
                JsonFields.requiredText(o, "run_id"),
                JsonFields.text(o, "setting"),
                JsonFields.text(o, "split"),
                JsonFields.instant(o, "ts"),
                JsonFields.integer(o, "sequence"),
                JsonFields.number(o, "d1_tokens"),
                JsonFields.number(o, "target_d2_tokens"),
                JsonFields.number(o, "d2_tokens"),
                JsonFields.number(o, "last_loss"),
                JsonFields.integer(o, "points_used"),
                JsonFields.number(o, "alpha"),
                JsonFields.number(o, "alpha_ci_low"),
                JsonFields.number(o, "alpha_ci_high"),
                JsonFields.number(o, "e"),
                JsonFields.number(o, "b"),
                JsonFields.number(o, "alpha_loglog"),
                JsonFields.number(o, "alpha_local"),
                JsonFields.number(o, "alpha_predicted"),
                JsonFields.number(o, "projected_loss_at_target"),
                JsonFields.number(o, "projected_loss_ci_low"),
                JsonFields.number(o, "projected_loss_ci_high"),
                JsonFields.number(o, "gain_per_billion_tokens"),
                JsonFields.number(o, "remaining_gain"),
                JsonFields.number(o, "loss_given_up"),
                JsonFields.number(o, "loss_given_up_upper"),
                JsonFields.number(o, "tokens_saved"),
                JsonFields.bool(o, "converged"),
                JsonFields.bool(o, "reliable"),
                JsonFields.text(o, "verdict"),
                readSchedule(o.get("schedule")));
    }

    /**
     * The schedule forecast object ({@code "schedule"} of a fit update, absent when the run has none): {@code
     * {"d2_tokens","target_d2_tokens","cooldown_tokens","final_loss","final_loss_low","final_loss_high",
     * "cooldown_now_loss","cooldown_now_loss_low","cooldown_now_loss_high","loss_given_up","loss_given_up_upper",
     * "curve_d2_tokens":[...],"curve_loss":[...],"c_known","schedule_source","note"}}.
     */
    static void writeSchedule(JsonGenerator g, ScheduleForecast s) throws IOException {
        g.writeStartObject();
        number(g, "d2_tokens", s.d2Tokens());
        number(g, "target_d2_tokens", s.targetD2Tokens());
        number(g, "cooldown_tokens", s.cooldownTokens());
        number(g, "final_loss", s.finalLoss());
        number(g, "final_loss_low", s.finalLow());
        number(g, "final_loss_high", s.finalHigh());
        number(g, "cooldown_now_loss", s.cooldownNowLoss());
        number(g, "cooldown_now_loss_low", s.cooldownNowLow());
        number(g, "cooldown_now_loss_high", s.cooldownNowHigh());
        number(g, "loss_given_up", s.lossGivenUp());
        number(g, "loss_given_up_upper", s.lossGivenUpUpper());
        numbers(g, "curve_d2_tokens", s.curveD2());
        numbers(g, "curve_loss", s.curveLoss());
        g.writeBooleanField("c_known", s.cKnown());
        text(g, "schedule_source", s.scheduleSource());
        text(g, "note", s.note());
        g.writeEndObject();
    }

    private static void numbers(JsonGenerator g, String name, double[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (double v : values) {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }

    static ScheduleForecast readSchedule(JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            throw new IllegalArgumentException("fit update: field 'schedule' must be an object");
        }
        return new ScheduleForecast(
                JsonFields.number(s, "d2_tokens"),
                JsonFields.number(s, "target_d2_tokens"),
                JsonFields.number(s, "cooldown_tokens"),
                JsonFields.number(s, "final_loss"),
                JsonFields.number(s, "final_loss_low"),
                JsonFields.number(s, "final_loss_high"),
                JsonFields.number(s, "cooldown_now_loss"),
                JsonFields.number(s, "cooldown_now_loss_low"),
                JsonFields.number(s, "cooldown_now_loss_high"),
                JsonFields.number(s, "loss_given_up"),
                JsonFields.number(s, "loss_given_up_upper"),
                numberArray(s, "curve_d2_tokens"),
                numberArray(s, "curve_loss"),
                JsonFields.bool(s, "c_known"),
                JsonFields.text(s, "schedule_source"),
                JsonFields.text(s, "note"));
    }

    private static double[] numberArray(JsonNode o, String name) {
        JsonNode a = o.get(name);
        if (a == null || a.isNull()) {
            return new double[0];
        }
        try {
            return JsonFields.numbers(a, "schedule." + name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fit update: " + e.getMessage(), e);
        }
    }

    static JsonNode readObject(ObjectMapper mapper, byte[] utf8, String what) {
        if (utf8 == null) {
            throw new IllegalArgumentException(what + ": record is null");
        }
        JsonNode o;
        try {
            o = mapper.readTree(utf8);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException(what + ": expected a JSON object");
        }
        return o;
    }
}
