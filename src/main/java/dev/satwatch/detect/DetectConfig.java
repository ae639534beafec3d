package dev.satwatch.detect;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds of the alert rules (DESIGN §5). Every stop threshold is relative (a fraction of the loss, a fraction
 * of the run's D2 budget), so the same curve shape gets the same verdict at 300B or 15T tokens.
 *
 * <p>Validation: every number must be finite and non-negative, counts at least 1, durations positive and
 * {@code finishAfterStalled ≥ stalledAfter}; otherwise the constructor throws {@link IllegalArgumentException}.
 * Immutable and thread-safe.
 *
 * @param baseAlphaFloor BASE_OVERTRAINED when the law's {@code α(D1) = α2 − α3·ln D1} is below this
 * @param overtrainTokensPerParam or when {@code D1 / params} is above this (Chinchilla-optimal is about 20)
 * @param exponentTolerance EXPONENT_BELOW_PREDICTION when the upper 95 % bound of the measured exponent is below
 *     {@code alpha_predicted − exponentTolerance}
 * @param stopMaxLossGivenUp DIMINISHING_RETURNS (stop recommended) when the upper 95 % bound of the relative loss
 *     given up by stopping now is at most this (a fraction: 0.01 is 1 %; the key also takes "1%")
 * @param stopMinBudgetFraction the stop and exponent rules judge only after this fraction of the budget
 * @param cooldownFraction the cooldown a stop still runs, as a fraction of the budget, when the run's schedule does
 *     not say: the planned stable phase ends at {@code (1 − cooldownFraction) × target}, and tokens saved are net of
 *     a cooldown of this length
 * @param stopWindowRatio the decision's trend window keeps fit points with {@code D2 ≥ stopWindowRatio × D2 now}
 * @param costPerBillionTokens cost of a billion training tokens (any currency), 0 when unknown: the decision then
 *     reports no cost saved
 * @param spikeMadK LOSS_SPIKE when a point's log residual exceeds {@code spikeMadK} robust (MAD) scales ...
 * @param spikeMinRel ... and its loss is more than {@code spikeMinRel} (relative) above the expected loss
 * @param divergenceRisePoints DIVERGENCE when this many consecutive in-order points rose ...
 * @param divergenceRiseRel ... by more than this relative amount in total
 * @param stalledAfter STALLED after this much wall-clock silence
 * @param finishAfterStalled a run silent this long counts as finished for calibration
 * @param unreliableMinBins FIT_UNRELIABLE only once the fit set has at least this many bins
 * @param openAfter consecutive true evaluations before a judged alert (exponent, returns, reliability) opens
 * @param resolveAfter consecutive false evaluations before an open alert resolves
 * @param clock {@code wall} (default): STALLED after wall-clock silence; {@code event}: after silence in event time
 *     (the stream time of the events' timestamps), so a replayer's pacing raises no alert
 */
public record DetectConfig(
        double baseAlphaFloor,
        double overtrainTokensPerParam,
        double exponentTolerance,
        double stopMaxLossGivenUp,
        double stopMinBudgetFraction,
        double cooldownFraction,
        double stopWindowRatio,
        double costPerBillionTokens,
        double spikeMadK,
        double spikeMinRel,
        int divergenceRisePoints,
        double divergenceRiseRel,
        Duration stalledAfter,
        Duration finishAfterStalled,
        int unreliableMinBins,
        int openAfter,
        int resolveAfter,
        Clock clock) {

    /** The time STALLED and finish-by-silence are judged in. */
    public enum Clock {
        /** Processing time: a live fleet. */
        WALL,
        /** The events' own timestamps (the record timestamps): replays of recorded runs, backtests. */
        EVENT
    }

    /** Validates the thresholds. */
    public DetectConfig {
        requireNonNegative("baseAlphaFloor", baseAlphaFloor);
        requireNonNegative("overtrainTokensPerParam", overtrainTokensPerParam);
        requireNonNegative("exponentTolerance", exponentTolerance);
        requireNonNegative("stopMaxLossGivenUp", stopMaxLossGivenUp);
        requireFraction("stopMinBudgetFraction", stopMinBudgetFraction);
        requireFraction("cooldownFraction", cooldownFraction);
        requireNonNegative("costPerBillionTokens", costPerBillionTokens);
        if (!(stopWindowRatio > 0 && stopWindowRatio < 1)) {
            throw new IllegalArgumentException("stopWindowRatio must be in (0, 1), got " + stopWindowRatio);
        }
        requireNonNegative("spikeMadK", spikeMadK);
        requireNonNegative("spikeMinRel", spikeMinRel);
        requireNonNegative("divergenceRiseRel", divergenceRiseRel);
        requireAtLeastOne("divergenceRisePoints", divergenceRisePoints);
        requireAtLeastOne("unreliableMinBins", unreliableMinBins);
        requireAtLeastOne("openAfter", openAfter);
        requireAtLeastOne("resolveAfter", resolveAfter);
        Objects.requireNonNull(stalledAfter, "stalledAfter");
        Objects.requireNonNull(clock, "clock");
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
     * The defaults. The stop threshold (1 % of the loss given up, bounded at 95 %) and the cooldown (10 % of the
     * budget) are DESIGN §5's; their effect on real runs is measured by {@code satwatch backtest} (BENCHMARKS.md).
     */
    public static DetectConfig defaults() {
        return new DetectConfig(
                0.05,
                2000,
                0.02,
                0.01,
                0.2,
                0.1,
                0.5,
                0.0,
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
                3,
                Clock.WALL);
    }

    /** These thresholds with another stop threshold (a fraction of the loss). */
    public DetectConfig withStopMaxLossGivenUp(double threshold) {
        return new DetectConfig(
                baseAlphaFloor,
                overtrainTokensPerParam,
                exponentTolerance,
                threshold,
                stopMinBudgetFraction,
                cooldownFraction,
                stopWindowRatio,
                costPerBillionTokens,
                spikeMadK,
                spikeMinRel,
                divergenceRisePoints,
                divergenceRiseRel,
                stalledAfter,
                finishAfterStalled,
                unreliableMinBins,
                openAfter,
                resolveAfter,
                clock);
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " must be finite and non-negative, got " + v);
        }
    }

    private static void requireFraction(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
    }

    private static void requireAtLeastOne(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
