package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads and validates one JSON field value of an event for {@link EventCodec}: strings, numbers (with the non-finite
 * spellings), token counts, integer counts and timestamps ({@link Timestamps}). Each rejection is a {@link FieldError}
 * whose reason names the field and quotes at most {@value #MAX_QUOTED_CHARS} characters of the value. Stateless;
 * thread-safe.
 */
final class JsonValues {

    /** Longest quoted input value or parser message put into a reason, so reasons stay short. */
    static final int MAX_QUOTED_CHARS = 80;

    private JsonValues() {}

    static String string(JsonParser p, JsonToken v, String field) throws IOException, FieldError {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new FieldError(field + " must be a string, not " + describe(v), field);
    }

    /** A number, a non-finite spelling, or NaN for null; anything else is an error. */
    static double number(JsonParser p, JsonToken v, String field) throws IOException, FieldError {
        switch (v) {
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_NULL:
                return Double.NaN;
            case VALUE_STRING:
                String s = p.getText();
                double nonFinite = nonFinite(s);
                if (Double.isFinite(nonFinite)) {
                    throw new FieldError(field + " is not a number ('" + clip(s) + "')", field);
                }
                return nonFinite;
            default:
                throw new FieldError(field + " is not a number (" + describe(v) + ")", field);
        }
    }

    /** A token count: absent (NaN) for null, otherwise finite and non-negative. */
    static double tokens(JsonParser p, JsonToken v, String field) throws IOException, FieldError {
        if (v == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        double x = number(p, v, field);
        if (!Double.isFinite(x)) {
            throw new FieldError(field + " is not finite (" + x + ")", field);
        }
        if (x < 0) {
            throw new FieldError(field + " is negative (" + x + ")", field);
        }
        return x;
    }

    /** A non-negative integer ({@code -1} for null); integral floats are accepted. */
    static long count(JsonParser p, JsonToken v, String field) throws IOException, FieldError {
        if (v == JsonToken.VALUE_NULL) {
            return -1;
        }
        if (v == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.BIG_INTEGER) {
                throw new FieldError(field + " is too large", field);
            }
            long n = p.getLongValue();
            if (n < 0) {
                throw new FieldError(field + " is negative (" + n + ")", field);
            }
            return n;
        }
        double x = number(p, v, field);
        if (!Double.isFinite(x)) {
            throw new FieldError(field + " is not finite (" + x + ")", field);
        }
        if (x < 0) {
            throw new FieldError(field + " is negative (" + x + ")", field);
        }
        if (x != Math.rint(x) || x >= 0x1p63) {
            throw new FieldError(field + " is not an integer (" + x + ")", field);
        }
        return (long) x;
    }

    static Instant timestamp(JsonParser p, JsonToken v) throws IOException, FieldError {
        switch (v) {
            case VALUE_NULL:
                return null;
            case VALUE_STRING:
                String text = p.getText();
                Instant parsed = Timestamps.parseText(text);
                if (parsed == null) {
                    throw new FieldError("ts is not an ISO-8601 timestamp ('" + clip(text) + "')", "ts");
                }
                return parsed;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                double seconds = p.getDoubleValue();
                // About ±3000 years around 1970: outside that it is not a plausible epoch time.
                if (!(Math.abs(seconds) < 1e11)) {
                    throw new FieldError("ts is not a plausible epoch time in seconds (" + seconds + ")", "ts");
                }
                return Timestamps.ofEpochSeconds(seconds);
            default:
                throw new FieldError("ts must be an ISO-8601 string or epoch seconds, not " + describe(v), "ts");
        }
    }

    /**
     * The value of a non-finite spelling ({@code nan}, {@code inf}, {@code infinity}, optionally
     * signed, any case); {@code 0.0} (finite) for any other text.
     */
    static double nonFinite(String s) {
        String t = s.trim();
        double sign = 1;
        if (t.startsWith("+") || t.startsWith("-")) {
            sign = t.charAt(0) == '-' ? -1 : 1;
            t = t.substring(1);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        if (lower.equals("inf") || lower.equals("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        return 0.0;
    }

    static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(t);
        };
    }

    static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_QUOTED_CHARS ? s : s.substring(0, MAX_QUOTED_CHARS) + "...";
    }
}
