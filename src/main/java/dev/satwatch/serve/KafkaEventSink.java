package dev.satwatch.serve;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.http.EventSink;
import dev.satwatch.serde.ApiJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The {@link EventSink} of {@code POST /api/events}: publishes each line to {@code satwatch.events} keyed by its run
 * id (null for an invalid line, which the app dead-letters), then waits for the acknowledgements so that a 202 means
 * the broker has the lines. Idempotent producer with {@code acks=all}: a retried send never duplicates a line.
 * Thread-safe (the Kafka producer is).
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;

    /** A sink on the brokers of {@code config}. */
    public KafkaEventSink(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "satwatch-http-ingest");
        // An HTTP client should hear "cannot reach Kafka" in seconds, not after the default minute.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        this.producer = new KafkaProducer<>(
                p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    @Override
    public void publish(List<ApiJson.IngestLine> lines) throws EventSinkException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
        try {
            for (ApiJson.IngestLine line : lines) {
                acks.add(producer.send(new ProducerRecord<>(Topics.EVENTS.name(), line.runId(), line.value())));
            }
            long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
            for (Future<RecordMetadata> f : acks) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new EventSinkException(
                    "Kafka refused an event: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new EventSinkException(
                    "Kafka did not acknowledge the events in " + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventSinkException("interrupted", e);
        } catch (RuntimeException e) {
            // send() throws synchronously when metadata cannot be fetched in max.block.ms, or for a bad record.
            throw new EventSinkException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
