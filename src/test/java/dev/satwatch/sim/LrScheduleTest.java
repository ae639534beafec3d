package dev.satwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

    private static final double T = 1e10;
    private static final double PEAK = 3e-4;
    private static final double FINAL = 3e-5;

    private static List<LrSchedule> all() {
        return List.of(
                new LrSchedule(LrSchedule.Type.WSD, T, 0.01 * T, 0.2, LrSchedule.CooldownShape.LINEAR, PEAK, FINAL),
                new LrSchedule(LrSchedule.Type.WSD, T, 0.01 * T, 0.2, LrSchedule.CooldownShape.ONE_MINUS_SQRT, PEAK, 0),
                new LrSchedule(LrSchedule.Type.COSINE, T, 0.02 * T, 0, LrSchedule.CooldownShape.LINEAR, PEAK, FINAL),
                new LrSchedule(LrSchedule.Type.LINEAR, T, 0.02 * T, 0, LrSchedule.CooldownShape.LINEAR, PEAK, FINAL),
                new LrSchedule(LrSchedule.Type.CONSTANT, T, 0.01 * T, 0, LrSchedule.CooldownShape.LINEAR, PEAK, PEAK));
    }

    @Test
    void shouldHaveAnAreaEqualToTheIntegralOfTheLearningRate() {
        // Midpoint rule with 200k steps over 1.1 × the budget: error far below the 1e-6 relative tolerance.
        for (LrSchedule s : all()) {
            int n = 200_000;
            double h = 1.1 * T / n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += s.lr((i + 0.5) * h) * h;
                if (i % 20_000 == 19_999) {
                    double d = (i + 1) * h;
                    assertThat(s.area(d)).as(s.type() + " at " + d).isCloseTo(sum, within(1e-6 * sum));
                }
            }
        }
    }

    @Test
    void shouldWarmUpHoldAndDecayToTheFinalRate() {
        for (LrSchedule s : all()) {
            assertThat(s.lr(0)).isZero();
            assertThat(s.lr(s.warmupTokens())).isCloseTo(PEAK, within(1e-12));
            assertThat(s.lr(T)).isCloseTo(s.finalLr(), within(1e-12));
            assertThat(s.lr(2 * T)).isCloseTo(s.finalLr(), within(1e-12));
            assertThat(s.stableArea(0.5 * T)).isGreaterThanOrEqualTo(s.area(0.5 * T));
        }
        LrSchedule wsd = all().get(0);
        assertThat(wsd.lr(0.79 * T)).isEqualTo(PEAK);
        assertThat(wsd.lr(0.9 * T)).isCloseTo((PEAK + FINAL) / 2, within(1e-12));
        assertThat(wsd.stableEndTokens()).isCloseTo(0.8 * T, within(1.0));
        assertThat(all().get(1).lr(0.85 * T)).isCloseTo(PEAK * (1 - Math.sqrt(0.25)), within(1e-12));
        assertThat(all().get(2).lr(0.51 * T)).isCloseTo((PEAK + FINAL) / 2, within(1e-12));
        assertThat(all().get(2).stableEndTokens()).isEqualTo(T);
    }

    @Test
    void shouldDescribeItselfAsTheScheduleObjectOfRunStarted() {
        assertThat(all().get(1).toJson())
                .startsWith("{\"type\":\"wsd\",\"warmup_tokens\":1.00000e+08,\"cooldown_fraction\":0.200000,")
                .contains("\"cooldown_shape\":\"1-sqrt\"", "\"peak_lr\":0.000300000", "\"final_lr\":0");
        assertThat(all().get(2).toJson()).contains("\"type\":\"cosine\"");
    }

    @Test
    void shouldRefuseAnImpossibleSchedule() {
        assertThatThrownBy(() ->
                        new LrSchedule(LrSchedule.Type.WSD, T, 0, 0, LrSchedule.CooldownShape.LINEAR, PEAK, FINAL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LrSchedule(
                        LrSchedule.Type.COSINE, T, 0, 0, LrSchedule.CooldownShape.LINEAR, PEAK, 2 * PEAK))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
