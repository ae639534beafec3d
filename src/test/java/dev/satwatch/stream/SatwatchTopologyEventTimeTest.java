package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect.clock=event}: STALLED is judged between the events' own timestamps, never from the wall clock. */
class SatwatchTopologyEventTimeTest {

    @TempDir
    Path stateDir;

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(
                SatwatchConfigLoader.create()
                        .withOverrides(Map.of("detect.clock", "event"))
                        .load(),
                stateDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static LossPoint point(String run, Instant ts, long step) {
        return new LossPoint(run, ts, step, step * 1e6, 3.0 - 1e-3 * step, LossPoint.VAL, Double.NaN, null);
    }

    @Test
    void shouldIgnoreTheReplayersPaceAndJudgeSilenceInEventTime() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        RunMeta meta = new RunMeta("s", null, Double.NaN, Double.NaN, 1e9, 0L);
        h.sendAt(new RunStarted("a", t0, meta), t0);
        for (int i = 1; i <= 20; i++) {
            h.sendAt(point("a", t0.plusSeconds(i), i), t0.plusSeconds(i));
        }
        // Two hours of wall clock without a record: a replayer pausing. Nothing is stalled in event time.
        h.advance(Duration.ofHours(2));
        assertThat(h.takeAlerts()).extracting(Alert::type).doesNotContain(AlertType.STALLED);

        // Another run's event 20 minutes later in event time: run "a" has been silent for 20 minutes of its own time.
        Instant later = t0.plus(Duration.ofMinutes(20));
        h.sendAt(new RunStarted("b", later, meta), later);
        h.sendAt(point("b", later.plusSeconds(1), 1), later.plusSeconds(1));
        assertThat(h.takeAlerts())
                .filteredOn(a -> a.type() == AlertType.STALLED && a.state() == Alert.State.OPEN)
                .extracting(Alert::runId)
                .containsExactly("a");
    }
}
