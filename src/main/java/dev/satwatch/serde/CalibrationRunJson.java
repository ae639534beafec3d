package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.law.CalibrationRun;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of a finished run's {@link CalibrationRun} (the values of the internal {@code satwatch.finished-runs}
 * topic, key = setting) and of a list of them (the values of the calibration store):
 *
 * <pre>{@code
 * {"run_id":"r1","d1":300.0,"d2":[5.0,6.1,...],"loss":[2.41,2.39,...],"weight":[3,4,...],"annealing_c":0.31}
 * {"runs":[{...},{...}]}
 * }</pre>
 *
 * Units are the law's: tokens in billions. {@code weight} is omitted when all weights are 1; {@code annealing_c} (the
 * run's own C of the schedule-aware law, {@link CalibrationRun#annealingC()}) is omitted when not known and read as
 * NaN when absent, so records written before it existed still read; a non-finite number is
 * written as {@code null} and read back as NaN (which the calibrator then ignores). Stateless and thread-safe.
 */
public final class CalibrationRunJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CalibrationRunJson() {}

    /** Encodes one run. */
    public static byte[] toJson(CalibrationRun run) {
        return write(node(run));
    }

    /** Encodes a list of runs as {@code {"runs":[...]}}. */
    public static byte[] toJson(List<CalibrationRun> runs) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode array = root.putArray("runs");
        runs.forEach(r -> array.add(node(r)));
        return write(root);
    }

    /**
     * Decodes one run written by {@link #toJson(CalibrationRun)}.
     *
     * @throws IllegalArgumentException when the bytes are not such a record; the message names the field
     */
    public static CalibrationRun parse(byte[] utf8) {
        return run(FitUpdateJson.readObject(MAPPER, utf8, "calibration run"));
    }

    /**
     * Decodes a list written by {@link #toJson(List)}.
     *
     * @throws IllegalArgumentException when the bytes are not such a record
     */
    public static List<CalibrationRun> parseList(byte[] utf8) {
        JsonNode root = FitUpdateJson.readObject(MAPPER, utf8, "calibration runs");
        JsonNode runs = root.get("runs");
        if (runs == null || !runs.isArray()) {
            throw new IllegalArgumentException("runs: expected an array");
        }
        List<CalibrationRun> out = new ArrayList<>(runs.size());
        for (JsonNode r : runs) {
            if (!r.isObject()) {
                throw new IllegalArgumentException("runs: expected objects, found " + r);
            }
            out.add(run(r));
        }
        return out;
    }

    private static ObjectNode node(CalibrationRun run) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run_id", run.runId());
        JsonFields.number(o, "d1", run.d1());
        array(o.putArray("d2"), run.d2());
        array(o.putArray("loss"), run.loss());
        double[] w = run.weight();
        if (w != null) {
            array(o.putArray("weight"), w);
        }
        if (Double.isFinite(run.annealingC())) {
            o.put("annealing_c", run.annealingC());
        }
        return o;
    }

    private static void array(ArrayNode a, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static CalibrationRun run(JsonNode o) {
        double[] d2 = doubles(o, "d2");
        double[] loss = doubles(o, "loss");
        JsonNode w = o.get("weight");
        double[] weight = w == null || w.isNull() ? null : doubles(o, "weight");
        if (d2.length != loss.length || (weight != null && weight.length != d2.length)) {
            throw new IllegalArgumentException("d2, loss and weight must have the same length");
        }
        return new CalibrationRun(
                JsonFields.requiredText(o, "run_id"),
                JsonFields.number(o, "d1"),
                d2,
                loss,
                weight,
                JsonFields.number(o, "annealing_c"));
    }

    private static double[] doubles(JsonNode o, String name) {
        return JsonFields.numbers(o.get(name), name);
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
