package dev.satwatch.event;

import java.time.Instant;

/** {@code run_finished}: a run ended; {@code status} is free-form (completed, failed, stopped...). */
public record RunFinished(String runId, Instant ts, String status) implements RunEvent {}
