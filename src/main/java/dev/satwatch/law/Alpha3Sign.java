package dev.satwatch.law;

/**
 * What a calibrated law says about saturation: the sign of α3 judged by its 95 % interval ({@link
 * ReuseLaw#alpha3Interval()}). α3 &gt; 0 means the D2 exponent {@code α(D1) = α2 − α3·ln D1} falls as the base is
 * trained longer: reuse saturates (Liew &amp; Kato, arXiv 2510.06548).
 */
public enum Alpha3Sign {
    /** The whole interval lies above 0: reuse saturates as D1 grows. */
    SATURATION("α3 > 0: saturation"),
    /** The whole interval lies below 0: the D2 exponent grows with D1. */
    NEGATIVE("α3 < 0: the D2 exponent grows with D1"),
    /** The interval contains 0. */
    NOT_SIGNIFICANT("not significant"),
    /** The law has no covariance, so no interval. */
    UNKNOWN("unknown (no covariance)");

    private final String description;

    Alpha3Sign(String description) {
        this.description = description;
    }

    /** The verdict as printed by {@code satwatch law fit}, e.g. {@code "α3 > 0: saturation"}. */
    public String description() {
        return description;
    }

    /** The verdict of an interval of α3. */
    static Alpha3Sign of(LawInterval interval) {
        if (!interval.defined()) {
            return UNKNOWN;
        }
        if (interval.aboveZero()) {
            return SATURATION;
        }
        return interval.belowZero() ? NEGATIVE : NOT_SIGNIFICANT;
    }
}
