package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.satwatch.Satwatch;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.TimedEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security settings pass through to every client of the app: against the in-process broker's SASL_PLAINTEXT
 * listener (PLAIN), the right credentials work end to end and wrong ones fail at start-up with a clear message that
 * does not contain the secret.
 */
class SecurityIT {

    static final String USER = "satwatch";
    static final String PASSWORD = "c0rrect-horse-battery";
    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder()
                .partitions(4)
                .saslPlainUser(USER, PASSWORD)
                .build()
                .start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** The {@code kafka.*} keys for the SASL listener with the given password. */
    static Map<String, String> saslSettings(String password) {
        Map<String, String> s = new HashMap<>();
        kafka.saslClientProperties(USER, password).forEach((k, v) -> s.put("kafka." + k, String.valueOf(v)));
        return s;
    }

    @Test
    void shouldProcessEventsWithTheRightCredentials() throws Exception {
        Map<String, String> sasl = saslSettings(PASSWORD);
        SatwatchConfig config = StreamingFixture.config(kafka, "satwatch-sasl", dir.resolve("state"), null, sasl);
        // The fixture points at the plaintext listener; the SASL settings above override the address.
        assertThat(config.kafka().get("bootstrap.servers")).isEqualTo(kafka.saslBootstrapServers());
        List<TimedEvent> events =
                Fleet.interleave(Fleet.generate(FleetSpec.defaults(3), 5)).subList(0, 200);

        StreamCounters counters = new StreamCounters();
        try (SatwatchApp app = SatwatchApp.start(config, counters)) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            StreamingFixture.publish(config, events);
            await().atMost(Duration.ofSeconds(60)).until(() -> counters.input() == events.size());
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void shouldRefuseWrongCredentialsWithAClearMessageAndNoSecret() {
        String wrong = "wr0ng-pa55word";
        SatwatchConfig config =
                StreamingFixture.config(kafka, "satwatch-sasl-bad", dir.resolve("state"), null, saslSettings(wrong));

        assertThatThrownBy(() -> SatwatchApp.start(config, new StreamCounters()))
                .hasMessageContaining("Authentication failed")
                .message()
                .doesNotContain(wrong);
    }

    @Test
    void shouldExitTheRunCommandWithTheReasonAndNoSecret() {
        String wrong = "an0ther-wr0ng-one";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Satwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Map<String, String> settings = saslSettings(wrong);
        settings.put("streams.state.dir", dir.resolve("state").toString());
        settings.put("laws.file", "");
        List<String> args = new java.util.ArrayList<>(List.of("run"));
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });

        int code = cli.execute(args.toArray(String[]::new));

        assertThat(code).isEqualTo(69);
        assertThat(err.toString()).contains("Authentication failed").doesNotContain(wrong);
    }
}
