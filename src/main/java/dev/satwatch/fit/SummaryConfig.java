package dev.satwatch.fit;

/**
 * Settings of a {@link CurveSummary}. Immutable and thread-safe.
 *
 * <p>The limits keep the serialized summary within {@link CurveSummary#MAX_SERIALIZED_BYTES}:
 * at most {@value #MAX_BINS_PER_DECADE} bins per decade and {@value #MAX_RECENT_POINTS} recent points.
 *
 * @param binsPerDecade log-spaced bins per decade of D2, in [1, {@value #MAX_BINS_PER_DECADE}];
 *     default 16 (1/16 decade)
 * @param burnInFraction bins whose mean D2 is below this fraction of the target D2 (or of the
 *     current max D2 when no target is known) are left out of the fit, in [0, 1); default 0.10
 * @param annealLrRatio a point with {@code lr < annealLrRatio × stableLr} is an anneal point,
 *     excluded from the fit, in (0, 1]; default 0.90
 * @param recentPoints size of the ring buffer of last points for spike checks, in [1,
 *     {@value #MAX_RECENT_POINTS}]; default 8
 */
public record SummaryConfig(int binsPerDecade, double burnInFraction, double annealLrRatio, int recentPoints) {

    /** Upper limit of {@link #binsPerDecade()}. */
    public static final int MAX_BINS_PER_DECADE = 64;

    /** Upper limit of {@link #recentPoints()}. */
    public static final int MAX_RECENT_POINTS = 32;

    private static final SummaryConfig DEFAULTS = new SummaryConfig(16, 0.10, 0.90, 8);

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException when a setting is out of its range
     */
    public SummaryConfig {
        if (binsPerDecade < 1 || binsPerDecade > MAX_BINS_PER_DECADE) {
            throw new IllegalArgumentException(
                    "binsPerDecade must be in [1, " + MAX_BINS_PER_DECADE + "], got " + binsPerDecade);
        }
        if (!(burnInFraction >= 0 && burnInFraction < 1)) {
            throw new IllegalArgumentException("burnInFraction must be in [0, 1), got " + burnInFraction);
        }
        if (!(annealLrRatio > 0 && annealLrRatio <= 1)) {
            throw new IllegalArgumentException("annealLrRatio must be in (0, 1], got " + annealLrRatio);
        }
        if (recentPoints < 1 || recentPoints > MAX_RECENT_POINTS) {
            throw new IllegalArgumentException(
                    "recentPoints must be in [1, " + MAX_RECENT_POINTS + "], got " + recentPoints);
        }
    }

    /** The defaults of DESIGN §4: 16 bins per decade, 10 % burn-in, anneal below 0.9 × stable LR, 8 recent points. */
    public static SummaryConfig defaults() {
        return DEFAULTS;
    }
}
