package dev.satwatch.io;

import java.util.Locale;

/** Parses numbers in text files: {@link Double#parseDouble} plus the spellings nan, inf, infinity. */
final class NumberText {

    private NumberText() {}

    /**
     * The value of {@code cell} (surrounding spaces ignored): anything {@link Double#parseDouble}
     * takes, or {@code nan}, {@code inf}, {@code infinity} in any case with an optional sign.
     *
     * @throws NumberFormatException when the text is no number
     */
    static double parse(String cell) {
        String t = cell.strip();
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            String lower = t.toLowerCase(Locale.ROOT);
            boolean negative = lower.startsWith("-");
            if (negative || lower.startsWith("+")) {
                lower = lower.substring(1);
            }
            if (lower.equals("nan")) {
                return Double.NaN;
            }
            if (lower.equals("inf") || lower.equals("infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            throw e;
        }
    }

    /** {@code value} as it appears in a message: short, and quoted as given. */
    static String quote(String value) {
        String v = value.length() <= 40 ? value : value.substring(0, 40) + "...";
        return "('" + v + "')";
    }
}
