package dev.satwatch.detect;

/** What one evaluation of one alert type did to its open/resolved state in an {@link AlertState}. */
public enum Transition {
    /** Nothing changed (including a streak that has not reached its hysteresis count yet). */
    NONE,
    /** The alert opened: the caller emits an OPEN {@link dev.satwatch.event.Alert}. */
    OPENED,
    /** The alert resolved: the caller emits a RESOLVED {@link dev.satwatch.event.Alert}. */
    RESOLVED
}
