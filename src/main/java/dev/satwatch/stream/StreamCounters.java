package dev.satwatch.stream;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters the topology keeps for reconciliation: every input record ends as exactly one of accepted, duplicate
 * or dead-lettered, so {@code input == accepted + duplicate + deadLettered} once the app is idle. Also counts alert
 * transitions by type and state, fit updates, and laws published. This class stays free of any metrics library:
 * {@code metrics/SatwatchMetrics} reads the counts and registers itself as a {@link Listener} for the per-run
 * values (latest fit, alert transitions, refit durations, finished runs).
 *
 * <p>Thread-safe: every counter is a {@link LongAdder}, so stream threads of one instance share one object
 * without contention; listeners sit in a copy-on-write list. Counts are per instance and start at zero on start-up.
 */
public final class StreamCounters {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCounters.class);

    /**
     * Per-run updates, called on the stream thread that processed the run, right after the corresponding output was
     * forwarded. Several stream threads call one listener concurrently (for different runs), so implementations must
     * be thread-safe and quick. An exception a listener throws is logged and swallowed: monitoring output must not
     * stop a stream thread. Every method defaults to doing nothing.
     */
    public interface Listener {

        /** A fit update was written to {@code satwatch.fits}. */
        default void onFit(FitUpdate fit) {}

        /** An alert transition was written to {@code satwatch.alerts}. */
        default void onAlert(Alert alert) {}

        /** A tracker call that produced at least one fit took {@code elapsed} (the refit duration). */
        default void onRefit(Duration elapsed) {}

        /** The run finished (run_finished, or silence past the finish timeout). */
        default void onRunFinished(String runId) {}

        /** A run that had finished by silence received an event and is active again. */
        default void onRunResumed(String runId) {}
    }

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
    private final LongAdder evicted = new LongAdder();
    private final LongAdder lawsPublished = new LongAdder();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

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

    /** Adds a listener for per-run updates; it is called from stream threads from now on. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before (no effect when absent). */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
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
        for (Listener l : listeners) {
            notify(l, "onAlert", () -> l.onAlert(alert));
        }
    }

    void recordFit(FitUpdate fit) {
        fits.increment();
        for (Listener l : listeners) {
            notify(l, "onFit", () -> l.onFit(fit));
        }
    }

    void recordRefit(Duration elapsed) {
        for (Listener l : listeners) {
            notify(l, "onRefit", () -> l.onRefit(elapsed));
        }
    }

    void recordRunFinished(String runId) {
        for (Listener l : listeners) {
            notify(l, "onRunFinished", () -> l.onRunFinished(runId));
        }
    }

    void recordRunResumed(String runId) {
        for (Listener l : listeners) {
            notify(l, "onRunResumed", () -> l.onRunResumed(runId));
        }
    }

    private void notify(Listener listener, String method, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // A listener that fails once usually fails on every record: the stack trace once, then a debug line.
            if (failing.add(listener.getClass().getName() + "#" + method)) {
                LOG.warn(
                        "listener {} failed in {}; ignored (further failures are logged at debug)",
                        listener,
                        method,
                        e);
            } else {
                LOG.debug("listener {} failed in {}: {}", listener, method, e.toString());
            }
        }
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
    /** Runs evicted (finished or stalled, oldest first) to make room under {@code limits.max.runs.per.partition}. */
    public long evicted() {
        return evicted.sum();
    }

    void recordEvicted(long runs) {
        evicted.add(runs);
    }

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
