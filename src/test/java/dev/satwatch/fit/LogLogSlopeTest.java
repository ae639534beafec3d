package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogLogSlopeTest {

    private static double[] pureLaw(double[] x, double c, double alpha) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = c * Math.pow(x[i], -alpha);
        }
        return y;
    }

    /** Continuous broken power law: exponent a1 below {@code xb}, a2 above. */
    private static double[] brokenLaw(double[] x, double xb, double a1, double a2) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] <= xb ? 3 * Math.pow(x[i], -a1) : 3 * Math.pow(xb, -a1) * Math.pow(x[i] / xb, -a2);
        }
        return y;
    }

    @Test
    void shouldBeExactOnAPurePowerLaw() {
        double[] x = PowerLawFitterTest.logSpaced(50, 0.3, 2.5);

        SlopeResult slope = LogLogSlope.fit(x, pureLaw(x, 3.2, 0.27), null);

        assertThat(slope.alpha()).isCloseTo(0.27, within(1e-12));
        assertThat(slope.intercept()).isCloseTo(Math.log(3.2), within(1e-12));
        assertThat(slope.alphaStdErr()).isLessThan(1e-12);
        assertThat(slope.points()).isEqualTo(50);
        assertThat(slope.defined()).isTrue();
    }

    @Test
    void shouldMatchAHandComputedWeightedLine() {
        // ln x = 0, 1, 2; ln y = 1, 0.5, 0.2 with weights 1, 2, 1: weighted mean ln x = 1,
        // Sxx = 1 + 0 + 1 = 2, Sxy = (−1)(1 − 0.55) + 0 + (1)(0.2 − 0.55) = −0.8, slope = −0.4,
        // intercept = 0.55 + 0.4 = 0.95; residuals 0.05, −0.05, 0.05 → s² = (0.0025·4)/1 = 0.01,
        // se = sqrt(0.01/2); t(0.975, 1) = 12.7062.
        double[] x = {1, Math.E, Math.E * Math.E};
        double[] y = {Math.exp(1), Math.exp(0.5), Math.exp(0.2)};

        SlopeResult slope = LogLogSlope.fit(x, y, new double[] {1, 2, 1});

        assertThat(slope.alpha()).isCloseTo(0.4, within(1e-12));
        assertThat(slope.intercept()).isCloseTo(0.95, within(1e-12));
        assertThat(slope.alphaStdErr()).isCloseTo(Math.sqrt(0.005), within(1e-12));
        assertThat(slope.ciHigh() - slope.alpha()).isCloseTo(12.7062 * Math.sqrt(0.005), within(1e-4));
    }

    @Test
    void shouldGiveASymmetricIntervalThatCoversTheTrueSlopeNinetyFivePercentOfTheTime() {
        double[] x = PowerLawFitterTest.logSpaced(30, 1, 1.5);
        double[] clean = pureLaw(x, 3, 0.1);
        int covered = 0;
        int seeds = 400;
        for (int s = 0; s < seeds; s++) {
            SplittableRandom random = new SplittableRandom(s);
            double[] y = clean.clone();
            for (int i = 0; i < y.length; i++) {
                y[i] *= Math.exp(0.005 * random.nextGaussian());
            }
            SlopeResult slope = LogLogSlope.fit(x, y, null);
            assertThat(slope.ciLow()).isLessThan(slope.alpha());
            assertThat(slope.alpha() - slope.ciLow()).isCloseTo(slope.ciHigh() - slope.alpha(), within(1e-12));
            if (slope.ciLow() <= 0.1 && 0.1 <= slope.ciHigh()) {
                covered++;
            }
        }
        // Exact t interval under Gaussian log noise: binomial sd at 400 seeds is 1.1 points.
        assertThat(covered / (double) seeds).isBetween(0.91, 0.99);
    }

    @Test
    void shouldTreatAWeightOfTwoLikeADuplicatedPoint() {
        double[] x = {1, 2, 4, 8, 16};
        double[] y = {3.0, 2.7, 2.6, 2.35, 2.3};

        double weighted = LogLogSlope.fit(x, y, new double[] {1, 1, 2, 1, 1}).alpha();
        double duplicated = LogLogSlope.fit(
                        new double[] {1, 2, 4, 4, 8, 16}, new double[] {3.0, 2.7, 2.6, 2.6, 2.35, 2.3}, null)
                .alpha();

        assertThat(weighted).isCloseTo(duplicated, within(1e-12));
    }

    @Test
    void shouldBeUndefinedWithFewerThanThreeUsablePointsOrNoSpreadInX() {
        assertThat(LogLogSlope.fit(new double[] {1, 2}, new double[] {3, 2}, null)
                        .defined())
                .isFalse();
        assertThat(LogLogSlope.fit(new double[] {1, 2, 3}, new double[] {3, Double.NaN, 2}, null)
                        .points())
                .isEqualTo(2);
        SlopeResult sameX = LogLogSlope.fit(new double[] {2, 2, 2, 2}, new double[] {3, 2.9, 2.8, 2.7}, null);
        assertThat(sameX.defined()).isFalse();
        assertThat(sameX.alpha()).isNaN();
        assertThat(LogLogSlope.local(new double[] {1, 2}, new double[] {3, 2}, null)
                        .defined())
                .isFalse();
        assertThatThrownBy(() -> LogLogSlope.fit(new double[] {1}, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFitTheLocalSlopeOverTheLastThirtyPercentOfAShortCurve() {
        // 2 decades, 81 points at 1/40 decade: window = 0.3 × 2 = 0.6 decade (narrower than one), i.e.
        // the last 25 points (ln x ≥ ln x_max − 0.6 ln 10). The break at 0.7 decade before the end is
        // outside it, so the local slope is exactly the late exponent.
        double[] x = PowerLawFitterTest.logSpaced(81, 1, 2);
        double[] y = brokenLaw(x, Math.pow(10, 1.3), 0.3, 0.05);

        SlopeResult local = LogLogSlope.local(x, y, null);
        SlopeResult global = LogLogSlope.fit(x, y, null);

        assertThat(local.points()).isEqualTo(25);
        assertThat(local.alpha()).isCloseTo(0.05, within(1e-12));
        assertThat(global.alpha()).isBetween(0.1, 0.3);
    }

    @Test
    void shouldFitTheLocalSlopeOverTheLastDecadeOfALongCurve() {
        // 5 decades at 1/10 decade: 30 % would be 1.5 decades, so the window is the last decade
        // (11 points); the break 1.2 decades before the end is outside it.
        double[] x = PowerLawFitterTest.logSpaced(51, 0.01, 5);
        double[] y = brokenLaw(x, Math.pow(10, 1.8), 0.3, 0.08);

        SlopeResult local = LogLogSlope.local(x, y, null);

        assertThat(local.points()).isEqualTo(11);
        assertThat(local.alpha()).isCloseTo(0.08, within(1e-12));
    }

    @Test
    void shouldWidenTheLocalWindowToTheLastThreePointsWhenItHoldsFewer() {
        // Unsorted, sparse end: only the last point lies in the last 30 % of the span.
        double[] x = {100, 1, 2, 3, 4, 10};
        double[] y = pureLaw(x, 3, 0.2);

        SlopeResult local = LogLogSlope.local(x, y, null);

        assertThat(local.points()).isEqualTo(3);
        assertThat(local.alpha()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void shouldWidenTheStandardErrorWhenNeighbouringPointsShareTheirNoise() {
        // AR(1) noise with φ = 0.9 on a clean power law: neighbouring residuals agree, so the plain least-squares
        // standard error understates the slope's uncertainty; the Newey–West one must not.
        java.util.Random rnd = new java.util.Random(5);
        int n = 48;
        double[] x = new double[n];
        double[] y = new double[n];
        double e = 0;
        for (int i = 0; i < n; i++) {
            x[i] = Math.pow(10, i / 16.0);
            e = 0.9 * e + 0.01 * rnd.nextGaussian();
            y[i] = 3 * Math.pow(x[i], -0.1) * Math.exp(e);
        }
        PowerLawData d = PowerLawData.of(x, y, null);
        LogLogLine line = LogLogLine.fit(d.lnX, d.lnY, d.w, d.n);
        SlopeResult s = LogLogSlope.fit(x, y, null);
        assertThat(s.alphaStdErr()).isGreaterThan(1.5 * Math.sqrt(line.slopeVar()));
    }
}
