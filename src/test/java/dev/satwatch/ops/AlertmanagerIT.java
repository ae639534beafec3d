package dev.satwatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/alertmanager.yml's inhibit rule against the real Alertmanager ({@code /usr/bin/prometheus-alertmanager},
 * Debian's prometheus-alertmanager package, which scripts/test installs): amtool tests routing offline but not
 * inhibition. Alerts with the labels config/alerts.yml gives them are posted to {@code /api/v2/alerts}; the same API
 * then reports which are suppressed and by what. Routing itself is checked by scripts/check-alertmanager.
 */
class AlertmanagerIT {

    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Process alertmanager;
    private String url;

    @AfterEach
    void stop() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(20, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldSuppressPerRunAlertsOfADownAppButNotItsOwnHealthAlertsNorOtherDeployments() throws Exception {
        start();
        post(List.of(
                alert("SatwatchDown", "job", "satwatch", "instance", "satwatch-0:8080", "severity", "critical"),
                alert("SatwatchDiminishingReturns", "job", "satwatch", "run", "r1", "setting", "cpt"),
                alert("SatwatchRunNoEvents", "job", "satwatch", "run", "r2", "setting", "cpt"),
                alert("SatwatchDeadLettersRising", "job", "satwatch", "instance", "satwatch-1:8080"),
                // Another deployment's satwatch (other job): its instance is up, its runs still page.
                alert("SatwatchDiminishingReturns", "job", "satwatch-eval", "run", "r3", "setting", "cpt")));

        Map<String, String> stateByKey = new HashMap<>();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    stateByKey.clear();
                    for (JsonNode a : get("/api/v2/alerts")) {
                        JsonNode labels = a.get("labels");
                        String key = labels.get("alertname").asText() + "/"
                                + labels.path("run").asText("-") + "/"
                                + labels.get("job").asText();
                        stateByKey.put(key, a.get("status").get("state").asText());
                    }
                    return stateByKey.size() == 5;
                });

        assertThat(stateByKey)
                .containsEntry("SatwatchDiminishingReturns/r1/satwatch", "suppressed")
                .containsEntry("SatwatchRunNoEvents/r2/satwatch", "suppressed")
                .containsEntry("SatwatchDown/-/satwatch", "active")
                .containsEntry("SatwatchDeadLettersRising/-/satwatch", "active")
                .containsEntry("SatwatchDiminishingReturns/r3/satwatch-eval", "active");
    }

    private void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Path log = dir.resolve("alertmanager.log");
        alertmanager = new ProcessBuilder(
                        ALERTMANAGER.toString(),
                        "--config.file=" + Path.of("config", "alertmanager.yml").toAbsolutePath(),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        // A single instance: no gossip port to bind.
                        "--cluster.listen-address=",
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .failFast("Alertmanager exited; see " + log, () -> !alertmanager.isAlive())
                .until(() -> send(HttpRequest.newBuilder(URI.create(url + "/-/ready")))
                                .statusCode()
                        == 200);
    }

    private static Map<String, Object> alert(String name, String... labelPairs) {
        Map<String, String> labels = new HashMap<>();
        labels.put("alertname", name);
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return Map.of(
                "labels", labels, "startsAt", Instant.now().minusSeconds(60).toString());
    }

    private void post(List<Map<String, Object>> alerts) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(alerts))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + path)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(
                request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
