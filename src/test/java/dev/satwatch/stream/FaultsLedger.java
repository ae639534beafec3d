package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.track.EventResult;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The reconciliation identity of the fault tests: {@code input = accepted + duplicates + deadLettered}, as counts.
 * {@link #expected} says what an undisturbed app must count for an input (the same direct {@link RunTracker} drive
 * as {@link StreamingReference}, counting its results, plus the malformed records that the parser dead-letters);
 * {@link #of(StreamCounters...)} reads what live instances counted.
 *
 * @param input records read from {@code satwatch.events}
 * @param accepted records applied to their run
 * @param duplicates records their run had already seen
 * @param deadLettered records written to the dead-letter topic
 */
record FaultsLedger(long input, long accepted, long duplicates, long deadLettered) {

    /** What an undisturbed app counts for {@code valid} events (in publication order) plus {@code malformed}. */
    static FaultsLedger expected(
            SatwatchConfig config, Map<String, ReuseLaw> laws, List<TimedEvent> valid, int malformed) {
        RunTracker tracker = RunTracker.create(config.tracker());
        LawLookup lookup = laws::get;
        long accepted = 0;
        long duplicates = 0;
        List<String> runIds =
                valid.stream().map(e -> e.event().runId()).distinct().toList();
        for (String runId : runIds) {
            byte[] stored = RunState.create(runId).toBytes();
            for (RunEvent event : StreamingFixture.eventsOf(valid, runId)) {
                RunState state = RunState.fromBytes(stored);
                if (tracker.onEvent(state, event, lookup, Instant.now()).result() == EventResult.DUPLICATE) {
                    duplicates++;
                } else {
                    accepted++;
                }
                stored = state.toBytes();
            }
        }
        return new FaultsLedger(valid.size() + (long) malformed, accepted, duplicates, malformed);
    }

    /** The sums over {@code counters} (instances of one application). */
    static FaultsLedger of(StreamCounters... counters) {
        long input = 0;
        long accepted = 0;
        long duplicates = 0;
        long deadLettered = 0;
        for (StreamCounters c : counters) {
            input += c.input();
            accepted += c.count(StreamCounters.Result.ACCEPTED);
            duplicates += c.count(StreamCounters.Result.DUPLICATE);
            deadLettered += c.count(StreamCounters.Result.DEAD_LETTERED);
        }
        return new FaultsLedger(input, accepted, duplicates, deadLettered);
    }

    /** Whether every record read has an end: {@code input == accepted + duplicates + deadLettered}. */
    boolean balanced() {
        return input == accepted + duplicates + deadLettered;
    }
}
