package dev.satwatch.stream;

import dev.satwatch.serde.DeadLetter;
import dev.satwatch.serde.ParseResult;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: the original key and value unchanged, the reason in {@link DeadLetter} headers. */
final class DeadLetters {

    private DeadLetters() {}

    /**
     * The dead-letter record for {@code record}: its key, value and timestamp unchanged, its headers plus the
     * {@code satwatch.dlq.*} headers (replacing any of those names already present).
     */
    static Record<String, byte[]> of(
            ProcessingContext context, Record<String, byte[]> record, ParseResult.Invalid why) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        DeadLetter letter = source == null
                ? DeadLetter.of(why, null, -1, -1L)
                : DeadLetter.of(why, source.topic(), source.partition(), source.offset());
        Headers headers = new RecordHeaders(record.headers().toArray());
        letter.headers().forEach((name, value) -> {
            headers.remove(name);
            headers.add(name, value);
        });
        return record.withHeaders(headers);
    }
}
