package dev.satwatch.track;

import dev.satwatch.detect.DetectConfig;
import dev.satwatch.fit.SummaryConfig;
import java.util.Objects;

/**
 * Settings of the per-run tracker.
 *
 * @param summary binning of each split's curve (DESIGN §4)
 * @param detect thresholds of the alert rules
 * @param refitEveryPoints refit after this many accepted points of the fitted split since the last fit, even when
 *     no new bin opened (≥ 1; default 32)
 * @param maxSplits most splits summarised per run, {@code val} and {@code train} included (≥ 2; default 4); points
 *     of further named splits are accepted and counted but not summarised, so the state stays bounded
 */
public record TrackerConfig(SummaryConfig summary, DetectConfig detect, int refitEveryPoints, int maxSplits) {

    /** Validates the settings. */
    public TrackerConfig {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(detect, "detect");
        if (refitEveryPoints < 1) {
            throw new IllegalArgumentException("refitEveryPoints must be at least 1, got " + refitEveryPoints);
        }
        if (maxSplits < 2 || maxSplits > RunState.MAX_SPLITS) {
            throw new IllegalArgumentException(
                    "maxSplits must be in [2, " + RunState.MAX_SPLITS + "], got " + maxSplits);
        }
    }

    /** Summary and detection defaults, a refit every 32 points, 4 splits. */
    public static TrackerConfig defaults() {
        return new TrackerConfig(SummaryConfig.defaults(), DetectConfig.defaults(), 32, 4);
    }

    /** These settings with other alert thresholds. */
    public TrackerConfig withDetect(DetectConfig detect) {
        return new TrackerConfig(summary, detect, refitEveryPoints, maxSplits);
    }
}
