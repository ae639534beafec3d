package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.event.FitUpdate;
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
 *  "converged":true,"reliable":true,"verdict":"ok"}
 * }</pre>
 *
 * Non-finite numbers are written as {@code null} and read back as NaN, so {@code parse(toJson(f))} equals
 * {@code f} for every update whose NaNs are plain NaN. Stateless and thread-safe.
 */
public final class FitUpdateJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FitUpdateJson() {}

    /** Encodes one update as UTF-8 JSON (no trailing newline). */
    public static byte[] toJson(FitUpdate f) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run_id", f.runId());
        o.put("setting", f.setting());
        o.put("split", f.split());
        JsonFields.instant(o, "ts", f.ts());
        o.put("sequence", f.sequence());
        JsonFields.number(o, "d1_tokens", f.d1Tokens());
        JsonFields.number(o, "target_d2_tokens", f.targetD2Tokens());
        JsonFields.number(o, "d2_tokens", f.d2Tokens());
        JsonFields.number(o, "last_loss", f.lastLoss());
        o.put("points_used", f.pointsUsed());
        JsonFields.number(o, "alpha", f.alpha());
        JsonFields.number(o, "alpha_ci_low", f.alphaCiLow());
        JsonFields.number(o, "alpha_ci_high", f.alphaCiHigh());
        JsonFields.number(o, "e", f.e());
        JsonFields.number(o, "b", f.b());
        JsonFields.number(o, "alpha_loglog", f.alphaLogLog());
        JsonFields.number(o, "alpha_local", f.alphaLocal());
        JsonFields.number(o, "alpha_predicted", f.alphaPredicted());
        JsonFields.number(o, "projected_loss_at_target", f.projectedLossAtTarget());
        JsonFields.number(o, "projected_loss_ci_low", f.projectedLossCiLow());
        JsonFields.number(o, "projected_loss_ci_high", f.projectedLossCiHigh());
        JsonFields.number(o, "gain_per_billion_tokens", f.gainPerBillionTokens());
        JsonFields.number(o, "remaining_gain", f.remainingGain());
        o.put("converged", f.converged());
        o.put("reliable", f.reliable());
        o.put("verdict", f.verdict());
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
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
                JsonFields.bool(o, "converged"),
                JsonFields.bool(o, "reliable"),
                JsonFields.text(o, "verdict"));
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
