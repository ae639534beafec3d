package dev.satwatch.event;

import java.time.Instant;

/**
 * {@code loss}: one loss measurement.
 *
 * @param runId the run
 * @param ts source timestamp, null when absent
 * @param step optimizer step, or {@code -1} when absent
 * @param d2Tokens second-stage tokens seen so far (raw tokens), finite and non-negative
 * @param loss the loss in nats/token; may be non-finite (a divergence, not bad input)
 * @param split {@code val}, {@code train} or a named eval set; never null
 * @param lr learning rate at this point, NaN when absent
 * @param meta run metadata given inline on this event, {@link RunMeta#EMPTY} when none
 */
public record LossPoint(
        String runId, Instant ts, long step, double d2Tokens, double loss, String split, double lr, RunMeta meta)
        implements RunEvent {

    /** Split name for validation points, preferred for fitting. */
    public static final String VAL = "val";

    /** Split name for (smoothed) training-loss points. */
    public static final String TRAIN = "train";
}
