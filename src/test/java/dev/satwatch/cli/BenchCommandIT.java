package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code satwatch bench} works end to end and reports every figure; speed itself is not asserted (BENCHMARKS.md). */
class BenchCommandIT {

    @Test
    void shouldReportEveryFigureOfTheBenchmark() throws Exception {
        CliRunner.Result r = CliRunner.run(
                "bench",
                "--events",
                "3000",
                "--runs",
                "100",
                "--latency-runs",
                "20",
                "--latency-rate",
                "400",
                "--latency-seconds",
                "3",
                "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (String key : List.of(
                "raw_consumer_events_per_s",
                "topology_events_per_s",
                "ratio",
                "p50_latency_ms",
                "p99_latency_ms",
                "state_bytes_per_run",
                "peak_heap_mb")) {
            assertThat(json.get(key).isNumber()).as(key).isTrue();
            assertThat(json.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.get("p99_latency_ms").asDouble())
                .isGreaterThanOrEqualTo(json.get("p50_latency_ms").asDouble());
        // Every run is tracked in the store: a run's state is a few hundred bytes to a few KB.
        assertThat(json.get("state_bytes_per_run").asDouble()).isBetween(100.0, 4096.0);
    }

    @Test
    void shouldShareTheWorkBetweenInstancesWithTheGivenSettings() throws Exception {
        CliRunner.Result r = CliRunner.run(
                "bench",
                "--events",
                "2000",
                "--runs",
                "50",
                "--partitions",
                "2",
                "--instances",
                "2",
                "--set",
                "streams.state.store=memory",
                "--set",
                "streams.commit.interval=200ms",
                "--latency-runs",
                "10",
                "--latency-rate",
                "200",
                "--latency-seconds",
                "2",
                "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("instances").asInt()).isEqualTo(2);
        assertThat(json.get("settings").asText())
                .contains("streams.state.store=memory")
                .contains("streams.commit.interval=200ms");
        // Both instances' local stores are read: every run is counted once.
        assertThat(json.get("state_bytes_per_run").asDouble()).isBetween(100.0, 4096.0);
        assertThat(json.get("topology_events_per_s").asDouble()).isPositive();
    }

    @Test
    void shouldRejectAnUnknownSettingBeforeStartingAnything() {
        CliRunner.Result r = CliRunner.run("bench", "--set", "streams.commit.intervall=1s");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--set").contains("unknown key 'streams.commit.intervall'");
    }

    @Test
    void shouldRejectASettingTheBenchChoosesItself() {
        CliRunner.Result r = CliRunner.run("bench", "--set", "topics.partitions=8");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--set topics.partitions").contains("--partitions");
    }
}
