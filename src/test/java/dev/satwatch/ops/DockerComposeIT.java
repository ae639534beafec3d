package dev.satwatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.sim.SyntheticRun;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * docker/docker-compose.yml against the code: its topic-init service creates exactly the app's topics (compaction
 * included), every {@code SATWATCH_*} variable it or the Dockerfile sets names a real configuration key, and (with a
 * Docker engine) the app runs against the compose file's own Kafka image, started by Testcontainers' Kafka module.
 * The Docker test is skipped, with the reason, where no engine runs; the file checks always run.
 */
class DockerComposeIT {

    private static final Path COMPOSE = Path.of("docker", "docker-compose.yml");
    private static final Path DOCKERFILE = Path.of("docker", "Dockerfile");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern KAFKA_IMAGE = Pattern.compile("image:\\s*(apache/kafka:\\S+)");
    private static final Pattern CREATE = Pattern.compile("^\\s*create (\\S+)(.*)$", Pattern.MULTILINE);
    private static final Pattern ENV = Pattern.compile("\\b(SATWATCH_[A-Z0-9_]+)[:=]");

    @TempDir
    Path dir;

    @Test
    void shouldCreateExactlyTheAppsTopicsInTheTopicInitService() throws IOException {
        Map<String, Boolean> compactedByName = new TreeMap<>();
        Matcher m = CREATE.matcher(compose());
        while (m.find()) {
            compactedByName.put(m.group(1), m.group(2).contains("cleanup.policy=compact"));
        }
        Map<String, Boolean> expected = new TreeMap<>();
        Topics.ALL.forEach(t -> expected.put(t.name(), t.compacted()));
        assertThat(compactedByName).isEqualTo(expected);
    }

    @Test
    void shouldSetOnlyKnownConfigurationKeysThroughTheEnvironment() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (String text : List.of(compose(), Files.readString(DOCKERFILE, StandardCharsets.UTF_8))) {
            Matcher m = ENV.matcher(text);
            while (m.find()) {
                keys.add(m.group(1)
                        .substring(SatwatchConfigLoader.ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.'));
            }
        }
        // The loader ignores unknown SATWATCH_* variables (the environment carries unrelated ones), so a typo in
        // the compose file would go unnoticed at run time: check the names here.
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(key.startsWith("kafka.")
                        || SatwatchConfigLoader.defaultValues().containsKey(key))
                .as("SATWATCH_ variable for '%s' names a configuration key", key)
                .isTrue());
    }

    @Test
    void shouldRunTheBrokerAtTheVersionOfTheKafkaClients() throws IOException {
        // The app's clients and the embedded broker of `demo` and the tests are kafka.version (pom.xml).
        Matcher image = KAFKA_IMAGE.matcher(compose());
        List<String> tags = new ArrayList<>();
        while (image.find()) {
            tags.add(image.group(1).substring("apache/kafka:".length()));
        }
        assertThat(tags).isNotEmpty().containsOnly(AppInfoParser.getVersion());
    }

    @Test
    void shouldFitARunAgainstTheComposeKafkaImage() throws Exception {
        Assumptions.assumeTrue(
                DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine is running: the compose Kafka image cannot be started here");
        Matcher image = KAFKA_IMAGE.matcher(compose());
        assertThat(image.find()).as("an apache/kafka image in %s", COMPOSE).isTrue();
        try (KafkaContainer kafka = new KafkaContainer(image.group(1))) {
            kafka.start();
            SatwatchConfig config = SatwatchConfigLoader.create()
                    .withOverrides(Map.of(
                            "kafka.bootstrap.servers",
                            kafka.getBootstrapServers(),
                            "application.id",
                            "satwatch-compose-it-" + UUID.randomUUID(),
                            "topics.partitions",
                            "2",
                            "laws.file",
                            "",
                            "streams.state.dir",
                            dir.resolve("state").toString()))
                    .load();
            try (SatwatchApp app = SatwatchApp.start(config, new StreamCounters())) {
                assertThat(app.awaitRunning(WAIT)).isTrue();
                SyntheticRun run =
                        SyntheticRun.typical("compose-run", new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8), 300e9, 20e9, 7);
                List<RunEvent> events = new ArrayList<>();
                events.add(run.started(null));
                List<LossPoint> points = run.points(0.6);
                events.addAll(points);
                produce(config, events);
                assertThat(awaitFitRunIds(config)).contains("compose-run");
            }
        }
    }

    private static String compose() throws IOException {
        return Files.readString(COMPOSE, StandardCharsets.UTF_8);
    }

    private static void produce(SatwatchConfig config, List<RunEvent> events) {
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

    private static Set<String> awaitFitRunIds(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "compose-it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Fits are written in transactions: read only committed ones, as a real consumer would.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<FitUpdate> fits = new ArrayList<>();
        try (KafkaConsumer<String, FitUpdate> consumer = new KafkaConsumer<>(
                p, Serdes.String().deserializer(), Topics.FITS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.FITS.name()));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, FitUpdate> r : consumer.poll(Duration.ofMillis(200))) {
                    fits.add(r.value());
                }
                return !fits.isEmpty();
            });
        }
        return fits.stream().map(FitUpdate::runId).collect(Collectors.toSet());
    }
}
