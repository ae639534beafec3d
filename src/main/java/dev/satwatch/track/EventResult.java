package dev.satwatch.track;

/** What the tracker did with one event (every event ends as one of these, or in the dead-letter topic upstream). */
public enum EventResult {
    /** The event changed the run's state. */
    ACCEPTED,
    /** The event repeated one already seen (same split and step, a repeated start or finish): only counted. */
    DUPLICATE
}
