package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.notify.WebhookCounters;
import dev.satwatch.notify.WebhookNotifier;
import dev.satwatch.serde.AlertJson;
import dev.satwatch.serve.AlertFeed;
import dev.satwatch.serve.AppRunSource;
import dev.satwatch.serve.KafkaEventSink;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API end to end on the in-process broker: two app instances, each with its own server, share the runs;
 * events go in through {@code POST /api/events}; either server answers for every run; alert transitions reach a
 * webhook.
 */
class HttpApiIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int RUNS = 8;

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

    private SatwatchConfig config(String appId, String state) {
        Map<String, String> o = new HashMap<>();
        o.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        o.put("application.id", appId);
        o.put("topics.partitions", "4");
        o.put("laws.file", "");
        o.put("streams.state.dir", dir.resolve(state).toString());
        o.put("streams.commit.interval", "100ms");
        o.put("http.port", "0");
        return SatwatchConfigLoader.create().withOverrides(o).load();
    }

    /** One instance: server first (port 0), then the app advertising it, as {@code satwatch run} does. */
    private record Instance(SatwatchHttpServer server, SatwatchApp app, KafkaEventSink sink, StreamCounters counters)
            implements AutoCloseable {

        static Instance start(SatwatchConfig config) throws Exception {
            AppRunSource runs = new AppRunSource();
            KafkaEventSink sink = new KafkaEventSink(config);
            SatwatchHttpServer server = SatwatchHttpServer.builder(config.httpBind(), config.httpPort())
                    .runs(runs)
                    .events(sink)
                    .start();
            StreamCounters counters = new StreamCounters();
            SatwatchApp app = SatwatchApp.start(config, counters, "127.0.0.1:" + server.port());
            runs.attach(app);
            return new Instance(server, app, sink, counters);
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() {
            server.close();
            app.close();
            sink.close();
        }
    }

    /** JSON lines of {@link #RUNS} runs: start and 40 points on L = 2 + 1.5·D2^(−0.3) (D2 in billions). */
    private static String events() {
        StringBuilder b = new StringBuilder();
        for (int r = 1; r <= RUNS; r++) {
            String id = "http-run-" + r;
            b.append(String.format(
                    Locale.ROOT,
                    "{\"type\":\"run_started\",\"run_id\":\"%s\",\"setting\":\"it\",\"d1_tokens\":3e11,"
                            + "\"target_d2_tokens\":4e10,\"tokens_per_step\":1e9}%n",
                    id));
            for (int step = 1; step <= 40; step++) {
                double loss = 2 + 1.5 * Math.pow(step, -0.3);
                b.append(String.format(
                        Locale.ROOT,
                        "{\"type\":\"loss\",\"run_id\":\"%s\",\"step\":%d,\"d2_tokens\":%.1f,\"loss\":%.6f}%n",
                        id,
                        step,
                        step * 1e9,
                        loss));
            }
        }
        // A divergence (non-finite loss) opens DIVERGENCE at once; and one line the app must dead-letter.
        b.append("{\"type\":\"loss\",\"run_id\":\"http-run-1\",\"step\":41,\"d2_tokens\":4.1e10,\"loss\":NaN}\n");
        b.append("{\"type\":\"loss\",\"step\":1,\"d2_tokens\":1e9,\"loss\":3.0}\n");
        return b.toString();
    }

    @Test
    void shouldIngestOverHttpAndAnswerEveryRunFromEitherOfTwoInstances() throws Exception {
        SatwatchConfig first = config("http-pair", "state-a");
        SatwatchConfig second = config("http-pair", "state-b");
        List<Alert> hooked = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            hooked.add(AlertJson.parse(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
        try (Instance a = Instance.start(first);
                Instance b = Instance.start(second);
                WebhookNotifier notifier =
                        WebhookNotifier.create(List.of(hookUrl), 3, Duration.ofSeconds(5), WebhookCounters.NONE);
                AlertFeed feed = AlertFeed.start(first, notifier::submit)) {
            assertThat(feed).as("webhook feed running").isNotNull();
            assertThat(a.app().awaitRunning(WAIT)).isTrue();
            assertThat(b.app().awaitRunning(WAIT)).isTrue();
            // Both instances know each other's server once the group has settled.
            await().atMost(WAIT)
                    .until(() -> a.app()
                                    .otherInstances()
                                    .contains("127.0.0.1:" + b.server().port())
                            && b.app()
                                    .otherInstances()
                                    .contains("127.0.0.1:" + a.server().port()));

            HttpResponse<String> posted = HttpCalls.send("POST", a.url("/api/events"), events());
            assertThat(posted.statusCode()).isEqualTo(202);
            JsonNode answer = HttpCalls.json(posted);
            assertThat(answer.get("published").asInt()).isEqualTo(RUNS * 41 + 1);
            assertThat(answer.get("rejected").findValuesAsText("line"))
                    .containsExactly(Integer.toString(RUNS * 41 + 2));

            Set<String> expected = new HashSet<>();
            for (int r = 1; r <= RUNS; r++) {
                expected.add("http-run-" + r);
            }
            for (Instance i : List.of(a, b)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(HttpCalls.json(HttpCalls.get(i.url("/api/runs")))
                                .get("runs")
                                .findValuesAsText("run_id"))
                        .containsExactlyElementsOf(expected.stream().sorted().toList()));
            }
            await().atMost(WAIT)
                    .until(() -> a.counters().count(StreamCounters.Result.DEAD_LETTERED)
                                    + b.counters().count(StreamCounters.Result.DEAD_LETTERED)
                            == 1);

            List<String> ofA = localIds(a);
            List<String> ofB = localIds(b);
            assertThat(ofA).as("instance A holds some runs").isNotEmpty();
            assertThat(ofB).as("instance B holds some runs").isNotEmpty();
            List<String> union = new ArrayList<>(ofA);
            union.addAll(ofB);
            assertThat(union).containsExactlyInAnyOrderElementsOf(expected);

            // A run held by B, asked of A (forwarded), and the other way round.
            for (String id : List.of(ofB.get(0), ofA.get(0))) {
                for (Instance i : List.of(a, b)) {
                    HttpResponse<String> r = HttpCalls.get(i.url("/api/runs/" + id));
                    assertThat(r.statusCode()).isEqualTo(200);
                    JsonNode run = HttpCalls.json(r).get("run");
                    assertThat(run.get("run_id").asText()).isEqualTo(id);
                    assertThat(run.get("points").asLong()).isEqualTo(40);
                    assertThat(HttpCalls.get(i.url("/api/runs/" + id + "/decision"))
                                    .statusCode())
                            .isEqualTo(200);
                }
            }
            assertThat(HttpCalls.get(a.url("/api/runs/no-such-run")).statusCode())
                    .isEqualTo(404);

            // DIVERGENCE of http-run-1 is open: listed by both instances, and delivered to the webhook.
            for (Instance i : List.of(a, b)) {
                JsonNode alerts =
                        HttpCalls.json(HttpCalls.get(i.url("/api/alerts"))).get("alerts");
                assertThat(alerts.findValuesAsText("alert_id")).contains("http-run-1/DIVERGENCE/1");
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(hooked).anySatisfy(h -> {
                assertThat(h.runId()).isEqualTo("http-run-1");
                assertThat(h.type()).isEqualTo(AlertType.DIVERGENCE);
                assertThat(h.state()).isEqualTo(Alert.State.OPEN);
            }));
            JsonNode health = HttpCalls.json(HttpCalls.get(b.url("/health")));
            assertThat(health.get("status").asText()).isEqualTo("UP");
        } finally {
            hook.stop(0);
        }
    }

    private static List<String> localIds(Instance i) throws Exception {
        return HttpCalls.json(HttpCalls.get(i.url("/api/local/runs")))
                .get("runs")
                .findValuesAsText("run_id");
    }
}
