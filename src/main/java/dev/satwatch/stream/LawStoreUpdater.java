package dev.satwatch.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global {@value StreamNames#LAWS_STORE} equal to the compacted {@code satwatch.laws} topic: puts each
 * record's value bytes unchanged under its setting, deletes on a tombstone. Values are stored as published, not
 * parsed, because Kafka Streams restores a global store from the topic's raw bytes without calling this
 * processor; {@link LawCache} parses (and reports bad documents) on read. One instance per global thread.
 */
public final class LawStoreUpdater implements Processor<String, byte[], Void, Void> {

    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StreamNames.LAWS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
