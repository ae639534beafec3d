package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import dev.satwatch.track.TrackerConfig;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunStateCacheTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final RunTracker TRACKER = RunTracker.create(TrackerConfig.defaults());

    /** A state after a start and {@code points} loss points, so that its bytes differ with every point. */
    private static RunState stateWith(String runId, int points) {
        RunState s = RunState.create(runId);
        TRACKER.onEvent(
                s, new RunStarted(runId, T0, new RunMeta("s", null, 1e11, 1e9, 5e10, 1L << 22)), LawLookup.NONE, T0);
        for (int i = 1; i <= points; i++) {
            double d2 = i * 1e8;
            TRACKER.onEvent(
                    s,
                    new LossPoint(runId, T0, i, d2, 2 + Math.pow(d2 / 1e9, -0.3), LossPoint.VAL, 3e-4, RunMeta.EMPTY),
                    LawLookup.NONE,
                    T0.plusSeconds(i));
        }
        return s;
    }

    @Test
    void shouldHandOutTheCachedObjectWhenTheStoreHoldsTheSameBytes() {
        RunStateCache cache = new RunStateCache(8);
        RunState state = stateWith("r", 5);
        byte[] bytes = state.toBytes();
        cache.put("r", bytes, state);

        assertThat(cache.take("r", bytes.clone())).isSameAs(state);
    }

    @Test
    void shouldDecodeTheStoreWhenItsBytesDifferFromTheCachedOnes() {
        // As after a restore or an aborted transaction: the store holds an older state than the cached object.
        RunStateCache cache = new RunStateCache(8);
        RunState older = stateWith("r", 3);
        RunState newer = stateWith("r", 6);
        cache.put("r", newer.toBytes(), newer);

        RunState taken = cache.take("r", older.toBytes());

        assertThat(taken).isNotSameAs(newer).isEqualTo(older);
    }

    @Test
    void shouldNeverHandOutAStateTwiceWithoutAPut() {
        // A taken state may be mutated by a call that then fails: it must not come back from the cache.
        RunStateCache cache = new RunStateCache(8);
        RunState state = stateWith("r", 4);
        byte[] bytes = state.toBytes();
        cache.put("r", bytes, state);
        RunState first = cache.take("r", bytes);

        RunState second = cache.take("r", bytes);

        assertThat(first).isSameAs(state);
        assertThat(second).isNotSameAs(state).isEqualTo(state);
    }

    @Test
    void shouldStartAnEmptyStateWhenTheStoreHasNone() {
        RunStateCache cache = new RunStateCache(8);
        RunState state = stateWith("r", 2);
        cache.put("r", state.toBytes(), state);

        RunState taken = cache.take("r", null);

        assertThat(taken.accepted()).isZero();
        assertThat(taken.runId()).isEqualTo("r");
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedRunBeyondCapacity() {
        RunStateCache cache = new RunStateCache(2);
        RunState a = stateWith("a", 1);
        RunState b = stateWith("b", 2);
        RunState c = stateWith("c", 3);
        cache.put("a", a.toBytes(), a);
        cache.put("b", b.toBytes(), b);
        // An event of run a (take, then put back): a is now more recently used than b, though put first.
        RunState aAgain = cache.take("a", a.toBytes());
        cache.put("a", aAgain.toBytes(), aAgain);

        cache.put("c", c.toBytes(), c);

        assertThat(cache.size()).isEqualTo(2);
        // b, the least recently used, was evicted: its state has to be decoded from the store's bytes...
        assertThat(cache.take("b", b.toBytes())).isNotSameAs(b).isEqualTo(b);
        // ...while a (insertion-oldest, but touched) and c are still handed out from the cache.
        assertThat(cache.take("a", a.toBytes())).isSameAs(a);
        assertThat(cache.take("c", c.toBytes())).isSameAs(c);
    }

    @Test
    void shouldEvictTheOldestRunWhenNoneWasTouchedSinceItsPut() {
        RunStateCache cache = new RunStateCache(2);
        RunState a = stateWith("a", 1);
        RunState b = stateWith("b", 2);
        RunState c = stateWith("c", 3);
        cache.put("a", a.toBytes(), a);
        cache.put("b", b.toBytes(), b);

        cache.put("c", c.toBytes(), c);

        assertThat(cache.take("a", a.toBytes())).isNotSameAs(a).isEqualTo(a);
        assertThat(cache.take("b", b.toBytes())).isSameAs(b);
        assertThat(cache.take("c", c.toBytes())).isSameAs(c);
    }

    @Test
    void shouldForgetEverythingOnClear() {
        RunStateCache cache = new RunStateCache(4);
        RunState s = stateWith("r", 1);
        byte[] bytes = s.toBytes();
        cache.put("r", bytes, s);

        cache.clear();

        assertThat(cache.size()).isZero();
        assertThat(cache.take("r", bytes)).isNotSameAs(s);
    }

    @Test
    void shouldRejectANonPositiveCapacity() {
        assertThatThrownBy(() -> new RunStateCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
