package dev.satwatch.serde;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * The {@code ts} of an event: ISO-8601 text (with an offset, or local and read as UTC; Python's {@code str(datetime)}
 * space between date and time accepted) or epoch seconds. The common {@code ...Z} form is parsed by hand, several times
 * faster than {@link Instant#parse}. Stateless; thread-safe.
 */
final class Timestamps {

    private Timestamps() {}

    /** The instant {@code text} names, or null when it is no ISO-8601 date-time. */
    static Instant parseText(String text) {
        // Python's str(datetime) separates date and time with a space; ISO-8601 wants a T.
        String s =
                text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        Instant fast = fastUtcInstant(s);
        if (fast != null) {
            return fast;
        }
        try {
            TemporalAccessor parsed =
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
            return parsed instanceof ZonedDateTime z
                    ? z.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Epoch seconds (fraction to the nanosecond) as an instant; the caller bounds {@code seconds}. */
    static Instant ofEpochSeconds(double seconds) {
        double whole = Math.floor(seconds);
        return Instant.ofEpochSecond((long) whole, Math.round((seconds - whole) * 1e9));
    }

    /**
     * Parses the common {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} form without a formatter (several
     * times faster than {@link Instant#parse}); returns null for any other form, which the caller then
     * hands to the full ISO parser.
     */
    static Instant fastUtcInstant(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
            return null;
        }
        if (s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
                return null;
            }
            int frac = digits(s, 20, n - 1);
            if (frac < 0) {
                return null;
            }
            nanos = frac;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // e.g. 31 April: the full parser reports it
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal value of {@code s[from, to)}, or -1 if any character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
