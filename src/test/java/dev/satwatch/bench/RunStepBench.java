package dev.satwatch.bench;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import dev.satwatch.track.TrackerConfig;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmarks of the run processor's per-event step without Kafka: {@link RunTracker#onEvent} on a run of
 * {@code points} logged points, with and without the {@link RunState} byte round trip around it.
 *
 * <ul>
 *   <li>{@code stepWithRoundTrip}: {@code fromBytes} → {@code onEvent} → {@code toBytes}, what every event cost
 *       before the processor kept decoded states;
 *   <li>{@code stepCached}: {@code onEvent} → {@code toBytes}, what an event of a cached run costs now;
 *   <li>{@code fromBytes} / {@code toBytes} alone.
 * </ul>
 *
 * The event is a new in-order point every call (a new step, so it is never a duplicate); each point past the run's
 * first decade rarely opens a bin, so most calls do not refit (every 32nd does), as in a long run. Each invocation
 * starts from the same state bytes (a fresh copy per invocation, Level.Invocation setup is fine at these µs times).
 *
 * <pre>
 * scripts/jmh RunStepBench -f 1 -wi 3 -w 1 -i 5 -r 1 -bm avgt -tu us
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RunStepBench {

    private static final long TOKENS_PER_STEP = 1L << 22;
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** Points the run has logged before the measured one. */
    @Param({"20", "2000"})
    public int points;

    private final RunTracker tracker = RunTracker.create(TrackerConfig.defaults());
    private byte[] bytes;
    private RunState state;
    private long step;
    private int calls;

    @Setup(Level.Trial)
    public void setUpRun() {
        RunState s = RunState.create("bench-run-000001");
        tracker.onEvent(
                s,
                new RunStarted(s.runId(), T0, new RunMeta("bench", null, 1e11, 1e9, 5e10, TOKENS_PER_STEP)),
                LawLookup.NONE,
                T0);
        for (int i = 1; i <= points; i++) {
            tracker.onEvent(s, point(i * 10L), LawLookup.NONE, T0.plusSeconds(i));
        }
        bytes = s.toBytes();
        step = points * 10L;
    }

    @Setup(Level.Invocation)
    public void setUpState() {
        state = RunState.fromBytes(bytes);
    }

    private LossPoint point(long s) {
        double d2 = (double) s * TOKENS_PER_STEP;
        double loss = 1.8 + 1.2 * Math.pow(d2 / 1e9, -0.3) * (1 + 0.002 * Math.sin(s));
        return new LossPoint("bench-run-000001", T0, s, d2, loss, LossPoint.VAL, 3e-4, RunMeta.EMPTY);
    }

    /** The next point: steps continue past the logged ones (never a duplicate), cycling so D2 stays bounded. */
    private LossPoint nextPoint() {
        calls = (calls + 1) % 1000;
        return point(step + 1 + calls);
    }

    @Benchmark
    public byte[] stepWithRoundTrip() {
        RunState s = RunState.fromBytes(bytes);
        tracker.onEvent(s, nextPoint(), LawLookup.NONE, T0);
        return s.toBytes();
    }

    @Benchmark
    public byte[] stepCached() {
        tracker.onEvent(state, nextPoint(), LawLookup.NONE, T0);
        return state.toBytes();
    }

    @Benchmark
    public RunState fromBytes() {
        return RunState.fromBytes(bytes);
    }

    @Benchmark
    public byte[] toBytes() {
        return state.toBytes();
    }
}
