package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Load for the fault tests: publishes (key, value bytes) records to {@code satwatch.events} in order, {@code batch}
 * records every {@code period} on a scheduler thread, so that faults happen while records keep arriving. The
 * producer is idempotent with {@code acks=all}: while the broker is down its sends wait in the producer's buffer and
 * are retried (for up to the default 120 s delivery timeout) without duplicates or reordering, so the topic ends up
 * holding every record exactly once, in order.
 *
 * <p>Thread-safe: the scheduler thread sends; any thread may read {@link #sent()} or wait in {@link #awaitAcked}.
 */
final class FaultsPublisher implements AutoCloseable {

    private final List<Map.Entry<String, byte[]>> records;
    private final int batch;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger sent = new AtomicInteger();
    private final ConcurrentLinkedQueue<Future<RecordMetadata>> acks = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> allSent = new CompletableFuture<>();

    private FaultsPublisher(SatwatchConfig config, List<Map.Entry<String, byte[]>> records, int batch) {
        this.records = List.copyOf(records);
        this.batch = batch;
        Properties p = config.kafkaProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(
                p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "faults-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts publishing {@code records}, {@code batch} of them every {@code period}, beginning at once. */
    static FaultsPublisher start(
            SatwatchConfig config, List<Map.Entry<String, byte[]>> records, int batch, Duration period) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        FaultsPublisher publisher = new FaultsPublisher(config, records, batch);
        publisher.scheduler.scheduleAtFixedRate(publisher::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return publisher;
    }

    private void tick() {
        if (allSent.isDone()) {
            return;
        }
        try {
            int from = sent.get();
            int to = Math.min(records.size(), from + batch);
            for (int i = from; i < to; i++) {
                Map.Entry<String, byte[]> r = records.get(i);
                acks.add(producer.send(new ProducerRecord<>(Topics.EVENTS.name(), r.getKey(), r.getValue())));
                sent.incrementAndGet();
            }
            if (to == records.size()) {
                producer.flush();
                allSent.complete(null);
            }
        } catch (RuntimeException e) {
            // A failed send ends the load; awaitAcked reports it instead of the scheduler swallowing it.
            allSent.completeExceptionally(e);
        }
    }

    /** How many records were handed to the producer so far (not necessarily acknowledged yet). */
    int sent() {
        return sent.get();
    }

    /** How many records this publisher publishes in all. */
    int total() {
        return records.size();
    }

    /** Waits until every record was sent and acknowledged by the broker; throws the first failure. */
    void awaitAcked(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        allSent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (Future<RecordMetadata> ack : acks) {
            ack.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(10));
    }
}
