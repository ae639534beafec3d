package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The one power-law formula and the Huber loss shared by the fit and the law calibration. */
class PowerLawTest {

    @Test
    void shouldEvaluateEPlusBTimesXToTheMinusAlpha() {
        PowerLaw law = new PowerLaw(1.5, 2.0, 0.5);

        assertThat(law.at(4.0)).isEqualTo(2.5);
        assertThat(law.at(1.0)).isEqualTo(3.5);
        assertThat(law.finite()).isTrue();
    }

    @Test
    void shouldBeNanWithoutACurve() {
        assertThat(PowerLaw.NONE.at(3.0)).isNaN();
        assertThat(PowerLaw.NONE.finite()).isFalse();
    }

    @Test
    void shouldPredictLikeTheFitsPowerLawForPositiveXAndNanOtherwise() {
        FitResult fit = new FitResult(1.5, 2.0, 0.5, 0, 0, 0, 0, 0, null, 0, 10, 1, true, Reliability.RELIABLE);

        assertThat(fit.predict(4.0)).isEqualTo(fit.powerLaw().at(4.0));
        assertThat(fit.predict(0.0)).isNaN();
    }

    @Test
    void shouldSquareThePseudoResidualToTwiceHubersLoss() {
        double delta = 0.1;
        for (double r : new double[] {-0.5, -0.1, -0.03, 0, 0.02, 0.1, 0.7}) {
            double h = Huber.pseudoResidual(r, delta);
            assertThat(h * h).isCloseTo(Huber.cost(r, delta), within(1e-15));
            assertThat(Huber.cost(r, delta)).isCloseTo(2 * Huber.loss(r, delta), within(1e-15));
            assertThat(Math.signum(h)).isEqualTo(Math.signum(r));
        }
        assertThat(Huber.psi(0.7, delta)).isEqualTo(delta);
        assertThat(Huber.weight(0.5, delta)).isCloseTo(0.2, within(1e-15));
        assertThat(Huber.pseudoResidualSlope(0.05, delta)).isEqualTo(1.0);
        double r = 0.4;
        double step = 1e-7;
        double numeric = (Huber.pseudoResidual(r + step, delta) - Huber.pseudoResidual(r - step, delta)) / (2 * step);
        assertThat(Huber.pseudoResidualSlope(r, delta)).isCloseTo(numeric, within(1e-6));
    }
}
