package dev.satwatch.track;

import dev.satwatch.event.AlertType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which events a partition takes in: a cap on the runs it tracks and a per-run point rate. Pure bookkeeping for the
 * run processor, which owns the store and asks this class what to admit and what to evict.
 *
 * <ul>
 *   <li><b>Run cap:</b> {@link #full()} once {@code maxRunsPerPartition} runs are tracked; {@link #victims} then
 *       names the runs to evict: finished runs, then stalled runs (STALLED open), oldest last activity first, a batch
 *       of about 1 % of the cap so that a full partition scans its store once per batch of new runs, not per new run.
 *       Open runs that are not stalled are never evicted (the new run is refused instead).
 *   <li><b>Point rate:</b> a token bucket per run ({@link #withinRate}): {@code maxPointsPerSecond} tokens per second,
 *       bursts up to one second's worth; 0 means no limit. At most {@link #RATE_BUCKETS} buckets are kept, the least
 *       recently active run's dropped first (it restarts with a full bucket); buckets are not persisted, so a restart
 *       refills them.
 * </ul>
 *
 * One instance per stream task; not thread-safe.
 */
public final class Admission {

    /** Runs whose point-rate buckets are kept (least recently active dropped first). */
    public static final int RATE_BUCKETS = 10_000;

    private final int maxRuns;
    private final double maxPointsPerSecond;
    /** Per-run token buckets {tokens, last refill ms}. */
    private final LruMap<String, double[]> buckets = new LruMap<>(RATE_BUCKETS, 1024);

    private long tracked;

    /**
     * Admission with nothing tracked.
     *
     * @param maxRunsPerPartition the run cap (positive)
     * @param maxPointsPerSecond the per-run point rate, 0 for none (finite, non-negative)
     */
    public Admission(int maxRunsPerPartition, double maxPointsPerSecond) {
        if (maxRunsPerPartition < 1) {
            throw new IllegalArgumentException("maxRunsPerPartition must be positive: " + maxRunsPerPartition);
        }
        if (!(maxPointsPerSecond >= 0) || Double.isInfinite(maxPointsPerSecond)) {
            throw new IllegalArgumentException("maxPointsPerSecond must be finite and ≥ 0: " + maxPointsPerSecond);
        }
        this.maxRuns = maxRunsPerPartition;
        this.maxPointsPerSecond = maxPointsPerSecond;
    }

    /** Sets the number of runs tracked (counted from the store when a task starts). */
    public void tracking(long runs) {
        this.tracked = runs;
    }

    /** Runs tracked. */
    public long tracked() {
        return tracked;
    }

    /** Whether the run cap is reached: a new run needs room first. */
    public boolean full() {
        return tracked >= maxRuns;
    }

    /** A new run was stored. */
    public void added() {
        tracked++;
    }

    /** A run was deleted (retention or eviction): one fewer tracked, its bucket dropped. */
    public void removed(String runId) {
        buckets.remove(runId);
        tracked--;
    }

    /**
     * The runs to evict to make room, in eviction order: finished runs, then stalled runs, each oldest last activity
     * first (a run never active counts as oldest); at most {@code max(1, cap / 100)}. Empty when none can go.
     */
    public List<String> victims(Iterable<RunState> states) {
        List<RunState> finished = new ArrayList<>();
        List<RunState> stalled = new ArrayList<>();
        for (RunState s : states) {
            if (s.finished()) {
                finished.add(s);
            } else if (s.openAlerts().contains(AlertType.STALLED)) {
                stalled.add(s);
            }
        }
        Comparator<RunState> oldestFirst =
                Comparator.comparing(s -> s.lastWallClock() == null ? Instant.MIN : s.lastWallClock());
        finished.sort(oldestFirst);
        stalled.sort(oldestFirst);
        List<RunState> candidates = new ArrayList<>(finished);
        candidates.addAll(stalled);
        int batch = Math.min(candidates.size(), Math.max(1, maxRuns / 100));
        List<String> ids = new ArrayList<>(batch);
        for (RunState victim : candidates.subList(0, batch)) {
            ids.add(victim.runId());
        }
        return ids;
    }

    /**
     * Takes one token from the run's bucket, refilled for the time since its last point.
     *
     * @return false when the bucket holds less than one token (the point is refused and takes nothing)
     */
    public boolean withinRate(String runId, long nowMs) {
        double rate = maxPointsPerSecond;
        if (rate <= 0) {
            return true;
        }
        double[] b = buckets.computeIfAbsent(runId, k -> new double[] {rate, nowMs});
        b[0] = Math.min(rate, b[0] + (nowMs - b[1]) / 1000.0 * rate);
        b[1] = nowMs;
        if (b[0] < 1) {
            return false;
        }
        b[0] -= 1;
        return true;
    }

    /** Whether a finished run has been idle longer than {@code retention} at {@code now} (and may be deleted). */
    public static boolean expired(RunState state, Duration retention, Instant now) {
        Instant last = state.lastWallClock();
        return state.finished() && last != null && last.plus(retention).isBefore(now);
    }

    /** The dead-letter reason of a new run refused at the cap. */
    public String capReason() {
        return "tracked-runs limit reached: " + tracked + " runs in this partition and none "
                + "finished or stalled to evict; raise limits.max.runs.per.partition or add partitions";
    }

    /** The dead-letter reason of a point refused by the rate limit. */
    public String rateReason(String runId) {
        return "point-rate limit: run " + runId + " sends more than " + maxPointsPerSecond
                + " points per second (limits.max.points.per.second)";
    }

    /** Rate buckets held (at most {@link #RATE_BUCKETS}). */
    int buckets() {
        return buckets.size();
    }
}
