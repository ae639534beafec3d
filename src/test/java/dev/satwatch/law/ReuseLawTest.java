package dev.satwatch.law;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReuseLawTest {

    private static final ReuseLaw LAW = new ReuseLaw(8.0, 0.15, 0.45, 0.04, 1.7);

    @Test
    void shouldLowerTheD2ExponentLogarithmicallyWithD1() {
        assertThat(LAW.alphaAt(1)).isCloseTo(0.45, within(1e-15));
        assertThat(LAW.alphaAt(100)).isCloseTo(0.45 - 0.04 * Math.log(100), within(1e-15));
        assertThat(LAW.alphaAt(0)).isNaN();
    }

    @Test
    void shouldComputeTheJointLawLoss() {
        // 8·300^−0.15·20^−(0.45−0.04·ln 300) + 1.7, evaluated term by term.
        double alpha = 0.45 - 0.04 * Math.log(300);
        double expected = 8.0 * Math.pow(300, -0.15) * Math.pow(20, -alpha) + 1.7;

        assertThat(LAW.loss(300, 20)).isCloseTo(expected, within(1e-12));
        assertThat(LAW.amplitudeAt(300)).isCloseTo(8.0 * Math.pow(300, -0.15), within(1e-12));
        assertThat(LAW.loss(300, 0)).isNaN();
        assertThat(LAW.loss(Double.NaN, 1)).isNaN();
    }

    @Test
    void shouldGiveAMarginalGainEqualToTheNumericDerivative() {
        double d1 = 300;
        double d2 = 20;
        double h = 1e-4;
        // Central difference: truncation error O(h²) ≈ 1e-9 relative here.
        double numeric = -(LAW.loss(d1, d2 + h) - LAW.loss(d1, d2 - h)) / (2 * h);

        assertThat(LAW.marginalGainPerBillion(d1, d2)).isCloseTo(numeric, within(1e-8));
        assertThat(LAW.gainBetween(d1, 10, 20)).isPositive();
    }

    @Test
    void shouldInvertLossWithTokensToReach() {
        for (double d1 : new double[] {10, 300, 2000}) {
            for (double d2 : new double[] {0.5, 7, 100}) {
                double loss = LAW.loss(d1, d2);
                assertThat(LAW.tokensToReach(d1, loss)).isCloseTo(d2, within(1e-9 * d2));
            }
        }
        assertThat(LAW.tokensToReach(300, LAW.e())).isInfinite();
        assertThat(LAW.tokensToReach(300, Double.NaN)).isNaN();
    }

    @Test
    void shouldPlaceSaturationWhereTheExponentReachesZero() {
        double saturation = LAW.saturationD1();

        assertThat(saturation).isCloseTo(Math.exp(0.45 / 0.04), within(1e-6 * saturation));
        assertThat(LAW.alphaAt(saturation)).isCloseTo(0.0, within(1e-12));
        assertThat(LAW.marginalGainPerBillion(saturation * 2, 10)).isZero();
        assertThat(LAW.tokensToReach(saturation * 2, LAW.loss(saturation * 2, 10) - 0.01))
                .isInfinite();
        assertThat(new ReuseLaw(8, 0.15, 0.45, 0, 1.7).saturationD1()).isInfinite();
    }

    @Test
    void shouldConvertTokensToBillions() {
        assertThat(ReuseLaw.billions(3.0e11)).isEqualTo(300.0);
    }

    @Test
    void shouldComputeTheExponentsStandardErrorFromTheFullCovariance() {
        // Var α2 = 4e-4, Var α3 = 1e-6, Cov(α2, α3) = −1.6e-5 (correlation −0.8).
        double[][] rows = new double[5][5];
        rows[0][0] = 1e-2;
        rows[1][1] = 1e-4;
        rows[2][2] = 4e-4;
        rows[3][3] = 1e-6;
        rows[2][3] = -1.6e-5;
        rows[3][2] = -1.6e-5;
        rows[4][4] = 1e-3;
        ReuseLaw law = LAW.withCovariance(LawCovariance.of(rows, 0));
        double x = Math.log(300);

        double expected = Math.sqrt(4e-4 + x * x * 1e-6 - 2 * x * -1.6e-5);
        assertThat(law.alphaStdErr(300)).isCloseTo(expected, within(1e-15));
        // At D1 = 1 billion, ln D1 = 0: only α2's variance is left.
        assertThat(law.alphaStdErr(1)).isCloseTo(0.02, within(1e-15));
        LawInterval ci = law.alphaInterval(300);
        assertThat(ci.low()).isCloseTo(law.alphaAt(300) - 1.959963984540054 * expected, within(1e-12));
        assertThat(ci.high()).isCloseTo(law.alphaAt(300) + 1.959963984540054 * expected, within(1e-12));
        // α3 = 0.04 ± 1.96·0.001: saturation.
        assertThat(law.alpha3Interval().low()).isCloseTo(0.04 - 1.959963984540054e-3, within(1e-12));
        assertThat(law.alpha3Sign()).isEqualTo(Alpha3Sign.SATURATION);
        assertThat(law.alphaAt(300)).isEqualTo(LAW.alphaAt(300));
    }

    @Test
    void shouldGiveNaNUncertaintyWithoutACovariance() {
        assertThat(LAW.hasCovariance()).isFalse();
        assertThat(LAW.alphaStdErr(300)).isNaN();
        assertThat(LAW.alphaInterval(300).defined()).isFalse();
        assertThat(LAW.alpha3Sign()).isEqualTo(Alpha3Sign.UNKNOWN);
        assertThat(new ReuseLaw(8.0, 0.15, 0.45, 0.04, 1.7, null)).isEqualTo(LAW);
    }

    @Test
    void shouldCallAnAlpha3IntervalContainingZeroNotSignificant() {
        double[][] rows = new double[5][5];
        rows[3][3] = 0.03 * 0.03;
        ReuseLaw law = LAW.withCovariance(LawCovariance.of(rows, 100));

        assertThat(law.alpha3Interval().low()).isNegative();
        assertThat(law.alpha3Sign()).isEqualTo(Alpha3Sign.NOT_SIGNIFICANT);
        assertThat(law.alpha3Sign().description()).isEqualTo("not significant");
        // With 100 degrees of freedom the Student-t quantile replaces the normal one: 1.983971518523552 is
        // scipy 1.17.1 scipy.stats.t.ppf(0.975, 100).
        assertThat(law.alpha3Interval().high()).isCloseTo(0.04 + 1.983971518523552 * 0.03, within(1e-9));
    }
}
