package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepSetTest {

    @Test
    void shouldKeepAnInOrderRunAsOneArithmeticRun() {
        StepSet s = new StepSet();
        for (long step = 100; step <= 1_000_000; step += 100) {
            assertThat(s.add(step)).isTrue();
        }
        assertThat(s.runs()).isEqualTo(1);
        assertThat(s.contains(500_000)).isTrue();
        assertThat(s.contains(500_050)).isFalse();
        assertThat(s.contains(1_000_100)).isFalse();
        assertThat(s.add(300)).as("duplicate").isFalse();
    }

    @Test
    void shouldMergeShuffledStepsBackIntoOneRunWithoutFalseDuplicates() {
        List<Long> steps = new ArrayList<>();
        for (long k = 1; k <= 2000; k++) {
            steps.add(10 * k);
        }
        // Mostly in order with local shuffles (late events), as a retrying producer delivers them.
        Random random = new Random(7);
        for (int i = 0; i + 8 <= steps.size(); i += 8) {
            Collections.shuffle(steps.subList(i, i + 8), random);
        }
        StepSet s = new StepSet();
        for (long step : steps) {
            assertThat(s.add(step)).as("step %d is new", step).isTrue();
            assertThat(s.runs()).isLessThanOrEqualTo(StepSet.MAX_RUNS);
        }
        assertThat(s.runs()).isEqualTo(1);
        assertThat(s.watermark()).isEqualTo(-1);
        for (long step : steps) {
            assertThat(s.add(step)).isFalse();
        }
        assertThat(s.contains(15)).isFalse();
    }

    @Test
    void shouldStayBoundedOnArbitraryValuesAndAcceptLateValuesBelowTheWatermark() {
        Random random = new Random(11);
        StepSet s = new StepSet();
        List<Long> added = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            long v = random.nextInt(1_000_000);
            if (s.add(v)) {
                added.add(v);
            }
            assertThat(s.runs()).isLessThanOrEqualTo(StepSet.MAX_RUNS);
        }
        // Everything added above the watermark is still recognised; below it nothing is remembered, and a value
        // there is accepted again rather than dropped as a duplicate (a late real point, most likely).
        assertThat(s.watermark()).isGreaterThan(0);
        for (long v : added) {
            assertThat(s.contains(v)).isEqualTo(v > s.watermark());
        }
        assertThat(s.add(s.watermark())).isTrue();
    }

    @Test
    void shouldRoundTripThroughBytes() {
        StepSet s = new StepSet();
        for (long v : new long[] {5, 10, 15, 40, 41, 42, 100, 7}) {
            s.add(v);
        }
        Bytes.Writer w = new Bytes.Writer();
        s.writeTo(w);
        StepSet back = StepSet.readFrom(new Bytes.Reader(w.toArray()));
        assertThat(back).isEqualTo(s);
        assertThat(back.contains(42)).isTrue();
        assertThat(back.contains(20)).isFalse();
    }
}
