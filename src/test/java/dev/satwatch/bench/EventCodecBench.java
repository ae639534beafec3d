package dev.satwatch.bench;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmarks of {@link EventCodec} on the record {@code satwatch bench} produces (a loss point of about 150 bytes
 * with an ISO timestamp): the parse every event pays once in the topology, and the encode producers pay.
 *
 * <pre>
 * scripts/jmh EventCodecBench -f 1 -wi 3 -w 1 -i 5 -r 1 -bm avgt -tu ns
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventCodecBench {

    private LossPoint event;
    private byte[] record;

    @Setup
    public void setUp() {
        event = new LossPoint(
                "bench-run-004217",
                Instant.parse("2026-11-26T10:15:30.123Z"),
                1_230,
                1_230 * 4_194_304.0,
                2.3456789012345,
                LossPoint.VAL,
                3e-4,
                RunMeta.EMPTY);
        record = EventCodec.toJson(event);
        if (!(EventCodec.parse(record) instanceof ParseResult.Ok ok)
                || !ok.event().equals(event)) {
            throw new IllegalStateException("round trip failed");
        }
    }

    /** Decodes one loss record (the topology's per-event parse). */
    @Benchmark
    public ParseResult parseLoss() {
        return EventCodec.parse(record);
    }

    /** Encodes one loss event (what a producer pays). */
    @Benchmark
    public byte[] encodeLoss() {
        return EventCodec.toJson(event);
    }
}
