package dev.satwatch.track;

import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import java.util.List;

/**
 * What one tracker call produced: the processor forwards {@code fits} to {@code satwatch.fits}, {@code alerts} to
 * {@code satwatch.alerts} and {@code finished} (when not null) to the law calibrator.
 *
 * @param result accepted or duplicate (ACCEPTED for wall-clock and law-change calls)
 * @param fits refits, in order (usually zero or one)
 * @param alerts alert transitions, in order
 * @param finished the run's fit set when this call finished the run, else null
 */
public record Outcome(EventResult result, List<FitUpdate> fits, List<Alert> alerts, FinishedRun finished) {

    /** Copies the lists. */
    public Outcome {
        fits = List.copyOf(fits);
        alerts = List.copyOf(alerts);
    }

    /** An outcome with nothing to emit. */
    public static Outcome of(EventResult result) {
        return new Outcome(result, List.of(), List.of(), null);
    }
}
