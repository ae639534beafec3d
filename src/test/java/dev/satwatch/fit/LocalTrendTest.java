package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalTrendTest {

    private static FitPoints points(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        double[] w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
            w[i] = 1;
        }
        return new FitPoints(x, y, w, x.length);
    }

    private static double[] grid(double from, double to, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = from * Math.pow(to / from, i / (n - 1.0));
        }
        return x;
    }

    @Test
    void shouldRecoverTheSlopeOfAStraightLineOnlyFromTheWindow() {
        // Slope −0.05 below x = 10, −0.01 above: the window [10, 20] sees only the second.
        FitPoints p = points(grid(2, 20, 30), x -> x < 10 ? 3 - 0.05 * x : 2.6 - 0.01 * x);
        LocalTrend t = LocalTrend.fit(p, 0.5);
        assertThat(t.slope()).isCloseTo(-0.01, within(1e-9));
        assertThat(t.level()).isCloseTo(2.4, within(1e-9));
        assertThat(t.xNow()).isCloseTo(20, within(1e-9));
        assertThat(t.fallRateUpper()).isCloseTo(0.01, within(1e-6));
    }

    @Test
    void shouldBoundTheRemainingGainOfConvexPowerLawsFromAbove() {
        // Any E + B·x^(−α) is convex: the tangent bound over the next doubling must exceed the true gain.
        Random rnd = new Random(7);
        for (int k = 0; k < 50; k++) {
            double e = 1 + rnd.nextDouble();
            double b = 0.5 + 2 * rnd.nextDouble();
            double alpha = 0.02 + 0.6 * rnd.nextDouble();
            FitPoints p = points(grid(1, 20, 40), x -> e + b * Math.pow(x, -alpha));
            LocalTrend t = LocalTrend.fit(p, 0.5);
            double trueGain = b * (Math.pow(20, -alpha) - Math.pow(40, -alpha));
            assertThat(t.fallRateUpper() * 20)
                    .as("e=%s b=%s alpha=%s", e, b, alpha)
                    .isGreaterThan(trueGain);
        }
    }

    @Test
    void shouldWidenTheBoundWithNoiseAndTreatARiseAsFlat() {
        Random rnd = new Random(11);
        double[] x = grid(5, 20, 40);
        FitPoints clean = points(x, v -> 2.0);
        FitPoints noisy = points(x, v -> 2.0 * (1 + 0.01 * rnd.nextGaussian()));
        FitPoints rising = points(x, v -> 2.0 + 0.001 * v);
        assertThat(LocalTrend.fit(clean, 0.5).fallRateUpper()).isCloseTo(0.0, within(1e-12));
        assertThat(LocalTrend.fit(noisy, 0.5).fallRateUpper()).isGreaterThan(0.0);
        assertThat(LocalTrend.fit(rising, 0.5).fallRateUpper()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void shouldMatchTheStudentTQuantileBeyondTheTable() {
        for (int dof : new int[] {256, 300, 1000, 100_000}) {
            double exact = new org.apache.commons.math3.distribution.TDistribution(null, dof)
                    .inverseCumulativeProbability(0.95);
            assertThat(LocalTrend.tOneSided(dof)).isCloseTo(exact, within(1e-6));
        }
    }

    @Test
    void shouldBeUndefinedWithFewerThanFourPoints() {
        assertThat(LocalTrend.fit(points(new double[] {1, 2, 3}, v -> 2 - 0.1 * v), 0.5)
                        .defined())
                .isFalse();
        // Four points in all, fewer in the window: the window widens to the last four.
        LocalTrend t = LocalTrend.fit(points(new double[] {1, 2, 3, 10}, v -> 2 - 0.01 * v), 0.5);
        assertThat(t.defined()).isTrue();
        assertThat(t.points()).isEqualTo(4);
        assertThat(t.slope()).isCloseTo(-0.01, within(1e-9));
    }
}
