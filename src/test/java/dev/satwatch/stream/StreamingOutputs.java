package dev.satwatch.stream;

import static org.awaitility.Awaitility.await;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Everything the app committed to {@code satwatch.fits} and {@code satwatch.alerts}, read from the beginning with
 * {@code read_committed} (as a real consumer would: aborted transactions stay invisible). {@link #awaitAsserted}
 * polls until assertions on what was read so far pass. Not thread-safe (one test thread).
 */
final class StreamingOutputs implements AutoCloseable {

    /** One alert transition: what must be neither lost nor repeated. */
    record Transition(String runId, AlertType type, int sequence, Alert.State state) {
        static Transition of(Alert a) {
            return new Transition(a.runId(), a.type(), a.sequence(), a.state());
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<FitUpdate> fits = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();

    StreamingOutputs(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "streaming-it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(
                p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        consumer.subscribe(List.of(Topics.FITS.name(), Topics.ALERTS.name()));
    }

    /**
     * Polls until {@code check} passes on what was read, failing with its last assertion error after {@link
     * StreamingFixture#WAIT}.
     */
    StreamingOutputs awaitAsserted(Consumer<StreamingOutputs> check) {
        await().atMost(StreamingFixture.WAIT)
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    poll();
                    check.accept(this);
                });
        return this;
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(Topics.FITS.name())) {
                fits.add(Topics.FITS.deserialize(r.value()));
            } else {
                alerts.add(Topics.ALERTS.deserialize(r.value()));
            }
        }
    }

    /** Every fit read, in the order read. */
    List<FitUpdate> fits() {
        return List.copyOf(fits);
    }

    /** Every alert transition read, in the order read. */
    List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    /** The fits of one run, in the order read. */
    List<FitUpdate> fitsOf(String runId) {
        return fits.stream().filter(f -> f.runId().equals(runId)).toList();
    }

    /** The alerts of one run, in the order read. */
    List<Alert> alertsOf(String runId) {
        return alerts.stream().filter(a -> a.runId().equals(runId)).toList();
    }

    /** Per run, its fit with the highest sequence. */
    Map<String, FitUpdate> lastFits() {
        Map<String, FitUpdate> last = new LinkedHashMap<>();
        fits.stream().sorted(Comparator.comparingLong(FitUpdate::sequence)).forEach(f -> last.put(f.runId(), f));
        return last;
    }

    /** Every transition read, in the order read (duplicates kept, so a test can look for them). */
    List<Transition> transitions() {
        return alerts.stream().map(Transition::of).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
