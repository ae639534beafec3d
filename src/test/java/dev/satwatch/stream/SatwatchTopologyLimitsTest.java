package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.serde.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits of {@code limits.*}: a bounded number of runs per partition and a bounded point rate per run. */
class SatwatchTopologyLimitsTest {

    @TempDir
    Path dir;

    static SatwatchConfig config(String maxRuns, String maxRate) {
        return SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "limits.max.runs.per.partition", maxRuns,
                        "limits.max.points.per.second", maxRate,
                        "laws.file", ""))
                .load();
    }

    static LossPoint point(String run, long step) {
        return new LossPoint(run, null, step, step * 1e6, 3.0, "val", Double.NaN, RunMeta.EMPTY);
    }

    static String reason(TestRecord<String, byte[]> dead) {
        return new String(dead.headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldEvictAFinishedRunToMakeRoomForANewOne() {
        try (TopologyHarness h = new TopologyHarness(config("2", "0"), dir)) {
            h.send(point("old", 1));
            h.send(new RunFinished("old", null, "completed"));
            h.send(point("live", 1));

            h.send(point("new", 1));

            assertThat(h.takeDeadLetters()).isEmpty();
            assertThat(h.counters.evicted()).isEqualTo(1);
            var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            try (var metrics = dev.satwatch.metrics.SatwatchMetrics.bind(
                    registry, h.counters, dev.satwatch.metrics.MetricsConfig.defaults(), java.time.Clock.systemUTC())) {
                assertThat(registry.get("satwatch.runs.evicted")
                                .functionCounter()
                                .count())
                        .isEqualTo(1.0);
                assertThat(metrics.config().maxRuns()).isPositive();
            }
            // The evicted run is gone: its next event starts a fresh run (and evicts nothing: "new" and "live" are
            // live, so it is refused).
            h.send(point("old", 2));
            List<TestRecord<String, byte[]>> dead = h.takeDeadLetters();
            assertThat(dead).singleElement().satisfies(d -> assertThat(reason(d))
                    .contains("tracked-runs limit"));
            assertThat(h.counters.unaccounted()).isZero();
        }
    }

    @Test
    void shouldDeadLetterANewRunWhenNothingCanBeEvicted() {
        try (TopologyHarness h = new TopologyHarness(config("1", "0"), dir)) {
            h.send(point("a", 1));
            h.send(point("b", 1));

            List<TestRecord<String, byte[]>> dead = h.takeDeadLetters();
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.key()).isEqualTo("b");
                assertThat(reason(d)).contains("limits.max.runs.per.partition");
            });
            assertThat(h.counters.count(StreamCounters.Result.DEAD_LETTERED)).isEqualTo(1);
            assertThat(h.counters.count(StreamCounters.Result.ACCEPTED)).isEqualTo(1);
        }
    }

    @Test
    void shouldDeadLetterPointsBeyondTheRateOfARunAndRefillWithTime() {
        try (TopologyHarness h = new TopologyHarness(config("100", "5"), dir)) {
            for (int i = 1; i <= 8; i++) {
                h.send(point("fast", i));
            }
            // A burst of one second's worth (5) passes; the other 3 are refused with the reason.
            List<TestRecord<String, byte[]>> dead = h.takeDeadLetters();
            assertThat(dead).hasSize(3).allSatisfy(d -> assertThat(reason(d)).contains("point-rate limit"));

            h.advance(Duration.ofSeconds(1));
            h.send(point("fast", 9));
            assertThat(h.takeDeadLetters()).isEmpty();
            // Other runs have their own budget.
            h.send(point("slow", 1));
            assertThat(h.takeDeadLetters()).isEmpty();
            assertThat(h.counters.unaccounted()).isZero();
        }
    }
}
