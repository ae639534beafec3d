package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The schedule part of a split's state: every point's sums in bounded bins (DESIGN §4b). */
class ScheduleSummaryTest {

    private static final double TOKENS_PER_STEP = 1e6;

    /** The reference curve of {@link AnnealingCurves} (noise-free), every 100 steps up to {@code lastStep}. */
    private static ScheduleSummary reference(int lastStep) {
        ScheduleSummary s = new ScheduleSummary();
        ScheduleState truth = new ScheduleState();
        for (int step = 100; step <= lastStep; step += 100) {
            double lr = AnnealingCurves.lrAt(step);
            truth.advance(step, lr);
            double loss = 2.6 + 0.45 * Math.pow(truth.s1(), -0.55) - 0.4 * truth.s2(AnnealingCurves.LAMBDA_0999);
            s.add(step, step * TOKENS_PER_STEP, loss, lr);
        }
        return s;
    }

    @Test
    void shouldFitTheBinsAsTheLawThatMadeThePoints() {
        // Warmup, constant, linear decay to 10 % of the peak (AnnealingCurves, to step 18,000): 180 points in bins.
        ScheduleSummary s = reference(18000);

        AnnealingResult fit = AnnealingFit.create().fit(s.points(), AnnealingCurves.LAMBDA_0999);

        assertThat(s.decayed()).isTrue();
        assertThat(s.binCount()).isLessThan(40).isGreaterThan(8);
        // The law is linear in S2 and nearly so in S1 over one 1/16-decade bin: the bin means recover it. Measured
        // (this test, 2026-12-05): α 0.5499, C 0.4000, the last point's loss to 2e-6 relative.
        assertThat(fit.alpha()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(0.01));
        assertThat(fit.c()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(0.02));
        ScheduleState last = s.state();
        double truth = 2.6 + 0.45 * Math.pow(last.s1(), -0.55) - 0.4 * last.s2(AnnealingCurves.LAMBDA_0999);
        assertThat(fit.predict(last) / truth - 1).isBetween(-2e-4, 2e-4);
    }

    @Test
    void shouldKeepItsSizeBoundedAndItsBytesExactForAnyRunLength() {
        ScheduleSummary s = new ScheduleSummary();
        ScheduleSummary restored = null;
        SplittableRandom random = new SplittableRandom(7);
        int steps = 400_000;
        for (int step = 1; step <= steps; step++) {
            double lr = 3e-4 * 0.5 * (1 + Math.cos(Math.PI * step / steps));
            double loss = 3 + Math.pow(step, -0.3) + 0.01 * random.nextDouble();
            s.add(step, step * TOKENS_PER_STEP, loss, lr);
            if (restored != null) {
                restored.add(step, step * TOKENS_PER_STEP, loss, lr);
            }
            if (step % 50_000 == 0) {
                byte[] bytes = s.toBytes();
                assertThat(bytes.length).isLessThanOrEqualTo(ScheduleSummary.MAX_SERIALIZED_BYTES);
                assertThat(ScheduleSummary.fromBytes(bytes)).isEqualTo(s);
            }
            if (step == 200_000) {
                restored = ScheduleSummary.fromBytes(s.toBytes());
            }
        }
        // A state restored from its bytes halfway continues exactly as the live one.
        assertThat(restored.toBytes()).isEqualTo(s.toBytes());
        assertThat(s.binCount()).isEqualTo(ScheduleSummary.MAX_BINS);
        assertThat(s.binnedPoints()).isEqualTo(steps - 1); // the first point counts as warmup
        assertThat(ScheduleSummary.MAX_SERIALIZED_BYTES).isLessThan(4096);
    }

    @Test
    void shouldLeaveTheWarmupAndOutOfOrderPointsOutOfTheBins() {
        ScheduleSummary s = new ScheduleSummary();
        for (int step = 10; step <= 100; step += 10) {
            s.add(step, step * TOKENS_PER_STEP, 5.0, 3e-4 * step / 100); // rising LR: warmup
        }
        assertThat(s.binnedPoints()).isZero();
        s.add(110, 110 * TOKENS_PER_STEP, 4.0, 3e-4);
        s.add(120, 120 * TOKENS_PER_STEP, 3.9, 3e-4);
        s.add(115, 115 * TOKENS_PER_STEP, 3.95, 3e-4); // out of order
        assertThat(s.binnedPoints()).isEqualTo(2);
        assertThat(s.outOfOrder()).isEqualTo(1);
        assertThat(s.decayed()).isFalse();
        s.add(130, 130 * TOKENS_PER_STEP, 3.8, 2.6e-4); // 0.87 of the peak
        assertThat(s.decayed()).isTrue();
    }

    @Test
    void shouldNotCallARunWithoutLearningRatesDecayed() {
        ScheduleSummary s = new ScheduleSummary();
        for (int step = 1; step <= 100; step++) {
            s.add(step, step * TOKENS_PER_STEP, 3 + 1.0 / step, Double.NaN);
        }
        assertThat(s.decayed()).isFalse();
        assertThat(s.state().hasLr()).isFalse();
        assertThat(s.state().s1()).isEqualTo(100.0); // unit LR: S1 counts steps
    }

    @Test
    void shouldRejectBytesItDidNotWrite() {
        byte[] good = reference(5000).toBytes();
        assertThatThrownBy(() -> ScheduleSummary.fromBytes(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ScheduleSummary.fromBytes(trailing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> ScheduleSummary.fromBytes(version))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }
}
