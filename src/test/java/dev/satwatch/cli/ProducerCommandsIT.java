package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.embedded.TopicSpec;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.io.TensorBoardFixtures;
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

/** {@code replay} and {@code tail} (files and TensorBoard logdirs) against a real in-process KRaft broker. */
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

    /**
     * Issue 12's acceptance, end to end: {@code tail --tensorboard} follows a logdir written by the independent writer
     * (an HF-style run with a corrupt record, a Megatron-style run torn mid-record that then grows, a Lightning-style
     * run appearing mid-tail) and publishes every valid scalar as a loss event, keyed by run; the corrupt record is
     * reported with its file and byte offset and the tail goes on.
     */
    @Test
    void shouldFollowATensorBoardLogdirAndPublishEveryValidScalar() throws Exception {
        TensorBoardFixtures.assumeWriterAvailable();
        kafka.createTopics(TopicSpec.of("tail-tb.events", 4));
        Path logdir = dir.resolve("logs");
        TensorBoardFixtures.Run hf = TensorBoardFixtures.hf("hf", 200, 1);
        int bad = hf.indexOf(100, "train/loss");
        hf = hf.with(bad, hf.records().get(bad).corrupted("data"));
        TensorBoardFixtures.Run megatron = TensorBoardFixtures.megatron("megatron", 200, 2);
        TensorBoardFixtures.Run lightning = TensorBoardFixtures.lightning("lightning", 200, 3);
        Path hfFile = logdir.resolve("hf/events.out.tfevents.1.a.1.0");
        TensorBoardFixtures.Written hfWritten = TensorBoardFixtures.write(hfFile, false, hf.records());
        Path megatronFile = logdir.resolve("megatron/events.out.tfevents.1.b.2.0");
        int cut = megatron.indexOf(100, "lm loss");
        List<TensorBoardFixtures.Rec> first = new ArrayList<>(megatron.records().subList(0, cut));
        first.add(megatron.records().get(cut).torn(30));
        TensorBoardFixtures.write(megatronFile, false, first);
        int before = hf.expected().size()
                + (int) megatron.records().subList(0, cut).stream()
                        .filter(r -> r.yields() != null)
                        .count();

        CompletableFuture<CliRunner.Result> tail = CompletableFuture.supplyAsync(() -> CliRunner.run(
                "tail",
                "--tensorboard",
                logdir.toString(),
                "--tokens-per-step",
                String.valueOf(TensorBoardFixtures.TOKENS_PER_STEP),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "tail-tb.events",
                "--idle-exit",
                "PT3S"));
        consume("tail-tb.events", before);
        List<TensorBoardFixtures.Rec> rest = new ArrayList<>();
        rest.add(megatron.records().get(cut).restFrom(30));
        rest.addAll(megatron.records().subList(cut + 1, megatron.records().size()));
        TensorBoardFixtures.write(megatronFile, true, rest);
        TensorBoardFixtures.write(logdir.resolve("lightning/events.out.tfevents.2.c.3.0"), false, lightning.records());

        List<LossPoint> expected = new ArrayList<>(hf.expected());
        expected.addAll(megatron.expected());
        expected.addAll(lightning.expected());
        List<ConsumerRecord<byte[], byte[]>> records = consume("tail-tb.events", expected.size());
        CliRunner.Result r = tail.get(60, TimeUnit.SECONDS);

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> published = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            LossPoint p = (LossPoint) ((ParseResult.Ok) EventCodec.parse(record.value())).event();
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(p.runId());
            published.add(TensorBoardFixtures.key(p));
        }
        assertThat(published)
                .containsExactlyInAnyOrderElementsOf(
                        expected.stream().map(TensorBoardFixtures::key).toList());
        assertThat(r.err())
                .contains("warning: not sent: " + hfFile.toAbsolutePath().normalize() + ": at byte offset "
                        + hfWritten.offsets().get(bad) + ": data CRC mismatch")
                .contains("(run lightning)")
                .contains("published " + expected.size() + " events");
    }
}
