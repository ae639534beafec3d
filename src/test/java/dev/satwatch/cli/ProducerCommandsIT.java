package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.embedded.TopicSpec;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import dev.satwatch.sim.SyntheticRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} and {@code tail} against a real in-process KRaft broker. */
class ProducerCommandsIT {

    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().partitions(4).build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    static List<String> fleetLines(String prefix, int runs) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            SyntheticRun run = FitCommandTest.run(prefix + i, 100e9 * (i + 1), i);
            lines.add(EventCodec.toJsonString(run.started(null)));
            run.points(0.2).forEach(p -> lines.add(EventCodec.toJsonString(p)));
        }
        return lines;
    }

    /** Reads the topic until {@code expected} records arrived (or the deadline passes). */
    static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    @Test
    void shouldReplayAFileKeyedByRunWithNothingLost() throws Exception {
        kafka.createTopics(TopicSpec.of("replay.events", 4));
        List<String> lines = fleetLines("replay-", 3);
        Path file = Files.write(dir.resolve("fleet.jsonl"), lines);

        CliRunner.Result r = CliRunner.run(
                "replay",
                "--input",
                file.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "replay.events");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("replayed " + lines.size() + " events");
        List<ConsumerRecord<byte[], byte[]>> records = consume("replay.events", lines.size());
        assertThat(records).hasSize(lines.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ParseResult parsed = EventCodec.parse(record.value());
            assertThat(parsed).isInstanceOf(ParseResult.Ok.class);
            RunEvent event = ((ParseResult.Ok) parsed).event();
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(event.runId());
        }
    }

    @Test
    void shouldFailClearlyWhenKafkaIsUnreachable() throws Exception {
        Path file = Files.write(dir.resolve("fleet.jsonl"), fleetLines("x-", 1));

        CliRunner.Result r = CliRunner.run(
                "replay",
                "--input",
                file.toString(),
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--kafka",
                "max.block.ms=2000",
                "--kafka",
                "delivery.timeout.ms=3000",
                "--kafka",
                "request.timeout.ms=2000");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldFollowAGrowingLogAndPublishEachNewLine() throws Exception {
        kafka.createTopics(TopicSpec.of("tail.events", 4));
        List<String> lines = fleetLines("tail-", 2);
        Path file = dir.resolve("train.jsonl");
        Files.write(file, lines.subList(0, 10));

        CompletableFuture<CliRunner.Result> tail = CompletableFuture.supplyAsync(() -> CliRunner.run(
                "tail",
                "--file",
                file.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "tail.events",
                "--idle-exit",
                "PT3S"));
        consume("tail.events", 10);
        // The rest arrives in pieces, one line split across two writes: nothing may be cut or lost.
        String rest = String.join("\n", lines.subList(10, lines.size())) + "\n";
        int cut = rest.length() / 2;
        Files.writeString(file, rest.substring(0, cut), StandardOpenOption.APPEND);
        Files.writeString(file, rest.substring(cut), StandardOpenOption.APPEND);

        List<ConsumerRecord<byte[], byte[]>> records = consume("tail.events", lines.size());
        CliRunner.Result r = tail.get(60, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(records).hasSize(lines.size());
        assertThat(r.err()).contains("published " + lines.size() + " events");
    }
}
