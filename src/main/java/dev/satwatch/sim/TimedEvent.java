package dev.satwatch.sim;

import dev.satwatch.event.RunEvent;
import java.time.Instant;

/**
 * An event with the wall-clock time at which the simulated training job emits it (equal to the event's own
 * {@code ts} when it has one).
 *
 * @param wallTime when the job emits it
 * @param event the event
 */
public record TimedEvent(Instant wallTime, RunEvent event) {}
