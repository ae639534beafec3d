package dev.satwatch.stream;

import dev.satwatch.config.RunLimits;
import dev.satwatch.config.Topics;
import dev.satwatch.detect.DetectConfig;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import dev.satwatch.track.EventResult;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.Outcome;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-run step: applies each event to its run's {@link RunState} with {@link RunTracker} and forwards what the
 * tracker decided. Every decision is the tracker's; this class only loads and saves state, looks laws up and routes
 * output:
 *
 * <ul>
 *   <li>state: {@value StreamNames#RUN_STATE_STORE}, run_id → {@link RunState#toBytes()} (changelogged, so a
 *       restarted or moved task resumes where it stopped); the store is cached (one changelog write per run and
 *       commit) and the decoded states of recent runs are kept in a {@link RunStateCache} checked against the store's
 *       bytes on every event;
 *   <li>laws: the global {@value StreamNames#LAWS_STORE} through a {@link LawCache}, as the tracker's
 *       {@link LawLookup};
 *   <li>law changes: {@value StreamNames#RUN_LAW_STORE} keeps, per run, the version of the law it last used; when the
 *       setting's law now has another version (published, recalibrated or removed), {@link RunTracker#onLawChanged}
 *       runs before the next event or at the next sweep;
 *   <li>output: fits → {@value StreamNames#FITS_SINK}, alert transitions → {@value StreamNames#ALERTS_SINK} (key
 *       run_id, JSON of {@link Topics#FITS} and {@link Topics#ALERTS}); a finished run's fit set →
 *       {@value StreamNames#FINISHED_RUNS_SINK} keyed by setting, for the law calibrator;
 *   <li>a {@link PunctuationType#WALL_CLOCK_TIME} sweep every {@code sweepInterval} calls {@link
 *       RunTracker#onWallClock} on every run (STALLED, finish-by-timeout) and deletes finished runs idle for longer
 *       than {@code finishedRetention}.
 * </ul>
 *
 * Processing time for the tracker is {@code context.currentSystemTimeMs()} (the driver's mocked clock in tests).
 * Counts each event as accepted or duplicate, and tells the counters' listeners of every fit and alert, of the
 * duration of each tracker call that refitted, and of runs finishing or resuming. Input values are either a decoded
 * {@link RunEvent} (from {@value StreamNames#EVENT_PARSE}) or the bytes of a re-keyed record (validated upstream;
 * should the internal topic hold a record that does not parse, it is dead-lettered like any other). One instance per task; not thread-safe.
 */
public final class RunProcessor implements Processor<String, Object, String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(RunProcessor.class);

    private final RunTracker tracker;
    private final Duration sweepInterval;
    private final Duration finishedRetention;
    private final RunLimits limits;
    private final StreamCounters counters;
    /** Runs in this task's store (counted in init, kept up to date on create and delete). */
    private long tracked;
    /** Per-run token buckets {tokens, last refill ms} of the point-rate limit; bounded, rebuilt after a restart. */
    private Map<String, double[]> buckets;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, Long> lawVersions;
    private LawCache laws;
    private LawLookup lookup;
    private RunStateCache cache;

    /** Decoded states kept by this task ({@code streams.decoded.states} shared by the partitions). */
    private final int cachedStates;

    /** Runs whose point-rate buckets are kept per task (least recently active dropped first). */
    static final int RATE_BUCKETS = 10_000;

    /**
     * A processor.
     *
     * @param tracker the per-run decisions
     * @param sweepInterval wall-clock interval of the sweep (positive)
     * @param finishedRetention how long a finished run's state is kept after its last event
     * @param limits the per-partition run cap and the per-run point rate
     * @param cachedStates decoded run states this task keeps (positive): when every run of the task fits, no event
     *     decodes its run's state (at 10k runs that was a fifth of the stream thread, BENCHMARKS.md §6)
     * @param counters where to count results, fits and alerts
     */
    public RunProcessor(
            RunTracker tracker,
            Duration sweepInterval,
            Duration finishedRetention,
            RunLimits limits,
            int cachedStates,
            StreamCounters counters) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
        this.finishedRetention = Objects.requireNonNull(finishedRetention, "finishedRetention");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (cachedStates < 1) {
            throw new IllegalArgumentException("cachedStates must be positive: " + cachedStates);
        }
        this.cachedStates = cachedStates;
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(StreamNames.RUN_STATE_STORE);
        this.lawVersions = context.getStateStore(StreamNames.RUN_LAW_STORE);
        ReadOnlyKeyValueStore<String, byte[]> lawStore = context.getStateStore(StreamNames.LAWS_STORE);
        this.laws = new LawCache(lawStore);
        this.lookup = laws::law;
        // New per init: a closed or revived task must never see states cached before (exactly-once restarts).
        this.cache = new RunStateCache(cachedStates);
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > RATE_BUCKETS;
            }
        };
        this.tracked = 0;
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            while (it.hasNext()) {
                it.next();
                tracked++;
            }
        }
        // In event time (replays) the sweep follows the stream time of the events' timestamps, so silence is judged
        // between recorded events, not from the replayer's pacing.
        context.schedule(
                sweepInterval,
                eventTime() ? PunctuationType.STREAM_TIME : PunctuationType.WALL_CLOCK_TIME,
                this::sweep);
    }

    @Override
    public void process(Record<String, Object> record) {
        RunEvent event;
        if (record.value() instanceof RunEvent decoded) {
            event = decoded; // from event-parse, already validated
        } else {
            // From the re-keyed topic: bytes (null for a tombstone, which parse rejects).
            byte[] bytes = record.value() instanceof byte[] b ? b : null;
            ParseResult parsed = EventCodec.parse(bytes);
            if (parsed instanceof ParseResult.Invalid invalid) {
                counters.record(StreamCounters.Result.DEAD_LETTERED);
                context.forward(
                        DeadLetters.of(context, record.withValue(bytes), invalid), StreamNames.DEAD_LETTER_SINK);
                return;
            }
            event = ((ParseResult.Ok) parsed).event();
        }
        String runId = event.runId();
        long ts = record.timestamp();
        Instant now = Instant.ofEpochMilli(eventTime() ? ts : context.currentSystemTimeMs());
        byte[] stored = states.get(runId);
        if (stored == null && tracked >= limits.maxRunsPerPartition() && !evictToMakeRoom(now)) {
            reject(
                    record,
                    event,
                    "tracked-runs limit reached: " + tracked + " runs in this partition and none "
                            + "finished or stalled to evict; raise limits.max.runs.per.partition or add partitions");
            return;
        }
        if (event instanceof LossPoint && !withinRate(runId, now.toEpochMilli())) {
            reject(
                    record,
                    event,
                    "point-rate limit: run " + runId + " sends more than " + limits.maxPointsPerSecond()
                            + " points per second (limits.max.points.per.second)");
            return;
        }
        RunState state = cache.take(runId, stored);
        boolean wasFinished = state.finished();
        // Read once per event: nothing writes this store between the law check and rememberLaw.
        Long usedLaw = lawVersions.get(runId);
        applyLawChange(state, usedLaw, now, ts);
        Outcome outcome = timed(() -> tracker.onEvent(state, event, lookup, now));
        counters.record(
                outcome.result() == EventResult.DUPLICATE
                        ? StreamCounters.Result.DUPLICATE
                        : StreamCounters.Result.ACCEPTED);
        byte[] bytes = state.toBytes();
        states.put(runId, bytes);
        if (stored == null) {
            tracked++;
        }
        cache.put(runId, bytes, state);
        rememberLaw(state, usedLaw);
        emit(runId, outcome, ts);
        reportFinish(runId, wasFinished, state);
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.clear();
        }
    }

    private boolean eventTime() {
        return tracker.config().detect().clock() == DetectConfig.Clock.EVENT;
    }

    /** The wall-clock sweep: law changes, onWallClock, and deletion of finished runs past retention. */
    private void sweep(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, byte[]>> runs = new ArrayList<>();
        // Collect first: the store is written below, and iterators must not outlive the loop over them.
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            while (it.hasNext()) {
                runs.add(it.next());
            }
        }
        for (KeyValue<String, byte[]> kv : runs) {
            RunState state = cache.take(kv.key, kv.value);
            if (state.finished() && expired(state, now)) {
                forget(kv.key);
                continue;
            }
            boolean wasFinished = state.finished();
            Long usedLaw = lawVersions.get(kv.key);
            applyLawChange(state, usedLaw, now, wallClockMs);
            emit(kv.key, timed(() -> tracker.onWallClock(state, lookup, now)), wallClockMs);
            reportFinish(kv.key, wasFinished, state);
            byte[] after = state.toBytes();
            if (!Arrays.equals(after, kv.value)) {
                states.put(kv.key, after);
            }
            cache.put(kv.key, after, state);
            rememberLaw(state, usedLaw);
        }
    }

    /** Deletes a run's state (retention or eviction). */
    private void forget(String runId) {
        states.delete(runId);
        lawVersions.delete(runId);
        cache.remove(runId);
        buckets.remove(runId);
        tracked--;
    }

    /**
     * At the run cap: evicts finished runs, then stalled runs (STALLED open), oldest last activity first — a batch of
     * about 1 % of the cap, so that a full partition scans its store once per batch of new runs, not per new run.
     *
     * @return whether room was made
     */
    private boolean evictToMakeRoom(Instant now) {
        List<RunState> finished = new ArrayList<>();
        List<RunState> stalled = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                RunState s = RunState.fromBytes(kv.value);
                if (s.finished()) {
                    finished.add(s);
                } else if (s.openAlerts().contains(AlertType.STALLED)) {
                    stalled.add(s);
                }
            }
        }
        Comparator<RunState> oldestFirst =
                Comparator.comparing(s -> s.lastWallClock() == null ? Instant.MIN : s.lastWallClock());
        finished.sort(oldestFirst);
        stalled.sort(oldestFirst);
        List<RunState> victims = new ArrayList<>(finished);
        victims.addAll(stalled);
        int batch = Math.min(victims.size(), Math.max(1, limits.maxRunsPerPartition() / 100));
        for (RunState victim : victims.subList(0, batch)) {
            forget(victim.runId());
        }
        if (batch > 0) {
            counters.recordEvicted(batch);
            LOG.info(
                    "run cap {} reached in task {}: evicted {} finished/stalled runs (oldest first) at {}",
                    limits.maxRunsPerPartition(),
                    context.taskId(),
                    batch,
                    now);
        }
        return batch > 0;
    }

    /** Token bucket per run: {@code maxPointsPerSecond} per second, bursts up to one second's worth. */
    private boolean withinRate(String runId, long nowMs) {
        double rate = limits.maxPointsPerSecond();
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

    /** Dead-letters a valid event that a limit refused (re-encoded: the original bytes were parsed upstream). */
    private void reject(Record<String, Object> record, RunEvent event, String reason) {
        counters.record(StreamCounters.Result.DEAD_LETTERED);
        byte[] bytes = record.value() instanceof byte[] raw ? raw : EventCodec.toJson(event);
        context.forward(
                DeadLetters.of(context, record.withValue(bytes), new ParseResult.Invalid(reason, "run_id")),
                StreamNames.DEAD_LETTER_SINK);
    }

    private boolean expired(RunState state, Instant now) {
        Instant last = state.lastWallClock();
        return last != null && last.plus(finishedRetention).isBefore(now);
    }

    /** Calls onLawChanged when the run's setting's law differs from the one the run last used. */
    private void applyLawChange(RunState state, Long used, Instant now, long ts) {
        if (used == null) {
            return; // a new run: its first event uses the current law
        }
        if (used != laws.version(settingOf(state))) {
            emit(state.runId(), timed(() -> tracker.onLawChanged(state, lookup, now)), ts);
        }
    }

    /** Runs one tracker call; when it refitted, reports how long it took (the refit-duration timer). */
    private Outcome timed(Supplier<Outcome> call) {
        long start = System.nanoTime();
        Outcome outcome = call.get();
        if (!outcome.fits().isEmpty()) {
            counters.recordRefit(Duration.ofNanos(System.nanoTime() - start));
        }
        return outcome;
    }

    private void reportFinish(String runId, boolean wasFinished, RunState state) {
        if (!wasFinished && state.finished()) {
            counters.recordRunFinished(runId);
        } else if (wasFinished && !state.finished()) {
            counters.recordRunResumed(runId);
        }
    }

    private void rememberLaw(RunState state, Long used) {
        long current = laws.version(settingOf(state));
        if (used == null || used != current) {
            lawVersions.put(state.runId(), current);
        }
    }

    private static String settingOf(RunState state) {
        String setting = state.meta() == null ? null : state.meta().setting();
        return setting != null ? setting : RunTracker.DEFAULT_SETTING;
    }

    private void emit(String runId, Outcome outcome, long ts) {
        for (FitUpdate fit : outcome.fits()) {
            context.forward(new Record<>(runId, Topics.FITS.serialize(fit), ts), StreamNames.FITS_SINK);
            counters.recordFit(fit);
        }
        for (Alert alert : outcome.alerts()) {
            context.forward(new Record<>(runId, Topics.ALERTS.serialize(alert), ts), StreamNames.ALERTS_SINK);
            counters.recordAlert(alert);
        }
        if (outcome.finished() != null) {
            context.forward(
                    new Record<>(
                            outcome.finished().setting(),
                            Topics.FINISHED_RUNS.serialize(outcome.finished().run()),
                            ts),
                    StreamNames.FINISHED_RUNS_SINK);
        }
    }
}
