package dev.satwatch.law;

/**
 * A two-sided 95 % confidence interval {@code [low, high]} of a law quantity; both ends {@code NaN} when the
 * uncertainty is unknown. Immutable and thread-safe.
 *
 * @param low lower end
 * @param high upper end
 */
public record LawInterval(double low, double high) {

    /** The interval of a quantity whose uncertainty is unknown. */
    public static LawInterval unknown() {
        return new LawInterval(Double.NaN, Double.NaN);
    }

    /** {@code estimate ± quantile·stdErr}; unknown when either is not finite. */
    static LawInterval around(double estimate, double stdErr, double quantile) {
        if (!Double.isFinite(estimate) || !Double.isFinite(stdErr) || !Double.isFinite(quantile)) {
            return unknown();
        }
        return new LawInterval(estimate - quantile * stdErr, estimate + quantile * stdErr);
    }

    /** True when both ends are finite. */
    public boolean defined() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    /** True when the whole interval lies above 0. */
    public boolean aboveZero() {
        return low > 0;
    }

    /** True when the whole interval lies below 0. */
    public boolean belowZero() {
        return high < 0;
    }
}
