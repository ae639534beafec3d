package dev.satwatch.event;

import java.time.Instant;

/**
 * {@code run_started}: a run begins; carries its metadata and, optionally, its planned LR schedule and the run it
 * branches from.
 *
 * @param runId the run
 * @param ts source timestamp, null when absent
 * @param meta the run's metadata
 * @param schedule the planned LR schedule; null when absent
 * @param branchOf the run this one continues from (a cooldown or any continuation of that run); null when absent
 * @param branchAtD2Tokens where in the parent's D2 the branch starts; NaN when absent
 */
public record RunStarted(
        String runId, Instant ts, RunMeta meta, PlannedSchedule schedule, String branchOf, double branchAtD2Tokens)
        implements RunEvent {

    /** A run without schedule or branch information. */
    public RunStarted(String runId, Instant ts, RunMeta meta) {
        this(runId, ts, meta, null, null, Double.NaN);
    }

    /** Whether this run is a branch of another run. */
    public boolean isBranch() {
        return branchOf != null;
    }
}
