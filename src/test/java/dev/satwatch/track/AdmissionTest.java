package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.AlertType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run cap, its eviction order and the per-run point rate of {@link Admission}. */
class AdmissionTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static RunState run(String id, boolean finished, boolean stalled, Instant last) {
        RunState s = RunState.create(id);
        s.finished = finished;
        s.lastWallClock = last;
        if (stalled) {
            s.alerts.open(AlertType.STALLED);
        }
        return s;
    }

    @Test
    void shouldBeFullAtTheCapAndRoomyAfterARemoval() {
        Admission a = new Admission(2, 0);
        a.tracking(1);
        assertThat(a.full()).isFalse();

        a.added();

        assertThat(a.full()).isTrue();
        assertThat(a.tracked()).isEqualTo(2);
        a.removed("r");
        assertThat(a.full()).isFalse();
    }

    @Test
    void shouldEvictFinishedRunsThenStalledRunsOldestFirstNeverLiveOnes() {
        Admission a = new Admission(500, 0); // batch of max(1, 500 / 100) = 5
        List<RunState> states = List.of(
                run("live", false, false, T0),
                run("stalled-new", false, true, T0.plusSeconds(30)),
                run("finished-new", true, false, T0.plusSeconds(20)),
                run("stalled-old", false, true, T0.plusSeconds(1)),
                run("finished-old", true, false, T0.plusSeconds(10)),
                run("finished-never-active", true, false, null));

        assertThat(a.victims(states))
                .containsExactly("finished-never-active", "finished-old", "finished-new", "stalled-old", "stalled-new");
    }

    @Test
    void shouldEvictABatchOfAHundredthOfTheCap() {
        Admission a = new Admission(300, 0);
        List<RunState> states = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            states.add(run("f" + i, true, false, T0.plusSeconds(i)));
        }

        assertThat(a.victims(states)).containsExactly("f0", "f1", "f2");
        assertThat(new Admission(50, 0).victims(states)).containsExactly("f0");
    }

    @Test
    void shouldNameNoVictimWhenEveryRunIsLive() {
        Admission a = new Admission(1, 0);

        assertThat(a.victims(List.of(run("a", false, false, T0), run("b", false, false, T0))))
                .isEmpty();
    }

    @Test
    void shouldAllowABurstOfOneSecondThenRefillAtTheRate() {
        Admission a = new Admission(10, 2); // 2 points per second
        long t = 1_000_000L;

        assertThat(a.withinRate("r", t)).isTrue();
        assertThat(a.withinRate("r", t)).isTrue();
        assertThat(a.withinRate("r", t)).isFalse(); // the burst is spent
        assertThat(a.withinRate("other", t)).isTrue(); // buckets are per run
        assertThat(a.withinRate("r", t + 250)).isFalse(); // half a token refilled
        assertThat(a.withinRate("r", t + 500)).isTrue(); // one token after half a second
        assertThat(a.withinRate("r", t + 60_000)).isTrue(); // refilled to the burst, no more
        assertThat(a.withinRate("r", t + 60_000)).isTrue();
        assertThat(a.withinRate("r", t + 60_000)).isFalse();
    }

    @Test
    void shouldNotLimitWhenTheRateIsZero() {
        Admission a = new Admission(10, 0);

        for (int i = 0; i < 1000; i++) {
            assertThat(a.withinRate("r", 5L)).isTrue();
        }
        assertThat(a.buckets()).isZero();
    }

    @Test
    void shouldDropTheLeastRecentlyActiveRunsBucketBeyondTheBound() {
        Admission a = new Admission(10, 1);
        for (int i = 0; i <= Admission.RATE_BUCKETS; i++) {
            a.withinRate("r" + i, 0L);
        }

        assertThat(a.buckets()).isEqualTo(Admission.RATE_BUCKETS);
        // r0 was dropped: it starts again with a full bucket, though it spent its token.
        assertThat(a.withinRate("r0", 0L)).isTrue();
        // r2 kept its bucket (r0's return dropped r1, then the least recent): still spent.
        assertThat(a.withinRate("r2", 0L)).isFalse();
    }

    @Test
    void shouldDropTheBucketOfARemovedRun() {
        Admission a = new Admission(10, 1);
        a.tracking(1);
        assertThat(a.withinRate("r", 0L)).isTrue();
        assertThat(a.withinRate("r", 0L)).isFalse();

        a.removed("r");

        assertThat(a.withinRate("r", 0L)).isTrue();
    }

    @Test
    void shouldExpireOnlyFinishedRunsIdlePastRetention() {
        Duration keep = Duration.ofHours(1);
        Instant later = T0.plus(Duration.ofHours(2));

        assertThat(Admission.expired(run("f", true, false, T0), keep, later)).isTrue();
        assertThat(Admission.expired(run("f", true, false, T0), keep, T0.plusSeconds(60)))
                .isFalse();
        assertThat(Admission.expired(run("live", false, false, T0), keep, later))
                .isFalse();
        assertThat(Admission.expired(run("f", true, false, null), keep, later)).isFalse();
    }

    @Test
    void shouldRejectBadLimits() {
        assertThatThrownBy(() -> new Admission(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Admission(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Admission(1, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
