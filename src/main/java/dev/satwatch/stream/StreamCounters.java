package dev.satwatch.stream;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the topology keeps for reconciliation: every input record ends as exactly one of accepted, duplicate
 * or dead-lettered, so {@code input == accepted + duplicate + deadLettered} once the app is idle. Also counts alert
 * transitions by type and state, fit updates, and laws published. A later issue binds these to Micrometer; this
 * class stays free of any metrics library.
 *
 * <p>Thread-safe: every counter is a {@link LongAdder}, so stream threads of one instance share one object
 * without contention. Counts are per instance and start at zero on start-up.
 */
public final class StreamCounters {

    /** What became of one input record. */
    public enum Result {
        /** Parsed and applied to its run. */
        ACCEPTED,
        /** Parsed, but its run had already seen it; ignored. */
        DUPLICATE,
        /** Rejected and written to the dead-letter topic. */
        DEAD_LETTERED
    }

    private final LongAdder input = new LongAdder();
    private final Map<Result, LongAdder> results = new EnumMap<>(Result.class);
    private final Map<AlertType, LongAdder> opened = new EnumMap<>(AlertType.class);
    private final Map<AlertType, LongAdder> resolved = new EnumMap<>(AlertType.class);
    private final LongAdder fits = new LongAdder();
    private final LongAdder lawsPublished = new LongAdder();

    /** Counters all at zero. */
    public StreamCounters() {
        for (Result r : Result.values()) {
            results.put(r, new LongAdder());
        }
        for (AlertType t : AlertType.values()) {
            opened.put(t, new LongAdder());
            resolved.put(t, new LongAdder());
        }
    }

    void recordInput() {
        input.increment();
    }

    void record(Result result) {
        results.get(result).increment();
    }

    void recordAlert(Alert alert) {
        (alert.state() == Alert.State.OPEN ? opened : resolved)
                .get(alert.type())
                .increment();
    }

    void recordFit() {
        fits.increment();
    }

    void recordLawPublished() {
        lawsPublished.increment();
    }

    /** Records read from {@code satwatch.events}. */
    public long input() {
        return input.sum();
    }

    /** Records that ended with {@code result}. */
    public long count(Result result) {
        return results.get(result).sum();
    }

    /** Alerts of {@code type} opened. */
    public long alertsOpened(AlertType type) {
        return opened.get(type).sum();
    }

    /** Alerts of {@code type} resolved. */
    public long alertsResolved(AlertType type) {
        return resolved.get(type).sum();
    }

    /** Fit updates written. */
    public long fits() {
        return fits.sum();
    }

    /** Laws the calibrator published. */
    public long lawsPublished() {
        return lawsPublished.sum();
    }

    /** Input records not yet accounted for: 0 when every record reached an end (the reconciliation check). */
    public long unaccounted() {
        long done = 0;
        for (LongAdder a : results.values()) {
            done += a.sum();
        }
        return input() - done;
    }
}
