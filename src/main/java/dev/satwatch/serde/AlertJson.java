package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of an {@link Alert} transition on {@code satwatch.alerts}:
 *
 * <pre>{@code
 * {"run_id":"r1","setting":"cpt-code","type":"DIMINISHING_RETURNS","severity":"WARNING","state":"OPEN",
 *  "sequence":1,"alert_id":"r1/DIMINISHING_RETURNS/1","ts":"2026-11-26T10:00:00Z","d2_tokens":3.1E10,
 *  "values":{"gain_per_billion_tokens":0.0004},"tokens_saved":1.9E10,"message":"..."}
 * }</pre>
 *
 * Enum names are written as they are in Java (upper case); {@code values} are written in key order; non-finite
 * numbers are {@code null} and read back as NaN. {@code alert_id} is derived ({@link Alert#alertId()}) and
 * ignored on read. Stateless and thread-safe.
 */
public final class AlertJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {}

    /** Encodes one transition as UTF-8 JSON (no trailing newline). */
    public static byte[] toJson(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run_id", a.runId());
        o.put("setting", a.setting());
        o.put("type", a.type().name());
        o.put("severity", a.severity().name());
        o.put("state", a.state().name());
        o.put("sequence", a.sequence());
        o.put("alert_id", a.alertId());
        JsonFields.instant(o, "ts", a.ts());
        JsonFields.number(o, "d2_tokens", a.d2Tokens());
        ObjectNode values = o.putObject("values");
        new TreeMap<>(a.values()).forEach((k, v) -> JsonFields.number(values, k, v == null ? Double.NaN : v));
        JsonFields.number(o, "tokens_saved", a.tokensSaved());
        o.put("message", a.message());
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes one record written by {@link #toJson(Alert)}.
     *
     * @throws IllegalArgumentException when the bytes are not such a record; the message names the field
     */
    public static Alert parse(byte[] utf8) {
        JsonNode o = FitUpdateJson.readObject(MAPPER, utf8, "alert");
        Map<String, Double> values = new LinkedHashMap<>();
        JsonNode v = o.get("values");
        if (v != null && !v.isNull()) {
            if (!v.isObject()) {
                throw new IllegalArgumentException("values: expected an object, found " + v);
            }
            for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                values.put(name, JsonFields.number(v, name));
            }
        }
        return new Alert(
                JsonFields.requiredText(o, "run_id"),
                JsonFields.text(o, "setting"),
                enumValue(AlertType.class, o, "type"),
                enumValue(Alert.Severity.class, o, "severity"),
                enumValue(Alert.State.class, o, "state"),
                Math.toIntExact(JsonFields.integer(o, "sequence")),
                JsonFields.instant(o, "ts"),
                JsonFields.number(o, "d2_tokens"),
                values,
                JsonFields.number(o, "tokens_saved"),
                JsonFields.text(o, "message"));
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode o, String name) {
        String s = JsonFields.requiredText(o, name);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": unknown value '" + s + "'", e);
        }
    }
}
