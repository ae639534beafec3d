package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.SyntheticRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app against a real in-process KRaft broker: creates its topics (laws compacted), seeds the law file, reaches
 * RUNNING with exactly_once_v2, and turns a run's events into fits that use the seeded law.
 */
class SatwatchAppIT {

    private static final ReuseLaw LAW = new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void shouldCreateTopicsSeedLawsAndPublishFitsThatUseTheSeededLaw() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(2).build().start()) {
            Path laws = dir.resolve("laws.json");
            LawJson.write(laws, List.of(LawJson.Entry.of("synthetic", LAW)));
            SatwatchConfig config = SatwatchConfigLoader.create()
                    .withOverrides(Map.of(
                            "kafka.bootstrap.servers", kafka.bootstrapServers(),
                            "application.id", "satwatch-it-" + UUID.randomUUID(),
                            "topics.partitions", "2",
                            "laws.file", laws.toString(),
                            "streams.state.dir", dir.resolve("state").toString()))
                    .load();

            try (SatwatchApp app = SatwatchApp.start(config, new StreamCounters())) {
                assertThat(app.awaitRunning(WAIT)).isTrue();
                assertLawsTopicIsCompacted(config);

                SyntheticRun run = SyntheticRun.typical("it-run", LAW, 300e9, 20e9, 51);
                List<RunEvent> events = new ArrayList<>();
                events.add(run.started(null));
                List<LossPoint> points = run.points(0.6);
                events.addAll(points);
                produce(config, events);

                List<FitUpdate> fits = new ArrayList<>();
                try (KafkaConsumer<String, FitUpdate> consumer = consumer(config)) {
                    consumer.subscribe(List.of(Topics.FITS.name()));
                    await().atMost(WAIT).until(() -> {
                        for (ConsumerRecord<String, FitUpdate> r : consumer.poll(Duration.ofMillis(200))) {
                            fits.add(r.value());
                        }
                        return fits.stream().anyMatch(f -> Double.isFinite(f.alphaPredicted()));
                    });
                }
                FitUpdate withLaw = fits.stream()
                        .filter(f -> Double.isFinite(f.alphaPredicted()))
                        .findFirst()
                        .orElseThrow();
                assertThat(withLaw.runId()).isEqualTo("it-run");
                assertThat(withLaw.alphaPredicted())
                        .isCloseTo(LAW.alphaAt(300), org.assertj.core.data.Offset.offset(1e-12));
                await().atMost(WAIT).until(() -> app.counters().input() == events.size());
                assertThat(app.counters().unaccounted()).isZero();
            }
        }
    }

    private static void assertLawsTopicIsCompacted(SatwatchConfig config) throws Exception {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, Topics.LAWS.name());
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.listTopics().names().get())
                    .containsAll(Topics.ALL.stream().map(Topics.Topic::name).toList());
        }
    }

    private static void produce(SatwatchConfig config, List<RunEvent> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                config.kafkaProperties(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer())) {
            for (RunEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS.name(), e.runId(), EventCodec.toJson(e)));
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<String, FitUpdate> consumer(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Fits are written in transactions: read only committed ones, as a real consumer would.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(
                p, Serdes.String().deserializer(), Topics.FITS.valueSerde().deserializer());
    }
}
