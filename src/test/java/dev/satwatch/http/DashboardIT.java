package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serve.AppRunSource;
import dev.satwatch.sim.SyntheticRun;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard end to end: the in-process KRaft broker, the streaming app and its HTTP server, three simulated runs,
 * then headless Chromium loads {@code /} and runs it for 8 s of virtual time (first refresh plus one 5 s refresh).
 * The dumped DOM must show one fleet row per run, a chart with points, no recorded JS error and the ready flag;
 * Chromium's console must hold no uncaught error or failed resource load. A screenshot is kept at
 * {@code target/dashboard/dashboard.png} for people to look at.
 */
class DashboardIT {

    /** The setting's published law (D in billions): α(D1) = 0.43 − 0.03 ln D1, about 0.26 at D1 = 300 B. */
    private static final ReuseLaw LAW = new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8);

    /** A run that saturates faster than the law predicts (α2 = 0.25), so the page has an alert to show. */
    private static final ReuseLaw SATURATING = new ReuseLaw(1.5, 0.1, 0.25, 0.03, 1.8);

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path SCREENSHOT = Path.of("target", "dashboard", "dashboard.png");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldShowEveryRunAndDrawTheSelectedRunWithoutErrorsInARealBrowser() throws Exception {
        DashboardBrowser browser = DashboardBrowser.find(dir.resolve("chromium"));
        List<SyntheticRun> runs = List.of(
                SyntheticRun.typical("dash-run-a", LAW, 100e9, 20e9, 11),
                SyntheticRun.typical("dash-run-b", LAW, 300e9, 20e9, 12),
                SyntheticRun.typical("dash-run-c", SATURATING, 1500e9, 20e9, 13));

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(2).build().start()) {
            SatwatchConfig config = config(kafka);
            AppRunSource source = new AppRunSource();
            try (SatwatchHttpServer server = SatwatchHttpServer.builder(config.httpBind(), config.httpPort())
                            .runs(source)
                            .start();
                    SatwatchApp app =
                            SatwatchApp.start(config, new StreamCounters(), config.httpBind() + ":" + server.port())) {
                source.attach(app);
                assertThat(app.awaitRunning(WAIT)).isTrue();
                publish(config, runs);
                URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
                awaitFittedRuns(base, runs.size());

                DashboardBrowser.Visit visit = browser.dumpDom(base);
                DashboardPage page = visit.page();

                assertThat(visit.exitCode()).isZero();
                assertThat(visit.consoleProblems()).isEmpty();
                assertThat(page.errors()).as(page.html()).isZero();
                assertThat(page.ready()).as(page.html()).isTrue();
                assertThat(page.bannerShown()).as(page.bannerText()).isFalse();
                // /api/runs is sorted by run_id, and the page keeps that order.
                assertThat(page.runIds()).containsExactly("dash-run-a", "dash-run-b", "dash-run-c");
                assertThat(page.chartPoints()).isPositive();
                assertThat(page.html()).contains("Run <span id=\"chart-run\">dash-run-a</span>");

                DashboardBrowser.Visit shot = browser.screenshot(base, SCREENSHOT);
                assertThat(shot.exitCode()).isZero();
                assertThat(shot.consoleProblems()).isEmpty();
                assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
            }
        }
    }

    private SatwatchConfig config(EmbeddedKafka kafka) throws Exception {
        Path laws = dir.resolve("laws.json");
        LawJson.write(laws, List.of(LawJson.Entry.of("synthetic", LAW)));
        return SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "kafka.bootstrap.servers",
                        kafka.bootstrapServers(),
                        "application.id",
                        "satwatch-dashboard-it-" + UUID.randomUUID(),
                        "topics.partitions",
                        "2",
                        "laws.file",
                        laws.toString(),
                        "streams.state.dir",
                        dir.resolve("state").toString(),
                        "http.bind",
                        "127.0.0.1",
                        "http.port",
                        "0"))
                .load();
    }

    /** Each run's start and its first 70 % of points: unfinished runs, past burn-in, with fits. */
    private static void publish(SatwatchConfig config, List<SyntheticRun> runs) {
        List<RunEvent> events = new ArrayList<>();
        for (SyntheticRun run : runs) {
            events.add(run.started(null));
            events.addAll(run.points(0.7));
        }
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

    /** Waits until /api/runs lists every run with a fitted exponent. */
    private static void awaitFittedRuns(URI base, int expected) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/runs"))
                .timeout(Duration.ofSeconds(5))
                .build();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    JsonNode listed = JSON.readTree(response.body()).path("runs");
                    int fitted = 0;
                    for (JsonNode run : listed) {
                        if (run.path("alpha").isNumber()) {
                            fitted++;
                        }
                    }
                    return listed.size() == expected && fitted == expected;
                });
    }
}
