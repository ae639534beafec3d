package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CooldownAmplitudeTest {

    @Test
    void shouldFollowAnAmplitudeThatGrowsWithD2AndIgnoreAnUninformativeD1() {
        // Six bases (y spread) × three start points (x): b = 100·exp(0.5·x'), x' = ln(D2 / 1e6), 1 % seeded noise.
        SplittableRandom random = new SplittableRandom(7);
        List<CooldownAmplitude.Sample> samples = new ArrayList<>();
        for (int base = 0; base < 6; base++) {
            for (double f : new double[] {0.2, 0.4, 0.6}) {
                double x = Math.log(f);
                double y = Math.log(base + f);
                samples.add(new CooldownAmplitude.Sample(
                        x, y, 100 * Math.exp(0.5 * x) * (1 + 0.01 * random.nextGaussian())));
            }
        }

        CooldownAmplitude.Estimate e = CooldownAmplitude.at(samples, Math.log(0.2), Math.log(2.2));

        // Truth 100·0.2^0.5 = 44.7; the plain mean of the samples ≈ 61.8. Measured 44.67 (hx 0.1, hy +∞).
        assertThat(e.b()).isCloseTo(100 * Math.sqrt(0.2), within(2.0));
        assertThat(e.hx()).isFinite();
        assertThat(e.hy()).isInfinite();
    }

    @Test
    void shouldGiveTheCommonValueWhenEveryAmplitudeIsTheSame() {
        List<CooldownAmplitude.Sample> samples = List.of(
                new CooldownAmplitude.Sample(0, 1, 3.0),
                new CooldownAmplitude.Sample(1, 2, 3.0),
                new CooldownAmplitude.Sample(2, 0, 3.0),
                new CooldownAmplitude.Sample(3, 5, 3.0));

        CooldownAmplitude.Estimate e = CooldownAmplitude.at(samples, 10, -4);

        assertThat(e.b()).isCloseTo(3.0, within(1e-12));
        // Every bandwidth pair fits equally well: the widest is kept.
        assertThat(e.hx()).isInfinite();
        assertThat(e.hy()).isInfinite();
    }

    @Test
    void shouldUseThePlainMeanBelowThreeSamplesAndNothingWithout() {
        List<CooldownAmplitude.Sample> two =
                List.of(new CooldownAmplitude.Sample(0, 0, 2.0), new CooldownAmplitude.Sample(5, 5, 4.0));

        assertThat(CooldownAmplitude.at(two, 0, 0).b()).isCloseTo(3.0, within(1e-12));
        assertThat(CooldownAmplitude.at(List.of(), 0, 0).b()).isNaN();
    }
}
