package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code satwatch demo} end to end, in-process: embedded broker, the app, the simulator and the output files. */
class DemoIT {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A line of logback.xml's pattern ({@code HH:mm:ss.SSS LEVEL logger - msg}) from a logger outside satwatch. */
    static final String KAFKA_LOG_LINE = "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} [A-Z]+ +(?!d\\.s\\.|dev\\.satwatch)\\S+ - .*";

    @TempDir
    Path dir;

    @Test
    void shouldRunTheMainJobAndWriteWhatTheOutputTopicsHeld() throws Exception {
        Path out = dir.resolve("out");

        PrintStream original = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        CliRunner.Result r;
        try {
            // logback's console appender writes to whatever System.err is at the time.
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            r = CliRunner.run("demo", "--duration", "30s", "--runs", "6", "--seed", "3", "--out", out.toString());
        } finally {
            System.setErr(original);
        }

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Kafka broker at 127.0.0.1:")
                .contains("summary")
                .contains("dead-lettered");
        List<String> fits = Files.readAllLines(out.resolve("fits.jsonl"));
        List<String> alerts = Files.readAllLines(out.resolve("alerts.jsonl"));
        assertThat(fits).isNotEmpty();
        Set<String> runsWithFits = new HashSet<>();
        for (String line : fits) {
            JsonNode fit = JSON.readTree(line);
            runsWithFits.add(fit.get("run_id").asText());
            assertThat(fit.has("alpha")).isTrue();
        }
        // Every simulated run is fitted (6 runs, each logging hundreds of points).
        assertThat(runsWithFits).hasSize(6);
        // The fleet of seed 3 holds anomalies and flat runs: a demo without an alert shows nothing of the product.
        assertThat(alerts).as("alert transitions of the demo").isNotEmpty();
        assertThat(alerts).anyMatch(line -> line.contains("\"OPEN\"") || line.contains("\"open\""));
        for (String line : alerts) {
            JsonNode alert = JSON.readTree(line);
            assertThat(alert.get("state").asText()).isIn("OPEN", "RESOLVED", "open", "resolved");
            assertThat(alert.get("message").asText()).isNotBlank();
        }
        // Nothing lost: every event sent was processed (the summary reconciles the counters).
        assertThat(r.out()).containsPattern("events: (\\d+) sent, \\1 processed");
        // Quiet: no log line of Kafka (nor of satwatch below WARN), and no fleet table printed twice.
        assertThat(logged.toString(StandardCharsets.UTF_8).lines())
                .as("log lines at default verbosity")
                .noneMatch(line -> line.matches(KAFKA_LOG_LINE) || line.contains(" INFO "));
        // Each table starts with its progress line; an unchanged table (same counts, same fits) is not printed again.
        List<String> tables =
                r.out().lines().filter(line -> line.startsWith("-- ")).toList();
        assertThat(tables).as("fleet tables").isNotEmpty().doesNotHaveDuplicates();
        assertThat(r.out()).contains("alerts open now");
    }
}
