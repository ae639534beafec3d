package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serve.AppRunSource;
import dev.satwatch.serve.KafkaEventSink;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python client (clients/python) against the real stack: embedded KRaft broker, the streaming app and its HTTP
 * server, wired as {@code satwatch run} wires them, with a bearer token on {@code /api/**}.
 *
 * <p>The main test runs {@code clients/python/tests/simulated_loop.py} as a subprocess: a simulated Hugging Face
 * training loop using {@code SatwatchCallback} with {@code stop_on_recommendation=True}. Its base was pretrained on
 * D1 = 300 B tokens, for which the seeded law predicts a D2 exponent α(300) = 0.43 − 0.03·ln 300 ≈ 0.259; the loop's
 * true exponent is 0.3 × that (a saturating run, as the simulated fleet's are) with the law's E and amplitude. The
 * app must open DIMINISHING_RETURNS (the bound on the loss given up falls below 1 %), the decision endpoint must say
 * stop, and the loop must stop before its budget. The other test runs the client's stdlib unit tests, so {@code ./mvnw verify} runs
 * them.
 *
 * <p>Needs {@code python3} (3.8+): {@code /usr/bin/python3}, else the first on the PATH.
 */
class PythonClientIT {

    private static final ReuseLaw LAW = new ReuseLaw(1.5, 0.1, 0.43, 0.03, 1.8);
    private static final double D1_TOKENS = 300e9;
    private static final double TARGET_D2_TOKENS = 20e9;
    private static final int MAX_STEPS = 2000;
    private static final String TOKEN = "it-token";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern STOPPED = Pattern.compile("STOPPED step=(\\d+) of (\\d+) alert=(\\w+)");
    private static final Pattern SENT = Pattern.compile("sent=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(PythonClientIT.class);

    @TempDir
    Path dir;

    @Test
    void shouldPassThePythonClientUnitTests() throws Exception {
        Result r = python(List.of(
                "-m", "unittest", "discover", "-s", clientDir().resolve("tests").toString()));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("Ran \\d+ tests").contains("OK");
    }

    @Test
    void shouldStopASaturatingSimulatedTrainingLoopBeforeItsBudget() throws Exception {
        Path laws = dir.resolve("laws.json");
        LawJson.write(laws, List.of(LawJson.Entry.of("synthetic", LAW)));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(2).build().start()) {
            SatwatchConfig config = config(kafka, laws);
            AppRunSource runs = new AppRunSource();
            try (KafkaEventSink sink = new KafkaEventSink(config);
                    SatwatchHttpServer server = SatwatchHttpServer.builder(config.httpBind(), config.httpPort())
                            .runs(runs)
                            .events(sink)
                            .token(config.httpToken())
                            .start();
                    SatwatchApp app =
                            SatwatchApp.start(config, new StreamCounters(), config.httpBind() + ":" + server.port())) {
                runs.attach(app);
                assertThat(app.awaitRunning(WAIT)).isTrue();
                String url = "http://127.0.0.1:" + server.port();
                double trueAlpha = 0.3 * LAW.alphaAt(ReuseLaw.billions(D1_TOKENS));

                Result r = python(List.of(
                        clientDir().resolve("tests/simulated_loop.py").toString(),
                        "--url",
                        url,
                        "--run-id",
                        "py-saturating",
                        "--setting",
                        "synthetic",
                        "--token",
                        TOKEN,
                        "--d1-tokens",
                        num(D1_TOKENS),
                        "--target-d2-tokens",
                        num(TARGET_D2_TOKENS),
                        "--max-steps",
                        Integer.toString(MAX_STEPS),
                        "--e",
                        num(LAW.e()),
                        "--b",
                        num(LAW.amplitudeAt(ReuseLaw.billions(D1_TOKENS))),
                        "--alpha",
                        num(trueAlpha),
                        "--noise",
                        "0.003",
                        "--seed",
                        "7",
                        "--eval-every",
                        "10",
                        "--step-seconds",
                        "0.02",
                        "--poll-every-steps",
                        "10"));

                LOG.info("simulated_loop.py exited {}:\n{}", r.exitCode(), r.output());
                // Exit 0 = stopped by the recommendation with no event lost (3 = ran the whole budget, 4 = lost
                // events).
                assertThat(r.exitCode()).as(r.output()).isZero();
                Matcher stopped = STOPPED.matcher(r.output());
                assertThat(stopped.find()).as(r.output()).isTrue();
                int stopStep = Integer.parseInt(stopped.group(1));
                // The stop rule judges only after detect.stop.min.budget.fraction (20 %) of the budget.
                assertThat(stopStep).as(r.output()).isBetween(MAX_STEPS / 5, MAX_STEPS - 1);
                assertThat(stopped.group(3)).isEqualTo("DIMINISHING_RETURNS");

                // Every event the client sent reached the app and was accepted: nothing lost between the two.
                Matcher sent = SENT.matcher(r.output());
                assertThat(sent.find()).as(r.output()).isTrue();
                int sentEvents = Integer.parseInt(sent.group(1));
                await().atMost(WAIT).until(() -> app.counters().input() == sentEvents);
                assertThat(app.counters().unaccounted()).isZero();

                // The run is finished (the client sent run_finished "stopped") and its curve stopped at the stop step.
                JsonNode run = awaitFinished(url, "py-saturating");
                assertThat(run.path("run").path("d2_tokens").asDouble())
                        .isEqualTo(stopStep * (TARGET_D2_TOKENS / MAX_STEPS));
            }
        }
    }

    private SatwatchConfig config(EmbeddedKafka kafka, Path laws) {
        Map<String, String> o = new HashMap<>();
        o.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        o.put("application.id", "satwatch-py-it-" + UUID.randomUUID());
        o.put("topics.partitions", "2");
        o.put("laws.file", laws.toString());
        o.put("streams.state.dir", dir.resolve("state").toString());
        // With exactly_once_v2 outputs and store updates are visible only after a commit: commit often.
        o.put("streams.commit.interval", "100ms");
        // A law calibrated from this test's own finished run must not replace the seeded one mid-test.
        o.put("calibration.max.runs", "10000");
        o.put("law.min.runs", "10000");
        o.put("http.bind", "127.0.0.1");
        o.put("http.port", "0");
        o.put("http.token", TOKEN);
        return SatwatchConfigLoader.create().withOverrides(o).load();
    }

    private static JsonNode awaitFinished(String url, String runId) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/runs/" + runId))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10))
                .build();
        List<JsonNode> last = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode body = JSON.readTree(response.body());
            last.clear();
            last.add(body);
            return body.path("run").path("finished").asBoolean(false);
        });
        return last.get(0);
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.17g", value);
    }

    /** The client's directory: the module's basedir (Failsafe's working directory) + clients/python. */
    private static Path clientDir() {
        return Path.of(System.getProperty("basedir", "."))
                .resolve("clients/python")
                .toAbsolutePath();
    }

    private static String pythonExecutable() {
        Path debian = Path.of("/usr/bin/python3");
        return Files.isExecutable(debian) ? debian.toString() : "python3";
    }

    private Result python(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(pythonExecutable());
        // -B and PYTHONDONTWRITEBYTECODE: no __pycache__ left in the source tree.
        command.add("-B");
        command.addAll(arguments);
        Path output = Files.createTempFile(dir, "python", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(clientDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().put("PYTHONUNBUFFERED", "1");
        Process process = builder.start();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + WAIT + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {}
}
