package dev.satwatch.serve;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads alert transitions from {@code satwatch.alerts} on its own thread and hands each to a callback (the webhook
 * notifier), so that slow consumers of alerts never block the stream.
 *
 * <ul>
 *   <li>{@code isolation.level=read_committed}: with exactly-once processing, only transitions of committed
 *       transactions are real; aborted ones must not be announced.
 *   <li>Consumer group {@code <application.id>-webhooks}: instances of one application share the partitions, so
 *       each transition is handed over once across the application, not once per instance.
 *   <li>{@code auto.offset.reset=latest}: a first start announces new transitions only, not the topic's history.
 * </ul>
 *
 * Offsets are committed after the callback returned (it only queues), so a transition is handed over at least once
 * per restart. A record that does not parse is logged and skipped. {@link #close} stops the thread. Thread-safe.
 */
public final class AlertFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<Alert> sink;
    private final Thread thread;

    private AlertFeed(KafkaConsumer<String, byte[]> consumer, Consumer<Alert> sink) {
        this.consumer = consumer;
        this.sink = sink;
        this.thread = new Thread(this::loop, "satwatch-alert-feed");
        this.thread.setDaemon(true);
    }

    /** Starts reading; {@code sink} is called on the feed's thread and must return quickly. */
    public static AlertFeed start(SatwatchConfig config, Consumer<Alert> sink) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-webhooks");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        AlertFeed feed = new AlertFeed(consumer, sink);
        feed.thread.start();
        return feed;
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(Topics.ALERTS.name()));
            while (!Thread.currentThread().isInterrupted()) {
                var records = consumer.poll(Duration.ofSeconds(1));
                for (ConsumerRecord<String, byte[]> r : records) {
                    Alert alert;
                    try {
                        alert = Topics.ALERTS.deserialize(r.value());
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "satwatch.alerts offset {}: unreadable transition skipped: {}",
                                r.offset(),
                                e.getMessage());
                        continue;
                    }
                    if (alert != null) {
                        sink.accept(alert);
                    }
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // close() asked the loop to stop.
        } catch (RuntimeException e) {
            LOG.error("alert feed stopped: {}", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    /** Stops the feed and waits up to 10 seconds for its thread. */
    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
