package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.detect.DetectConfig;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.track.Admission;
import dev.satwatch.track.Outcome;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The per-run step: load the run's {@link RunState} ({@link RunStore}), apply the event with {@link RunTracker}, save,
 * forward ({@link RunOutput}). Decisions are pure code: the tracker's, and {@link Admission}'s (run cap, point rate; a
 * refused event is dead-lettered). Input: the decoded events of {@value StreamNames#EVENT_PARSE}, re-keyed ones too.
 * {@link LawVersions} has {@link RunTracker#onLawChanged} called first when a run's law changed. A sweep every {@code
 * punctuation.interval} calls {@link RunTracker#onWallClock} on every run and deletes finished runs past retention. The
 * clock is {@code context.currentSystemTimeMs()}, or the record timestamps in event time. One per task; not thread-safe.
 */
public final class RunProcessor implements Processor<String, RunEvent, String, byte[]> {

    private final RunTracker tracker;
    private final SatwatchConfig config;
    private final StreamCounters counters;

    private ProcessorContext<String, byte[]> context;
    private RunStore store;
    private LawVersions lawVersions;
    private LawCache laws;
    private Admission admission;
    private RunOutput out;

    /** A processor applying {@code tracker} with {@code config}'s sweep, retention, limits and cache size. */
    public RunProcessor(RunTracker tracker, SatwatchConfig config, StreamCounters counters) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.config = Objects.requireNonNull(config, "config");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        // New per init: a closed or revived task must never see states cached before (exactly-once restarts).
        int cached = config.stores().decodedStatesPerTask(config.topicPartitions());
        this.store = new RunStore(context.getStateStore(StreamNames.RUN_STATE_STORE), cached);
        this.laws = new LawCache(context.getStateStore(StreamNames.LAWS_STORE));
        this.lawVersions = new LawVersions(context.getStateStore(StreamNames.RUN_LAW_STORE), laws);
        this.admission = new Admission(
                config.limits().maxRunsPerPartition(), config.limits().maxPointsPerSecond());
        this.admission.tracking(store.all().size());
        this.out = new RunOutput(context, counters);
        // In event time (replays) the sweep follows the stream time of the events' timestamps.
        PunctuationType clock = eventTime() ? PunctuationType.STREAM_TIME : PunctuationType.WALL_CLOCK_TIME;
        context.schedule(config.punctuationInterval(), clock, this::sweep);
    }

    @Override
    public void process(Record<String, RunEvent> record) {
        RunEvent event = record.value();
        String runId = event.runId();
        long ts = record.timestamp();
        Instant now = Instant.ofEpochMilli(eventTime() ? ts : context.currentSystemTimeMs());
        byte[] stored = store.bytes(runId);
        if (stored == null && admission.full() && !evictToMakeRoom(now)) {
            out.reject(record, admission.capReason());
            return;
        }
        if (event instanceof LossPoint && !admission.withinRate(runId, now.toEpochMilli())) {
            out.reject(record, admission.rateReason(runId));
            return;
        }
        step(runId, stored, state -> tracker.onEvent(state, event, laws, now), now, ts, true);
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    private boolean eventTime() {
        return tracker.config().detect().clock() == DetectConfig.Clock.EVENT;
    }

    /** The sweep: onWallClock on every run, and deletion of finished runs past retention. */
    private void sweep(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        for (KeyValue<String, byte[]> kv : store.all()) {
            RunState state = store.take(kv.key, kv.value);
            if (Admission.expired(state, config.finishedRunRetention(), now)) {
                forget(kv.key);
            } else {
                store.untouched(kv.key, kv.value, state); // taken again by the step
                step(kv.key, kv.value, s -> tracker.onWallClock(s, laws, now), now, wallClockMs, false);
            }
        }
    }

    /**
     * One tracker call on a run: onLawChanged first when its law changed, then {@code call}; counts an event as accepted
     * or duplicate, saves the state (always after an event, only when changed in a sweep) and forwards the outcome.
     */
    private void step(
            String runId, byte[] stored, Function<RunState, Outcome> call, Instant now, long ts, boolean event) {
        RunState state = store.take(runId, stored);
        boolean wasFinished = state.finished();
        Long usedLaw = lawVersions.used(runId); // read once: nothing writes it before remember
        if (lawVersions.changed(state, usedLaw)) {
            out.emit(runId, out.timed(() -> tracker.onLawChanged(state, laws, now)), ts);
        }
        Outcome outcome = out.timed(() -> call.apply(state));
        if (event) {
            out.count(outcome);
        }
        store.save(runId, stored, state, event);
        if (stored == null) {
            admission.added();
        }
        lawVersions.remember(state, usedLaw);
        out.emit(runId, outcome, ts);
        out.reportFinish(runId, wasFinished, state);
    }

    private void forget(String runId) {
        store.delete(runId);
        lawVersions.forget(runId);
        admission.removed(runId);
    }

    /** At the run cap: evicts the batch {@link Admission#victims} names; returns whether room was made. */
    private boolean evictToMakeRoom(Instant now) {
        List<String> victims = admission.victims(store.decodeAll());
        victims.forEach(this::forget);
        if (!victims.isEmpty()) {
            out.evicted(victims.size(), config.limits().maxRunsPerPartition(), now);
        }
        return !victims.isEmpty();
    }
}
