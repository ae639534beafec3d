package dev.satwatch.metrics;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the per-run series {@link SatwatchMetrics} exports (config keys {@code metrics.max.runs} and
 * {@code metrics.finished.grace}).
 *
 * @param maxRuns most runs with exported per-run series at once (≥ 0; default 500); further runs are counted in
 *     {@code satwatch.runs.dropped} and not exported until a slot frees. 0 exports no per-run series at all.
 * @param finishedGrace how long a finished run's series stay after it finished (≥ 0; default 10 minutes), so a
 *     scrape or a dashboard still sees the final values
 */
public record MetricsConfig(int maxRuns, Duration finishedGrace) {

    /** The default bound: 500 runs. */
    public static final int DEFAULT_MAX_RUNS = 500;

    /** The default grace: 10 minutes. */
    public static final Duration DEFAULT_FINISHED_GRACE = Duration.ofMinutes(10);

    /** Validates the settings. */
    public MetricsConfig {
        if (maxRuns < 0) {
            throw new IllegalArgumentException("maxRuns must be at least 0, got " + maxRuns);
        }
        Objects.requireNonNull(finishedGrace, "finishedGrace");
        if (finishedGrace.isNegative()) {
            throw new IllegalArgumentException("finishedGrace must not be negative, got " + finishedGrace);
        }
    }

    /** 500 runs, 10 minutes of grace. */
    public static MetricsConfig defaults() {
        return new MetricsConfig(DEFAULT_MAX_RUNS, DEFAULT_FINISHED_GRACE);
    }
}
