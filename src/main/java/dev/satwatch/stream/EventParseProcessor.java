package dev.satwatch.stream;

import dev.satwatch.config.Topics;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First step of the topology: validates each {@code satwatch.events} record, and each record coming back from the
 * re-keyed topic, with {@link EventCodec#parse(byte[])} and routes it:
 *
 * <ul>
 *   <li>invalid → {@value StreamNames#DEAD_LETTER_SINK} with the reason in {@code satwatch.dlq.*} headers;
 *   <li>valid, record key equal to the event's {@code run_id} (the normal case) → {@value StreamNames#RUN_PROCESSOR},
 *       with the decoded {@link RunEvent} as the value (the run processor does not parse again);
 *   <li>valid, key different or absent → re-keyed by {@code run_id} to {@value StreamNames#EVENTS_BY_RUN_SINK}.
 *       That internal topic has as many partitions as {@code satwatch.events} and Kafka's default partitioner
 *       hashes the run_id as a producer keying by run_id would, so the event reaches the task that owns its run's
 *       state (the DSL's repartition step, by hand). Its order relative to the run's correctly keyed events is not
 *       guaranteed; the tracker treats it as any out-of-order event. Read back from that topic, it comes through here
 *       again (parsed a second time, not counted as input again) and goes to the run processor.
 * </ul>
 *
 * Dead letters and re-keyed records carry the ORIGINAL bytes. The edge to the run processor carries the decoded
 * {@link RunEvent} instead (so the output value type is {@code Object}): the run processor never parses, and has one
 * typed input, and a correctly keyed event is parsed once (BENCHMARKS.md §6).
 *
 * <p>Counts every input record ({@link StreamCounters#input()}) and every dead letter. One instance per task; not
 * thread-safe (Kafka Streams calls it from one thread).
 */
public final class EventParseProcessor implements Processor<String, byte[], String, Object> {

    private final StreamCounters counters;
    private ProcessorContext<String, Object> context;

    /** A processor counting into {@code counters}. */
    public EventParseProcessor(StreamCounters counters) {
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        boolean rekeyed = context.recordMetadata()
                .map(m -> Topics.EVENTS_BY_RUN.name().equals(m.topic()))
                .orElse(false);
        if (!rekeyed) {
            counters.recordInput(); // a re-keyed record was counted when it first arrived
        }
        ParseResult parsed = EventCodec.parse(record.value());
        if (parsed instanceof ParseResult.Invalid invalid) {
            counters.record(StreamCounters.Result.DEAD_LETTERED);
            context.forward(DeadLetters.of(context, record, invalid), StreamNames.DEAD_LETTER_SINK);
            return;
        }
        RunEvent event = ((ParseResult.Ok) parsed).event();
        String runId = event.runId();
        if (rekeyed || runId.equals(record.key())) {
            context.forward(record.withKey(runId).withValue(event), StreamNames.RUN_PROCESSOR);
        } else {
            context.forward(record.withKey(runId), StreamNames.EVENTS_BY_RUN_SINK);
        }
    }
}
