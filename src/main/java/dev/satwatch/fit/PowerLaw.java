package dev.satwatch.fit;

/**
 * A power law {@code L(x) = e + b · x^(−alpha)}: the one home of the formula, for a fitted curve, a warm start or a
 * decision curve. x is D2 in billions of tokens wherever satwatch uses it. Parameter order everywhere is (e, b,
 * alpha). Any of the three may be NaN ({@link #NONE}: no curve yet); {@link #at} then is NaN. Immutable.
 *
 * @param e irreducible loss E
 * @param b amplitude B
 * @param alpha exponent
 */
public record PowerLaw(double e, double b, double alpha) {

    /** No curve: every parameter NaN. */
    public static final PowerLaw NONE = new PowerLaw(Double.NaN, Double.NaN, Double.NaN);

    /**
     * The loss at x: {@code e + b · x^(−alpha)}, evaluated as written (x = 0 gives ±∞ or NaN per {@link Math#pow};
     * callers that must answer NaN for x ≤ 0 check first).
     */
    public double at(double x) {
        return e + b * Math.pow(x, -alpha);
    }

    /** Whether all three parameters are finite. */
    public boolean finite() {
        return Double.isFinite(e) && Double.isFinite(b) && Double.isFinite(alpha);
    }
}
