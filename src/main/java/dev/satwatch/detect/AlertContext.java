package dev.satwatch.detect;

import java.time.Instant;

/**
 * Where and when an alert evaluation happens: copied into every {@link dev.satwatch.event.Alert} it produces.
 *
 * @param runId the run
 * @param setting the run's setting, null when unknown
 * @param ts event time of the triggering record (wall-clock for STALLED); may be null
 * @param d2Tokens the run's largest D2 so far (raw tokens), NaN when unknown
 */
public record AlertContext(String runId, String setting, Instant ts, double d2Tokens) {}
