package dev.satwatch.event;

import java.time.Instant;

/** One record of the {@code satwatch.events} topic (DESIGN §3). */
public sealed interface RunEvent permits RunStarted, LossPoint, RunFinished {

    /** The run this event belongs to; never null or blank. */
    String runId();

    /** When the event happened at the source; null when the producer did not say. */
    Instant ts();
}
