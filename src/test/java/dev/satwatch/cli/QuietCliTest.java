package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Quiet by default: no Kafka log lines unless --verbose, one sentence when Kafka cannot be reached. */
class QuietCliTest {

    static final Logger KAFKA_CLIENT = LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");

    @TempDir
    Path dir;

    private final CliRunner.LogLevels configured = CliRunner.LogLevels.save();

    @AfterEach
    void restoreTheConfiguredLevels() {
        configured.restore();
    }

    @Test
    void shouldSilenceEveryKafkaLoggerInTheDemoUnlessVerbose() {
        CliRunner.runKeepingLogLevels("demo", "--runs", "0");

        assertThat(KAFKA_CLIENT.isErrorEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("kafka.server.BrokerServer").isErrorEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.apache.kafka.streams.processor.internals.StreamThread")
                        .isWarnEnabled())
                .isFalse();

        assertThat(LoggerFactory.getLogger("dev.satwatch.stream.SatwatchApp").isInfoEnabled())
                .isFalse();

        CliRunner.runKeepingLogLevels("demo", "--verbose", "--runs", "0");

        assertThat(KAFKA_CLIENT.isInfoEnabled()).isTrue();
    }

    @Test
    void shouldFailFastWithOneClearErrorWhenReplayCannotReachKafka() throws IOException {
        Path file = Files.write(
                dir.resolve("runs.jsonl"),
                List.of("{\"type\":\"loss\",\"run_id\":\"a\",\"step\":1,\"d2_tokens\":1e9,\"loss\":2.5}"));
        PrintStream original = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        long start = System.nanoTime();
        CliRunner.Result r;
        try {
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            r = CliRunner.run(
                    "replay",
                    "--input",
                    file.toString(),
                    "--bootstrap-servers",
                    "127.0.0.1:1",
                    "--kafka-timeout",
                    "2s");
        } finally {
            System.setErr(original);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err().lines().toList())
                .containsExactly("satwatch replay: cannot reach Kafka at 127.0.0.1:1: no broker answered within 2 s"
                        + " (is it running? check --bootstrap-servers)");
        assertThat(logged.toString(StandardCharsets.UTF_8)).as("log lines").doesNotContain("WARN");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
}
