package dev.satwatch.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses configuration text into typed values; every failure is a {@link ConfigException} naming the value. */
final class ConfigValues {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private ConfigValues() {}

    static int integer(ConfigValue v) {
        try {
            return Integer.parseInt(v.value().trim());
        } catch (NumberFormatException e) {
            throw v.error("not an integer", e);
        }
    }

    static long longValue(ConfigValue v) {
        try {
            return Long.parseLong(v.value().trim());
        } catch (NumberFormatException e) {
            throw v.error("not an integer", e);
        }
    }

    /** A finite number; a trailing {@code %} divides by 100 ({@code 3%} is 0.03). */
    static double number(ConfigValue v) {
        double d;
        String text = v.value().trim();
        boolean percent = text.endsWith("%");
        try {
            d = Double.parseDouble(
                    percent ? text.substring(0, text.length() - 1).trim() : text);
            if (percent) {
                d /= 100;
            }
        } catch (NumberFormatException e) {
            throw v.error("not a number", e);
        }
        if (!Double.isFinite(d)) {
            throw v.error("not a finite number");
        }
        return d;
    }

    /**
     * A fraction: {@code 0.02} or {@code 2%} (a percentage); must be finite, &gt; 0 and at most 1 (a bare number above
     * 1 is almost surely a percentage without its sign, so it is rejected with a hint).
     */
    static double fraction(ConfigValue v) {
        String s = v.value().trim();
        boolean percent = s.endsWith("%");
        double d;
        try {
            d = Double.parseDouble(percent ? s.substring(0, s.length() - 1).trim() : s);
        } catch (NumberFormatException e) {
            throw v.error("not a fraction (e.g. 0.02 or 2%)", e);
        }
        if (percent) {
            d /= 100;
        }
        if (!Double.isFinite(d) || !(d > 0)) {
            throw v.error("must be a fraction > 0 (e.g. 0.02 or 2%)");
        }
        if (d > 1) {
            throw v.error(percent ? "must be at most 100%" : "must be at most 1 (for a percentage write e.g. 2%)");
        }
        return d;
    }

    static boolean bool(ConfigValue v) {
        String s = v.value().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw v.error("expected true or false");
    }

    /**
     * A duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}); must
     * not be negative.
     */
    static Duration duration(ConfigValue v) {
        String s = v.value().trim();
        Duration d;
        Matcher m = SIMPLE_DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw v.error("duration out of range", e);
            }
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw v.error("not a duration (use e.g. 250ms, 30s, 5m, 2h or PT30S)", e);
            }
        }
        if (d.isNegative()) {
            throw v.error("must not be negative");
        }
        return d;
    }

    /** Formats a duration the way {@link #duration} reads it back, in the largest exact unit. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
