package dev.satwatch.serde;

import static dev.satwatch.serde.JsonValues.clip;
import static dev.satwatch.serde.JsonValues.count;
import static dev.satwatch.serde.JsonValues.describe;
import static dev.satwatch.serde.JsonValues.number;
import static dev.satwatch.serde.JsonValues.string;
import static dev.satwatch.serde.JsonValues.timestamp;
import static dev.satwatch.serde.JsonValues.tokens;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Encodes and decodes the {@code satwatch.events} records of DESIGN §3: UTF-8 JSON, one object per
 * record, {@code type} one of {@code run_started}, {@code loss}, {@code run_finished}.
 *
 * <h2>Decoding</h2>
 *
 * {@link #parse(byte[])} is total: it never throws on any input (null, empty, binary garbage,
 * oversize, deeply nested) and returns either {@link ParseResult.Ok} or {@link ParseResult.Invalid}
 * with a reason naming the field. Rules:
 *
 * <ul>
 *   <li>Records over {@value #MAX_RECORD_BYTES} bytes are rejected before parsing. Anything but one
 *       JSON object (with optional surrounding whitespace) is rejected.
 *   <li>{@code type} and {@code run_id} (a non-blank string of at most {@value #MAX_RUN_ID_CHARS}
 *       characters) are required.
 *   <li>Every known field is validated whatever the type: token counts ({@code d2_tokens},
 *       {@code d1_tokens}, {@code target_d2_tokens}, {@code params}) must be finite and
 *       non-negative numbers; {@code step} and {@code tokens_per_step} non-negative integers (an
 *       integral float such as {@code 1200.0} is accepted); strings must be strings. A JSON
 *       {@code null} means the field is absent. Unknown fields are ignored (forward compatibility);
 *       for a repeated field the last value wins.
 *   <li>{@code loss} events need {@code loss} and at least one of {@code d2_tokens} or {@code step}.
 *       When {@code d2_tokens} is absent the event decodes with {@code d2Tokens = NaN}; it is resolved
 *       later as {@code step × tokens_per_step}. {@code split} defaults to {@code val}.
 *   <li><b>Non-finite loss is a divergence, not bad input</b>, and decodes to a {@link LossPoint}
 *       with a non-finite loss. Because JSON has no NaN literal, it is accepted in two spellings: the
 *       bare tokens {@code NaN}, {@code Infinity}, {@code -Infinity} that Python's {@code json.dumps}
 *       writes, and the strings {@code "NaN"}, {@code "nan"}, {@code "inf"}, {@code "-inf"},
 *       {@code "Infinity"}, {@code "-Infinity"} (any case, optional sign). A {@code null} loss is
 *       <em>rejected</em> ({@code loss is null}): it usually means "not measured", and reading it as
 *       a divergence would raise a false alarm. The same spellings are accepted for every number; the
 *       token-count checks then reject them.
 *   <li>{@code ts}: an ISO-8601 instant ({@code 2026-11-26T10:00:00Z}), a date-time with an offset
 *       or zone, a local date-time (read as UTC, as Python's {@code datetime.utcnow().isoformat()}
 *       writes it), any of these with a space instead of the {@code T} (Python's {@code str(datetime)}),
 *       or a number of seconds since the epoch.
 *   <li>{@code run_started} may carry {@code schedule} (an object: {@code type} required, one of {@code wsd},
 *       {@code cosine}, {@code linear}, {@code constant}; {@code warmup_tokens} a token count;
 *       {@code cooldown_fraction} in [0, 1]; {@code cooldown_shape} {@code linear} or {@code 1-sqrt};
 *       {@code peak_lr}, {@code final_lr} finite and non-negative; unknown members ignored; reasons name the member
 *       as {@code schedule.type} etc.), {@code branch_of} (a run id, non-blank, at most
 *       {@value #MAX_RUN_ID_CHARS} characters) and {@code branch_at_d2_tokens} (a token count, only with
 *       {@code branch_of}). All three are optional; on other event types they are validated and dropped.
 *   <li>Inline {@code setting}, {@code base_model}, {@code d1_tokens}, {@code params},
 *       {@code target_d2_tokens}, {@code tokens_per_step} on a {@code loss} event become
 *       {@link LossPoint#meta()}; with none of them it is {@link RunMeta#EMPTY}.
 * </ul>
 *
 * <h2>Encoding</h2>
 *
 * {@link #toJson(RunEvent)} writes DESIGN §3 field names, {@code type} and {@code run_id} first,
 * omitting absent fields (null strings, NaN numbers, negative step, zero tokens per step) and writing
 * {@code ts} as an ISO-8601 instant. A non-finite loss is written as the string {@code "NaN"},
 * {@code "Infinity"} or {@code "-Infinity"}, which is strict JSON and decodes back to the same value,
 * so {@code parse(toJson(e))} equals {@code e} for every valid event.
 *
 * <p>Performance: one shared {@link JsonFactory} and a single streaming pass per record, with no tree
 * or data-binding layer; intended for the Kafka deserializer's hot path. Thread-safe: the class is
 * stateless apart from the immutable factory.
 */
public final class EventCodec {

    /** Largest accepted record, in UTF-8 bytes. */
    public static final int MAX_RECORD_BYTES = 65536;

    /** Longest accepted {@code run_id}, in characters. */
    public static final int MAX_RUN_ID_CHARS = 256;

    /** Event type names. */
    public static final String RUN_STARTED = "run_started";

    /** Event type name of {@link LossPoint}. */
    public static final String LOSS = "loss";

    /** Event type name of {@link RunFinished}. */
    public static final String RUN_FINISHED = "run_finished";

    private static final ParseResult OVERSIZE =
            new ParseResult.Invalid("record exceeds " + MAX_RECORD_BYTES + " bytes", null);

    // Non-numeric numbers on: Python's json.dumps writes NaN/Infinity as bare tokens by default. The fast double
    // parser/writer (Jackson's FastDoubleParser and Schubfach) give the same doubles as the JDK's; the JDK's
    // parseDouble was 3 % of the stream thread (JFR, BENCHMARKS.md §6).
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private EventCodec() {}

    /**
     * Decodes one UTF-8 record. Never throws.
     *
     * @param utf8 the record bytes; null gives {@code Invalid("record is null", null)}
     * @return the event or the reason it was rejected
     */
    public static ParseResult parse(byte[] utf8) {
        if (utf8 == null) {
            return new ParseResult.Invalid("record is null", null);
        }
        if (utf8.length > MAX_RECORD_BYTES) {
            return OVERSIZE;
        }
        try (JsonParser p = FACTORY.createParser(utf8)) {
            return decode(p);
        } catch (FieldError e) {
            return new ParseResult.Invalid(e.reason, e.field);
        } catch (JsonProcessingException e) {
            return new ParseResult.Invalid("bad JSON: " + clip(e.getOriginalMessage()), null);
        } catch (IOException | RuntimeException e) {
            // Not expected from in-memory bytes, but the deserializer must never throw: report it.
            return new ParseResult.Invalid("unreadable record: " + clip(String.valueOf(e)), null);
        }
    }

    /**
     * Decodes one record given as text (as if UTF-8 encoded). Never throws.
     *
     * @param json the record; null gives {@code Invalid("record is null", null)}
     * @return the event or the reason it was rejected
     */
    public static ParseResult parse(String json) {
        if (json == null) {
            return new ParseResult.Invalid("record is null", null);
        }
        // A UTF-8 encoding has at least one byte per char and at most three per UTF-16 unit.
        if (json.length() > MAX_RECORD_BYTES
                || (json.length() * 3L > MAX_RECORD_BYTES && utf8Length(json) > MAX_RECORD_BYTES)) {
            return OVERSIZE;
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            return decode(p);
        } catch (FieldError e) {
            return new ParseResult.Invalid(e.reason, e.field);
        } catch (JsonProcessingException e) {
            return new ParseResult.Invalid("bad JSON: " + clip(e.getOriginalMessage()), null);
        } catch (IOException | RuntimeException e) {
            return new ParseResult.Invalid("unreadable record: " + clip(String.valueOf(e)), null);
        }
    }

    /**
     * Encodes an event as one UTF-8 JSON object (no trailing newline).
     *
     * @param event the event; its run id must be non-null
     * @return the record bytes
     */
    public static byte[] toJson(RunEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            EventWriter.write(g, event);
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; keep the signature free of checked exceptions.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Encodes an event as one JSON object string; see {@link #toJson(RunEvent)}. */
    public static String toJsonString(RunEvent event) {
        return new String(toJson(event), StandardCharsets.UTF_8);
    }

    /** Field values of one record; absent numbers are NaN (tokens) or -1 (integers). */
    private static final class Fields {
        String type;
        String runId;
        Instant ts;
        long step = -1;
        double d2 = Double.NaN;
        boolean hasLoss;
        double loss = Double.NaN;
        String split;
        double lr = Double.NaN;
        String setting;
        String baseModel;
        double d1 = Double.NaN;
        double params = Double.NaN;
        double target = Double.NaN;
        long tokensPerStep = -1;
        double costPerBillion = Double.NaN;
        String status;
        PlannedSchedule schedule;
        String branchOf;
        double branchAt = Double.NaN;
    }

    private static ParseResult decode(JsonParser p) throws IOException, FieldError {
        JsonToken t = p.nextToken();
        if (t == null) {
            return new ParseResult.Invalid("empty record", null);
        }
        if (t != JsonToken.START_OBJECT) {
            return new ParseResult.Invalid("not a JSON object (starts with " + describe(t) + ")", null);
        }
        Fields f = new Fields();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            readField(p, name, v, f);
        }
        if (t != JsonToken.END_OBJECT) {
            return new ParseResult.Invalid("bad JSON: unexpected end of record", null);
        }
        if (p.nextToken() != null) {
            return new ParseResult.Invalid("trailing content after the JSON object", null);
        }
        return build(f);
    }

    private static void readField(JsonParser p, String name, JsonToken v, Fields f) throws IOException, FieldError {
        switch (name) {
            case "type" -> f.type = string(p, v, name);
            case "run_id" -> f.runId = string(p, v, name);
            case "ts" -> f.ts = timestamp(p, v);
            case "step" -> f.step = count(p, v, name);
            case "d2_tokens" -> f.d2 = tokens(p, v, name);
            case "loss" -> {
                if (v == JsonToken.VALUE_NULL) {
                    throw new FieldError("loss is null (send a divergence as \"NaN\")", name);
                }
                f.loss = number(p, v, name);
                f.hasLoss = true;
            }
            case "split" -> f.split = string(p, v, name);
            case "lr" -> f.lr = number(p, v, name);
            case "setting" -> f.setting = string(p, v, name);
            case "base_model" -> f.baseModel = string(p, v, name);
            case "d1_tokens" -> f.d1 = tokens(p, v, name);
            case "params" -> f.params = tokens(p, v, name);
            case "target_d2_tokens" -> f.target = tokens(p, v, name);
            case "tokens_per_step" -> f.tokensPerStep = count(p, v, name);
            case "cost_per_billion_tokens" -> f.costPerBillion = tokens(p, v, name);
            case "status" -> f.status = string(p, v, name);
            case "schedule" -> f.schedule = schedule(p, v);
            case "branch_of" -> f.branchOf = string(p, v, name);
            case "branch_at_d2_tokens" -> f.branchAt = tokens(p, v, name);
            default -> p.skipChildren(); // unknown field: ignored, nested values skipped whole
        }
    }

    private static ParseResult build(Fields f) {
        if (f.type == null) {
            return new ParseResult.Invalid("missing type", "type");
        }
        if (f.runId == null) {
            return new ParseResult.Invalid("missing run_id", "run_id");
        }
        if (f.runId.isBlank()) {
            return new ParseResult.Invalid("run_id is blank", "run_id");
        }
        if (f.runId.length() > MAX_RUN_ID_CHARS) {
            return new ParseResult.Invalid(
                    "run_id longer than " + MAX_RUN_ID_CHARS + " characters (" + f.runId.length() + ")", "run_id");
        }
        switch (f.type) {
            case RUN_STARTED:
                if (f.branchOf != null && f.branchOf.isBlank()) {
                    return new ParseResult.Invalid("branch_of is blank", "branch_of");
                }
                if (f.branchOf != null && f.branchOf.length() > MAX_RUN_ID_CHARS) {
                    return new ParseResult.Invalid(
                            "branch_of longer than " + MAX_RUN_ID_CHARS + " characters (" + f.branchOf.length() + ")",
                            "branch_of");
                }
                if (f.branchOf == null && !Double.isNaN(f.branchAt)) {
                    return new ParseResult.Invalid(
                            "branch_at_d2_tokens without branch_of (name the parent run)", "branch_at_d2_tokens");
                }
                return new ParseResult.Ok(new RunStarted(f.runId, f.ts, meta(f), f.schedule, f.branchOf, f.branchAt));
            case LOSS:
                if (!f.hasLoss) {
                    return new ParseResult.Invalid("missing loss", "loss");
                }
                if (Double.isNaN(f.d2) && f.step < 0) {
                    return new ParseResult.Invalid("loss event has neither d2_tokens nor step", "d2_tokens");
                }
                String split = f.split == null ? LossPoint.VAL : f.split;
                if (split.isBlank()) {
                    return new ParseResult.Invalid("split is blank", "split");
                }
                return new ParseResult.Ok(new LossPoint(f.runId, f.ts, f.step, f.d2, f.loss, split, f.lr, meta(f)));
            case RUN_FINISHED:
                return new ParseResult.Ok(new RunFinished(f.runId, f.ts, f.status));
            default:
                return new ParseResult.Invalid(
                        "unknown type '" + clip(f.type) + "' (expected run_started, loss or run_finished)", "type");
        }
    }

    private static RunMeta meta(Fields f) {
        if (f.setting == null
                && f.baseModel == null
                && Double.isNaN(f.d1)
                && Double.isNaN(f.params)
                && Double.isNaN(f.target)
                && f.tokensPerStep <= 0
                && Double.isNaN(f.costPerBillion)) {
            return RunMeta.EMPTY;
        }
        return new RunMeta(
                f.setting, f.baseModel, f.d1, f.params, f.target, Math.max(0L, f.tokensPerStep), f.costPerBillion);
    }

    /** The {@code schedule} object (null for JSON null); every member is checked and named in the reason. */
    private static PlannedSchedule schedule(JsonParser p, JsonToken v) throws IOException, FieldError {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            throw new FieldError("schedule must be an object, not " + describe(v), "schedule");
        }
        String type = null;
        String shape = null;
        double warmup = Double.NaN;
        double cooldown = Double.NaN;
        double peak = Double.NaN;
        double fin = Double.NaN;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken mv = p.nextToken();
            String field = "schedule." + name;
            switch (name) {
                case "type" -> type = string(p, mv, field);
                case "warmup_tokens" -> warmup = tokens(p, mv, field);
                case "cooldown_fraction" -> {
                    cooldown = tokens(p, mv, field);
                    if (cooldown > 1) {
                        throw new FieldError(field + " is above 1 (" + cooldown + ")", field);
                    }
                }
                case "cooldown_shape" -> shape = string(p, mv, field);
                case "peak_lr" -> peak = tokens(p, mv, field);
                case "final_lr" -> fin = tokens(p, mv, field);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new FieldError("bad JSON: unexpected end of schedule", "schedule");
        }
        if (type == null) {
            throw new FieldError("missing schedule.type", "schedule.type");
        }
        if (!PlannedSchedule.isType(type)) {
            throw new FieldError(
                    "schedule.type '" + clip(type) + "' is not one of wsd, cosine, linear, constant", "schedule.type");
        }
        if (shape != null && !PlannedSchedule.isShape(shape)) {
            throw new FieldError(
                    "schedule.cooldown_shape '" + clip(shape) + "' is not linear or 1-sqrt", "schedule.cooldown_shape");
        }
        return new PlannedSchedule(type, warmup, cooldown, shape, peak, fin);
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
