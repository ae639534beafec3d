package dev.satwatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.http.SatwatchHttpServer;
import dev.satwatch.metrics.MetricsConfig;
import dev.satwatch.metrics.SatwatchMetrics;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serve.AppRunSource;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops files against a real Prometheus: the embedded broker, the app with its metrics and HTTP server, a small
 * simulated fleet, and {@code /usr/bin/prometheus} (Debian's package, which .ci/run installs) scraping
 * {@code /metrics} every second with config/prometheus.yml (target and intervals swapped for the test) and
 * config/alerts.yml. Asserts through Prometheus's HTTP query API: per-run exponent series for the simulated runs,
 * every Grafana dashboard query accepted and every metric name it uses exported, and the alert rules evaluated
 * without error. Prometheus is stopped in {@link #stop()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path DASHBOARDS = Path.of("grafana", "dashboards");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC_NAME = Pattern.compile("\\b((?:satwatch|kafka|jvm|process|system)_[a-z0-9_]+)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");

    /**
     * Names a dashboard or rule may use that exist only once something happens that this test does not cause: a
     * webhook delivery (none configured), an event posted over HTTP, a dead-lettered event, a stream thread that
     * died, a run over metrics.max.runs.
     */
    private static final Set<String> ONLY_AFTER_AN_EVENT = Set.of(
            "satwatch_webhook_deliveries_total",
            "satwatch_ingest_events_total",
            "satwatch_runs_dropped_total",
            "kafka_stream_failed_stream_threads");

    @TempDir
    static Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedKafka kafka;
    private SatwatchMetrics metrics;
    private SatwatchApp app;
    private SatwatchHttpServer server;
    private Process prometheus;
    private String prometheusUrl;
    private List<String> runIds;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            fail(PROMETHEUS + " is missing: scripts/test installs it (apt-get install prometheus)");
        }
        kafka = EmbeddedKafka.builder().partitions(2).build().start();
        SatwatchConfig config = SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "kafka.bootstrap.servers", kafka.bootstrapServers(),
                        "application.id", "satwatch-prometheus-it-" + UUID.randomUUID(),
                        "topics.partitions", "2",
                        "laws.file", "",
                        "streams.state.dir", dir.resolve("state").toString(),
                        "streams.punctuation.interval", "500ms",
                        // The fleet's stalling runs never finish: STALLED opens on them within seconds and stays
                        // open, so satwatch_run_alerts_open has series to check.
                        "detect.stalled.after", "5s",
                        // Two finished runs per setting (two D1s, no leave-one-out gate) publish a law, so
                        // alpha_predicted gets values too.
                        "law.min.runs", "2",
                        "law.min.distinct.d1", "2",
                        "law.publish.max.loo.error", "off"))
                .load();
        StreamCounters counters = new StreamCounters();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = SatwatchMetrics.bind(registry, counters, MetricsConfig.defaults(), Clock.systemUTC());
        app = SatwatchApp.start(config, counters);
        metrics.bindStreams(app.streams());
        server = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(new AppRunSource(app))
                .metrics(metrics::scrape)
                .start();
        assertThat(app.awaitRunning(WAIT)).as("Kafka Streams reaches RUNNING").isTrue();

        List<SimRun> fleet = Fleet.generate(FleetSpec.defaults(20).withPointsPerRun(120), 11);
        runIds = fleet.stream().map(r -> r.events().get(0).event().runId()).toList();
        publish(config, Fleet.interleave(fleet));
        startPrometheus();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldScrapePerRunExponentSeriesForEverySimulatedRun() throws Exception {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        labelValues(query("satwatch_run_alpha"), "run"))
                .containsAll(runIds));
        JsonNode up = query("up{job=\"satwatch\"}");
        assertThat(up).hasSize(1);
        assertThat(up.get(0).get("value").get(1).asText()).isEqualTo("1");
    }

    @Test
    void shouldAcceptEveryDashboardQueryAndExportEveryMetricItUses() throws Exception {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        labelValues(query("satwatch_run_alpha"), "run"))
                .isNotEmpty());
        String run = runIds.get(0);
        Map<String, String> exprs = dashboardExpressions();
        assertThat(exprs).hasSizeGreaterThan(30);
        Set<String> used = new TreeSet<>();
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            String expr = substitute(e.getValue(), run);
            JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
            assertThat(answer.get("status").asText())
                    .as("%s: %s -> %s", e.getKey(), expr, answer)
                    .isEqualTo("success");
            used.addAll(metricNames(expr));
        }
        used.addAll(metricNames(Files.readString(Path.of("config", "alerts.yml"), StandardCharsets.UTF_8)));
        // Names of the Kafka Streams and JVM binders are the easiest to get wrong: wait for a few scrapes after the
        // first fit so that every binder has reported, then compare with what Prometheus actually stored.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Set<String> exported = new TreeSet<>();
            get("/api/v1/label/__name__/values").get("data").forEach(n -> exported.add(n.asText()));
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(exported);
            missing.removeAll(ONLY_AFTER_AN_EVENT);
            assertThat(missing)
                    .as("metric names used by dashboards or rules but not exported")
                    .isEmpty();
        });
    }

    @Test
    void shouldEvaluateEveryAlertRuleWithoutError() {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> rules = new ArrayList<>();
            get("/api/v1/rules").get("data").get("groups").forEach(g -> g.get("rules")
                    .forEach(rules::add));
            assertThat(rules).hasSize(6);
            assertThat(rules).allSatisfy(r -> assertThat(r.get("health").asText())
                    .as("rule %s: %s", r.get("name"), r.path("lastError"))
                    .isEqualTo("ok"));
        });
    }

    private void startPrometheus() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        prometheusUrl = "http://127.0.0.1:" + port;
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, testConfig(server.port()), StandardCharsets.UTF_8);
        Files.copy(Path.of("config", "alerts.yml"), dir.resolve("alerts.yml"));
        Path log = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .failFast("Prometheus exited; see " + log, () -> !prometheus.isAlive())
                .until(() -> status("/-/ready") == 200);
    }

    /** config/prometheus.yml with the app's test port as the target and a 1 s scrape and evaluation interval. */
    private static String testConfig(int appPort) throws IOException {
        String real = Files.readString(Path.of("config", "prometheus.yml"), StandardCharsets.UTF_8);
        Map<String, String> swaps = new LinkedHashMap<>();
        swaps.put("scrape_interval: 15s", "scrape_interval: 1s");
        swaps.put("evaluation_interval: 15s", "evaluation_interval: 1s");
        swaps.put("\"satwatch:8080\"", "\"127.0.0.1:" + appPort + "\"");
        String out = real;
        for (Map.Entry<String, String> s : swaps.entrySet()) {
            assertThat(out).as("config/prometheus.yml still has %s", s.getKey()).contains(s.getKey());
            out = out.replace(s.getKey(), s.getValue());
        }
        return out;
    }

    private static void publish(SatwatchConfig config, List<TimedEvent> events) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                config.kafkaProperties(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer())) {
            for (TimedEvent e : events) {
                producer.send(
                        new ProducerRecord<>(Topics.EVENTS.name(), e.event().runId(), EventCodec.toJson(e.event())));
            }
            producer.flush();
        }
    }

    /** Every {@code expr} of every panel target and every {@code label_values} variable, keyed by where it is. */
    private static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(DASHBOARDS)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSize(3);
        Pattern labelValues = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$", Pattern.DOTALL);
        for (Path file : files) {
            JsonNode d = JSON.readTree(file.toFile());
            List<JsonNode> panels = new ArrayList<>();
            collectPanels(d.path("panels"), panels);
            for (JsonNode p : panels) {
                for (JsonNode t : p.path("targets")) {
                    if (t.hasNonNull("expr")) {
                        out.put(
                                file.getFileName() + " panel '"
                                        + p.path("title").asText() + "' "
                                        + t.path("refId").asText(),
                                t.get("expr").asText());
                    }
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                Matcher m = labelValues.matcher(v.path("query").path("query").asText());
                if (m.matches()) {
                    out.put(file.getFileName() + " variable " + v.path("name").asText(), m.group(1));
                }
            }
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collectPanels(p.path("panels"), out);
        }
    }

    /** Grafana's variables as Grafana would expand them for one run (regex-matched ones as "everything"). */
    private static String substitute(String expr, String run) {
        Map<String, String> values = new HashMap<>();
        values.put("__rate_interval", "1m");
        values.put("__interval", "1s");
        values.put("__range", "1h");
        values.put("run", run);
        values.put("setting", ".*");
        values.put("instance", ".*");
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.get(name);
            assertThat(value)
                    .as("a value for dashboard variable $%s in %s", name, expr)
                    .isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC_NAME.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> labelValues(JsonNode result, String label) {
        Set<String> out = new TreeSet<>();
        result.forEach(s -> out.add(s.path("metric").path(label).asText()));
        return out;
    }

    private JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(answer.get("status").asText()).as("query %s", promql).isEqualTo("success");
        return answer.get("data").get("result");
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(prometheusUrl + pathAndQuery))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private int status(String path) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(prometheusUrl + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
