package dev.satwatch.event;

import java.time.Instant;
import java.util.Map;

/**
 * One alert transition on {@code satwatch.alerts} (DESIGN §5): an alert of a type opens for a run, and later
 * resolves. Transitions are deduplicated: a run has at most one open alert per type, and {@code sequence} numbers
 * the openings of that type for that run (the pair run/type/sequence identifies an alert; its resolve carries the
 * same sequence).
 *
 * @param runId the run
 * @param setting the run's setting, null when unknown
 * @param type the alert type
 * @param severity how urgent
 * @param state {@link State#OPEN} or {@link State#RESOLVED}
 * @param sequence 1 for the first opening of this type for this run, 2 for the next...
 * @param ts when the transition happened (event time of the triggering record, or wall-clock for STALLED)
 * @param d2Tokens the run's D2 when it happened
 * @param values the numbers that triggered it, by name (e.g. {@code alpha_ci_high}, {@code alpha_predicted})
 * @param tokensSaved for DIMINISHING_RETURNS: tokens left in the budget that an early stop would save; NaN otherwise
 * @param message a human sentence saying what happened and what to do
 */
public record Alert(
        String runId,
        String setting,
        AlertType type,
        Severity severity,
        State state,
        int sequence,
        Instant ts,
        double d2Tokens,
        Map<String, Double> values,
        double tokensSaved,
        String message) {

    /** Alert lifecycle state. */
    public enum State {
        OPEN,
        RESOLVED
    }

    /** Urgency. */
    public enum Severity {
        INFO,
        WARNING,
        CRITICAL
    }

    public Alert {
        values = Map.copyOf(values);
    }

    /** A stable identifier: {@code runId/TYPE/sequence}. */
    public String alertId() {
        return runId + "/" + type + "/" + sequence;
    }
}
