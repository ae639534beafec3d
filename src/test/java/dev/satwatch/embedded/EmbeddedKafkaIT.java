package dev.satwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Integration tests against one real in-process KRaft broker shared by the class (start-up costs seconds).
 * Each test uses its own topics and consumer groups; the life-cycle test stops, restarts and finally closes the
 * broker, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);

    private static final String SASL_USER = "satwatch";
    // Quote and backslash check that the JAAS value is escaped on both the broker and the client side.
    private static final String SASL_PASSWORD = "pa\"ss\\word";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Explicit GCs only to make the heap figure below meaningful; not needed for correctness.
        memory.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long startNanos = System.nanoTime();
        kafka = EmbeddedKafka.builder()
                .partitions(4)
                .saslPlainUser(SASL_USER, SASL_PASSWORD)
                .build()
                .start();
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        memory.gc();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        LOG.info(
                "Embedded broker started in {} ms; heap used after GC grew by {} MiB to {} MiB",
                startMillis,
                (heapAfter - heapBefore) >> 20,
                heapAfter >> 20);
    }

    @AfterAll
    static void closeBroker() {
        // The life-cycle test has closed it already: this also checks that a second close is harmless.
        kafka.close();
    }

    @Test
    @Order(1)
    void shouldConsumeBackEveryRecordAnIdempotentProducerSent() throws Exception {
        String topic = "it.events";
        kafka.createTopics(Map.of(topic, 4));
        List<String> sent = IntStream.range(0, 1000).mapToObj(i -> "loss-" + i).toList();

        produce(topic, sent);
        List<ConsumerRecord<String, String>> received =
                consume(topic, "it-events-reader", "read_uncommitted", sent.size());

        assertThat(received).hasSize(1000);
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2, 3);
        // Order per key survives partitioning: each run's points arrive in the order they were sent.
        Map<String, List<Integer>> indexByKey = received.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key,
                        LinkedHashMap::new,
                        Collectors.mapping(r -> Integer.parseInt(r.value().substring(5)), Collectors.toList())));
        assertThat(indexByKey).hasSize(10);
        indexByKey.values().forEach(indices -> assertThat(indices).isSorted());
    }

    @Test
    @Order(2)
    void shouldCreateCompactedTopicWithCompactPolicyAndPlainTopicWithDeletePolicy() throws Exception {
        kafka.createTopics(
                TopicSpec.compacted("it.laws", 1),
                TopicSpec.of("it.alerts", 2).withConfig(TopicConfig.RETENTION_MS_CONFIG, "3600000"));
        // Creating existing topics again is allowed (callers re-create after a restart).
        kafka.createTopics(TopicSpec.compacted("it.laws", 1));

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            ConfigResource laws = new ConfigResource(ConfigResource.Type.TOPIC, "it.laws");
            ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, "it.alerts");
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(laws, alerts)).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("it.laws", "it.alerts"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);

            assertThat(configs.get(laws).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo("compact");
            assertThat(configs.get(alerts)
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                            .value())
                    .isEqualTo("delete");
            assertThat(configs.get(alerts).get(TopicConfig.RETENTION_MS_CONFIG).value())
                    .isEqualTo("3600000");
            assertThat(topics.get("it.laws").partitions()).hasSize(1);
            assertThat(topics.get("it.alerts").partitions()).hasSize(2);
            assertThat(topics.get("it.alerts").partitions().get(0).replicas()).hasSize(1);
        }
    }

    @Test
    @Order(3)
    void shouldShowReadCommittedConsumerOnlyCommittedTransactions() throws Exception {
        String topic = "it.transactions";
        kafka.createTopics(Map.of(topic, 2));
        Map<String, Object> config = new HashMap<>(producerConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-transactional-producer");

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "run-" + (i % 3), "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "run-" + (i % 3), "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "run-0", "committed-last"));
            producer.commitTransaction();
        }
        List<ConsumerRecord<String, String>> received = consume(topic, "it-transactions-reader", "read_committed", 11);

        List<String> committed = new ArrayList<>(
                IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList());
        committed.add("committed-last");
        assertThat(received)
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(committed)
                .noneMatch(value -> value.startsWith("aborted"));
    }

    @Test
    @Order(4)
    void shouldAuthenticatePlainUserOnSaslListenerAndRejectWrongPassword() throws Exception {
        assertThat(kafka.saslBootstrapServers()).isNotEqualTo(kafka.bootstrapServers());

        try (Admin admin = Admin.create(kafka.saslClientProperties(SASL_USER, SASL_PASSWORD))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .hasSize(1);
        }
        // An authentication failure is not retriable: the call fails at once rather than at its timeout.
        try (Admin admin = Admin.create(kafka.saslClientProperties(SASL_USER, "not-the-password"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void shouldKeepDataAndAddressAcrossRestartAndDeleteDirectoryOnClose() throws Exception {
        String topic = "it.restart";
        kafka.createTopics(Map.of(topic, 2));
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "point-" + i).toList();
        produce(topic, sent);
        String address = kafka.bootstrapServers();
        Path directory = kafka.directory();

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        assertThat(kafka.bootstrapServers()).isEqualTo(address);
        long restartNanos = System.nanoTime();
        kafka.restart();
        LOG.info("Embedded broker restarted in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos));

        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).isEqualTo(address);
        assertThat(consume(topic, "it-restart-reader", "read_committed", sent.size()))
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(sent);

        kafka.close();
        assertThat(kafka.isRunning()).isFalse();
        assertThat(Files.exists(directory)).isFalse();
        assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class);
    }

    private static Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** Sends values keyed by ten run ids and waits for every acknowledgement. */
    private static void produce(String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "run-" + (i % 10), values.get(i))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get(30, TimeUnit.SECONDS).hasOffset()).isTrue();
            }
        }
    }

    /** Polls a fresh consumer group from the beginning until at least {@code expected} records have arrived. */
    private static List<ConsumerRecord<String, String>> consume(
            String topic, String group, String isolation, int expected) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(Set.of(topic));
            // pollInSameThread: a KafkaConsumer must not be used from Awaitility's poller thread.
            await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= expected;
            });
        }
        return received;
    }
}
