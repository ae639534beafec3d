package dev.satwatch.sim;

import dev.satwatch.event.RunMeta;
import dev.satwatch.law.ReuseLaw;
import java.util.List;
import java.util.Objects;

/**
 * One simulated run with its ground truth.
 *
 * @param runId the run
 * @param scenario what really happens in it
 * @param law the true law of its setting (what a perfectly calibrated satwatch would know)
 * @param meta its metadata, as its run_started carries it
 * @param events its events in emission order: run_started, loss points, run_finished (absent when stalling)
 * @param trueAlpha the exponent its curve really follows
 * @param predictedAlpha the law's exponent for its D1
 * @param anomalyFraction fraction of the budget where the anomaly starts (0 for saturating runs, the first
 *     spike for spiking runs, the first rising point for diverging runs, the last point for stalling runs); NaN for
 *     healthy runs
 * @param truth its noise-free curve, schedule and stop truth ({@link RunTruth#trueLossGivenUp}); before a scenario's
 *     anomaly (divergence, spikes) the events follow it
 */
public record SimRun(
        String runId,
        Scenario scenario,
        ReuseLaw law,
        RunMeta meta,
        List<TimedEvent> events,
        double trueAlpha,
        double predictedAlpha,
        double anomalyFraction,
        RunTruth truth) {

    /** Copies the events. */
    public SimRun {
        events = List.copyOf(events);
        Objects.requireNonNull(truth, "truth");
    }

    /** The relative loss truly given up by stopping at {@code d2Tokens}: {@link RunTruth#trueLossGivenUp}. */
    public double trueLossGivenUp(double d2Tokens) {
        return truth.trueLossGivenUp(d2Tokens);
    }
}
