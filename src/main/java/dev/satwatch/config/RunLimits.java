package dev.satwatch.config;

/**
 * Limits that keep one instance bounded whatever its producers do (issue: operators must trust satwatch with a
 * whole fleet). Records over a limit are dead-lettered with the reason, never dropped silently.
 *
 * @param maxRunsPerPartition most runs tracked per partition (task) of {@code satwatch.events}; at the limit,
 *     finished runs and then stalled runs are evicted, oldest first, to make room; when none can be evicted the new
 *     run's events are dead-lettered ({@code limits.max.runs.per.partition})
 * @param maxPointsPerSecond loss points per second one run may send (a token bucket with one second of burst);
 *     points beyond it are dead-lettered; 0 turns the limit off ({@code limits.max.points.per.second})
 */
public record RunLimits(int maxRunsPerPartition, double maxPointsPerSecond) {

    /**
     * 50,000 runs per partition (≈ 50 MB of state at 1 KB per run); no point-rate limit, because a file replayed at
     * full speed (`satwatch replay`) legitimately sends thousands of points per second for one run. For a live fleet,
     * a few hundred points per second per run is already far above what a training loop logs.
     */
    public static RunLimits defaults() {
        return new RunLimits(50_000, 0);
    }

    public RunLimits {
        if (maxRunsPerPartition < 1) {
            throw new IllegalArgumentException("maxRunsPerPartition must be ≥ 1, got " + maxRunsPerPartition);
        }
        if (!(maxPointsPerSecond >= 0) || Double.isInfinite(maxPointsPerSecond)) {
            throw new IllegalArgumentException("maxPointsPerSecond must be finite and ≥ 0, got " + maxPointsPerSecond);
        }
    }
}
