package dev.satwatch.fit;

/**
 * The E-free log-log slope of a loss curve: {@code ln L = intercept − alpha · ln x}, so that
 * {@code L ≈ exp(intercept) · x^(−alpha)} (x in billions of tokens).
 *
 * <p>All numeric fields are {@code NaN} when the slope could not be computed (fewer than three usable
 * points, or all x equal); {@code points} still counts the usable points seen.
 *
 * @param alpha the exponent, minus the fitted slope of ln L on ln x
 * @param alphaStdErr standard error of alpha (weighted least squares, n − 2 degrees of freedom)
 * @param ciLow lower end of the 95 % Student-t interval of alpha
 * @param ciHigh upper end of the 95 % Student-t interval of alpha
 * @param intercept fitted ln L at x = 1 (one billion tokens)
 * @param points number of points used in the fit
 */
public record SlopeResult(double alpha, double alphaStdErr, double ciLow, double ciHigh, double intercept, int points) {

    /** A result with every number {@code NaN}, for inputs the slope cannot be computed from. */
    static SlopeResult undefined(int points) {
        return new SlopeResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, points);
    }

    /** True when alpha and its interval are finite numbers. */
    public boolean defined() {
        return Double.isFinite(alpha) && Double.isFinite(ciLow) && Double.isFinite(ciHigh);
    }
}
