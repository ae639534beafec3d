package dev.satwatch.event;

import java.time.Instant;

/** {@code run_started}: a run begins; carries its metadata. */
public record RunStarted(String runId, Instant ts, RunMeta meta) implements RunEvent {}
