package dev.satwatch.stream;

import static org.awaitility.Awaitility.await;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.sim.TimedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;

/**
 * Broker-side chores of {@link StreamingIT}: the app configuration of one test, a clean set of satwatch topics
 * before each test (the topic names are fixed and the broker is shared by the class), and an idempotent producer
 * of events keyed by run_id. Stateless; not for concurrent use on the same broker.
 */
final class StreamingFixture {

    /** Deadline of every wait on the broker or the app (generous: the machine is shared). */
    static final Duration WAIT = Duration.ofSeconds(90);

    private StreamingFixture() {}

    /**
     * The app's configuration for one instance. Settings that differ from the defaults:
     *
     * <ul>
     *   <li>4 partitions, so that two instances each get tasks;
     *   <li>a 100 ms commit interval: with exactly_once_v2 outputs are visible only after a commit;
     *   <li>a 500 ms sweep, so STALLED (when {@code extra} shortens {@code detect.stalled.after}) opens promptly;
     *   <li>calibration out of reach ({@code law.min.runs} 10000): a law published mid-test would change
     *       later fits and alerts at a moment that depends on timing, and the tests compare against a fixed
     *       reference; laws come only from {@code laws} (or none when null).
     * </ul>
     */
    static SatwatchConfig config(
            EmbeddedKafka kafka, String applicationId, Path stateDir, Path laws, Map<String, String> extra) {
        return SatwatchConfigLoader.create()
                .withOverrides(settings(kafka, applicationId, stateDir, laws, extra))
                .load();
    }

    /**
     * The keys and values {@link #config} loads, for an instance started elsewhere ({@code satwatch run --set k=v}
     * in a child JVM).
     */
    static Map<String, String> settings(
            EmbeddedKafka kafka, String applicationId, Path stateDir, Path laws, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        o.put("application.id", applicationId);
        o.put("topics.partitions", "4");
        o.put("laws.file", laws == null ? "" : laws.toString());
        o.put("streams.state.dir", stateDir.toString());
        o.put("streams.commit.interval", "100ms");
        o.put("streams.punctuation.interval", "500ms");
        o.put("calibration.max.runs", "10000");
        o.put("law.min.runs", "10000");
        o.putAll(extra);
        return Map.copyOf(o);
    }

    /**
     * Closes the app cleanly and leaves its consumer group at once. Kafka Streams' default close stays in the group
     * (good for a rolling bounce), so the next instance would wait a whole session timeout (45 s) before it gets the
     * tasks; a test that restarts or scales down does not need to pay that.
     *
     * @return whether it stopped within {@link #WAIT}
     */
    static boolean closeLeavingGroup(SatwatchApp app) {
        return app.streams()
                .close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(WAIT));
    }

    /** Deletes every satwatch topic that exists and waits until the broker no longer lists them. */
    static void deleteSatwatchTopics(EmbeddedKafka kafka) throws Exception {
        Set<String> ours = Topics.ALL.stream().map(Topics.Topic::name).collect(Collectors.toSet());
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> doomed =
                    existing.stream().filter(ours::contains).sorted().toList();
            if (doomed.isEmpty()) {
                return;
            }
            admin.deleteTopics(doomed).all().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            await().atMost(WAIT)
                    .until(() -> admin.listTopics().names().get().stream().noneMatch(ours::contains));
        }
    }

    /**
     * Publishes {@code events} in order to {@code satwatch.events}, keyed by run_id, with an idempotent producer
     * (acks=all, so a retried send neither duplicates nor reorders a run's events), and waits for every ack.
     */
    static void publish(SatwatchConfig config, List<TimedEvent> events) throws Exception {
        publishRaw(
                config,
                events.stream()
                        .map(TimedEvent::event)
                        .map(e -> Map.entry(e.runId(), EventCodec.toJson(e)))
                        .toList());
    }

    /** Publishes (key, value bytes) pairs in order, as {@link #publish} does. */
    static void publishRaw(SatwatchConfig config, List<Map.Entry<String, byte[]>> records) throws Exception {
        Properties p = config.kafkaProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                p, Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                acks.add(producer.send(new ProducerRecord<>(Topics.EVENTS.name(), r.getKey(), r.getValue())));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The run's events of {@code events}, in order. */
    static List<RunEvent> eventsOf(List<TimedEvent> events, String runId) {
        return events.stream()
                .map(TimedEvent::event)
                .filter(e -> e.runId().equals(runId))
                .toList();
    }
}
