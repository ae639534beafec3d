package dev.satwatch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Shared field helpers of the output-topic codecs ({@link FitUpdateJson}, {@link AlertJson},
 * {@link CalibrationRunJson}): non-finite numbers are written as {@code null} and read back as NaN; a missing or
 * mistyped required field is an {@link IllegalArgumentException} naming it. Stateless and thread-safe.
 */
final class JsonFields {

    private JsonFields() {}

    static void number(ObjectNode o, String name, double value) {
        if (Double.isFinite(value)) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }

    static void instant(ObjectNode o, String name, Instant value) {
        if (value == null) {
            o.putNull(name);
        } else {
            o.put(name, value.toString());
        }
    }

    static double number(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(name + ": expected a number or null, found " + v);
        }
        return v.doubleValue();
    }

    /**
     * An array of numbers ({@code null} entries read as NaN).
     *
     * @param a the array node
     * @param name the field's name in error messages
     * @throws IllegalArgumentException when {@code a} is not an array or an entry is not a number or null
     */
    static double[] numbers(JsonNode a, String name) {
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException(name + ": expected an array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (v.isNull()) {
                out[i] = Double.NaN;
            } else if (v.isNumber()) {
                out[i] = v.doubleValue();
            } else {
                throw new IllegalArgumentException(name + "[" + i + "]: expected a number, found " + v);
            }
        }
        return out;
    }

    static long integer(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(name + ": expected an integer, found " + v);
        }
        return v.longValue();
    }

    static boolean bool(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException(name + ": expected true or false, found " + v);
        }
        return v.booleanValue();
    }

    /** A string, or null when absent or JSON null. */
    static String text(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(name + ": expected a string, found " + v);
        }
        return v.textValue();
    }

    static String requiredText(JsonNode o, String name) {
        String s = text(o, name);
        if (s == null) {
            throw new IllegalArgumentException(name + ": missing");
        }
        return s;
    }

    static Instant instant(JsonNode o, String name) {
        String s = text(o, name);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": not an ISO-8601 instant: " + s, e);
        }
    }
}
