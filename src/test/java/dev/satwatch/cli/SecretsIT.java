package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.serve.ServingApp;
import dev.satwatch.stream.StreamCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No secret leaks: with a SASL password and an HTTP bearer token configured, neither appears in the app's logs, in
 * {@code /metrics}, {@code /health} or {@code /api}; {@code /api} refuses requests without the token.
 */
class SecretsIT {

    static final String PASSWORD = "s3cret-sasl-pw-31337";
    static final String TOKEN = "t0ken-for-the-api-4242";

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheKafkaPasswordAndTheApiTokenOutOfLogsMetricsAndApi() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .saslPlainUser("satwatch", PASSWORD)
                .build()
                .start()) {
            Map<String, String> settings = new HashMap<>();
            kafka.saslClientProperties("satwatch", PASSWORD)
                    .forEach((k, v) -> settings.put("kafka." + k, String.valueOf(v)));
            settings.put("streams.state.dir", dir.resolve("state").toString());
            settings.put("laws.file", "");
            settings.put("http.port", "0");
            settings.put("http.token", TOKEN);
            SatwatchConfig config =
                    SatwatchConfigLoader.create().withOverrides(settings).load();
            assertThat(config.toString()).doesNotContain(TOKEN);

            try (ServingApp serving = ServingApp.start(config, new StreamCounters())) {
                assertThat(serving.app().awaitRunning(Duration.ofSeconds(60))).isTrue();
                String base = serving.dashboardUrl();
                HttpClient http = HttpClient.newHttpClient();
                List<String> bodies = new java.util.ArrayList<>();
                for (String path : List.of("metrics", "health")) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(base + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    bodies.add(r.body());
                }
                HttpResponse<String> refused = http.send(
                        HttpRequest.newBuilder(URI.create(base + "api/runs")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                bodies.add(refused.body());
                HttpResponse<String> runs = http.send(
                        HttpRequest.newBuilder(URI.create(base + "api/runs"))
                                .header("Authorization", "Bearer " + TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(runs.statusCode()).isEqualTo(200);
                bodies.add(runs.body());
                for (String body : bodies) {
                    assertThat(body).doesNotContain(PASSWORD).doesNotContain(TOKEN);
                }
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
        }
    }
}
