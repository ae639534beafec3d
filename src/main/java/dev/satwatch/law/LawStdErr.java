package dev.satwatch.law;

/**
 * Standard errors of the five constants of a {@link ReuseLaw}, in the law's own units (tokens in
 * billions, natural log). {@code NaN} marks an error that could not be estimated (too few points, a
 * singular information matrix, or an unfitted law). Immutable and thread-safe.
 *
 * @param a standard error of A
 * @param alpha1 standard error of α1
 * @param alpha2 standard error of α2
 * @param alpha3 standard error of α3
 * @param e standard error of E
 */
public record LawStdErr(double a, double alpha1, double alpha2, double alpha3, double e) {

    /** All five errors unknown. */
    public static LawStdErr unknown() {
        return new LawStdErr(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
