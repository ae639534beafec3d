package dev.satwatch.detect;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds of the alert rules (DESIGN §5). All loss quantities are in loss units (nats/token); token rates are
 * per billion tokens; fractions are of the run's D2 budget.
 *
 * <p>Validation: every number must be finite and non-negative, counts at least 1, durations positive and
 * {@code finishAfterStalled ≥ stalledAfter}; otherwise the constructor throws {@link IllegalArgumentException}.
 * Immutable and thread-safe.
 *
 * @param baseAlphaFloor BASE_OVERTRAINED when the law's {@code α(D1) = α2 − α3·ln D1} is below this
 * @param overtrainTokensPerParam or when {@code D1 / params} is above this (Chinchilla-optimal is about 20)
 * @param exponentTolerance EXPONENT_BELOW_PREDICTION when the upper 95 % bound of the measured exponent is below
 *     {@code alpha_predicted − exponentTolerance}
 * @param minGainPerBillion DIMINISHING_RETURNS when the current gain per extra billion tokens is below this ...
 * @param minRemainingGain ... or when the projected gain over the rest of the budget is below this
 * @param minProgressFraction the return and exponent rules judge only after this fraction of the budget (and the
 *     return rule only until {@code 1 − minProgressFraction}: a stop near the end saves little)
 * @param spikeMadK LOSS_SPIKE when a point's log residual exceeds {@code spikeMadK} robust (MAD) scales ...
 * @param spikeMinRel ... and its loss is more than {@code spikeMinRel} (relative) above the expected loss
 * @param divergenceRisePoints DIVERGENCE when this many consecutive in-order points rose ...
 * @param divergenceRiseRel ... by more than this relative amount in total
 * @param stalledAfter STALLED after this much wall-clock silence
 * @param finishAfterStalled a run silent this long counts as finished for calibration
 * @param unreliableMinBins FIT_UNRELIABLE only once the fit set has at least this many bins
 * @param openAfter consecutive true evaluations before a judged alert (exponent, returns, reliability) opens
 * @param resolveAfter consecutive false evaluations before an open alert resolves
 */
public record DetectConfig(
        double baseAlphaFloor,
        double overtrainTokensPerParam,
        double exponentTolerance,
        double minGainPerBillion,
        double minRemainingGain,
        double minProgressFraction,
        double spikeMadK,
        double spikeMinRel,
        int divergenceRisePoints,
        double divergenceRiseRel,
        Duration stalledAfter,
        Duration finishAfterStalled,
        int unreliableMinBins,
        int openAfter,
        int resolveAfter) {

    /** Validates the thresholds. */
    public DetectConfig {
        requireNonNegative("baseAlphaFloor", baseAlphaFloor);
        requireNonNegative("overtrainTokensPerParam", overtrainTokensPerParam);
        requireNonNegative("exponentTolerance", exponentTolerance);
        requireNonNegative("minGainPerBillion", minGainPerBillion);
        requireNonNegative("minRemainingGain", minRemainingGain);
        requireNonNegative("minProgressFraction", minProgressFraction);
        requireNonNegative("spikeMadK", spikeMadK);
        requireNonNegative("spikeMinRel", spikeMinRel);
        requireNonNegative("divergenceRiseRel", divergenceRiseRel);
        requireAtLeastOne("divergenceRisePoints", divergenceRisePoints);
        requireAtLeastOne("unreliableMinBins", unreliableMinBins);
        requireAtLeastOne("openAfter", openAfter);
        requireAtLeastOne("resolveAfter", resolveAfter);
        Objects.requireNonNull(stalledAfter, "stalledAfter");
        Objects.requireNonNull(finishAfterStalled, "finishAfterStalled");
        if (stalledAfter.isNegative() || stalledAfter.isZero()) {
            throw new IllegalArgumentException("stalledAfter must be positive, got " + stalledAfter);
        }
        if (finishAfterStalled.compareTo(stalledAfter) < 0) {
            throw new IllegalArgumentException("finishAfterStalled must be at least stalledAfter, got "
                    + finishAfterStalled + " < " + stalledAfter);
        }
    }

    /**
     * The defaults, tuned with {@code DetectionQualityBench} on the simulated fleet (seed stated there): they meet
     * the targets of ≥ 95 % of saturating runs flagged by 40 % of their budget and ≤ 2 % of healthy runs with any
     * alert.
     */
    public static DetectConfig defaults() {
        return new DetectConfig(
                0.05,
                2000,
                0.02,
                0.0005,
                0.005,
                0.2,
                8.0,
                0.05,
                6,
                0.05,
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                // Three quarters of a decade of D2 at 16 bins per decade: a fit over less is legitimately uncertain
                // (early in a run), and with a known target the whole fit window is one decade (16 bins).
                12,
                2,
                3);
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " must be finite and non-negative, got " + v);
        }
    }

    private static void requireAtLeastOne(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
