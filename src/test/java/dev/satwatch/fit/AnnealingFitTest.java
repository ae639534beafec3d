package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnnealingFitTest {

    private final AnnealingFit fitter = AnnealingFit.create();

    @Test
    void shouldRecoverTheParametersOfAnExactlyGeneratedCurve() {
        AnnealingResult r = fitter.fit(AnnealingCurves.points(false, 20000));

        assertThat(r.converged()).isTrue();
        assertThat(r.lambdaIndex()).isEqualTo(AnnealingCurves.LAMBDA_0999);
        assertThat(r.l0()).isCloseTo(2.6, within(1e-7));
        assertThat(r.a()).isCloseTo(0.45, within(1e-7));
        assertThat(r.alpha()).isCloseTo(0.55, within(1e-6));
        assertThat(r.c()).isCloseTo(0.4, within(1e-6));
        // Golden section stops α within ~1e-8 (measured rss 1.7e-15), not at machine precision.
        assertThat(r.rss()).isLessThan(1e-12);
    }

    @Test
    void shouldAgreeWithScipyLeastSquaresOnTheNoisyCurve() {
        // python3 scripts/annealing_reference.py: scipy 1.17.1 least_squares('lm', xtol=ftol=1e-15) at λ = 0.999
        // on the same 200 points: L0 2.5999160927236815, A 0.4501029307829685, α 0.5499711518631326,
        // C 0.3999233663662357, rss 0.00019877251691950538.
        AnnealingResult r = fitter.fit(AnnealingCurves.points(true, 20000), AnnealingCurves.LAMBDA_0999);

        assertThat(r.l0()).isCloseTo(2.5999160927236815, within(1e-6));
        assertThat(r.a()).isCloseTo(0.4501029307829685, within(1e-6));
        assertThat(r.alpha()).isCloseTo(0.5499711518631326, within(1e-6));
        assertThat(r.c()).isCloseTo(0.3999233663662357, within(1e-6));
        assertThat(r.rss()).isCloseTo(0.00019877251691950538, within(1e-12));
        assertThat(r.points()).isEqualTo(200);
        // The truth lies inside each 95 % interval.
        assertThat(r.l0Interval().contains(2.6)).isTrue();
        assertThat(r.aInterval().contains(0.45)).isTrue();
        assertThat(r.alphaInterval().contains(0.55)).isTrue();
        assertThat(r.cInterval().contains(0.4)).isTrue();
    }

    @Test
    void shouldFitAConstantLrPrefixWithAGivenCAndPredictTheCooldown() {
        // Up to step 14,000 the LR is constant after warmup: S2 ≡ 0, C is not identified and must be given.
        AnnealingPoints prefix = AnnealingCurves.points(false, 14000);
        AnnealingResult free = fitter.fit(prefix, AnnealingCurves.LAMBDA_0999);
        AnnealingResult withC = fitter.fitWithC(prefix, 0.4, AnnealingCurves.LAMBDA_0999);

        assertThat(free.converged()).isFalse(); // singular design: S2 is constant
        assertThat(withC.cFixed()).isTrue();
        assertThat(withC.alpha()).isCloseTo(0.55, within(1e-6));
        assertThat(withC.l0()).isCloseTo(2.6, within(1e-7));
        // Prediction at the end of the decay (step 18,000) with the sums of the reference script.
        double predicted = withC.predict(4.787985000001192, 0.2038001000045172);
        double truth = 2.6 + 0.45 * Math.pow(4.787985000001192, -0.55) - 0.4 * 0.2038001000045172;
        assertThat(predicted).isCloseTo(truth, within(1e-7));
    }

    @Test
    void shouldFailOnTooFewPoints() {
        AnnealingResult r = fitter.fit(AnnealingCurves.points(false, 300), 0);

        assertThat(r.converged()).isFalse();
        assertThat(r.l0()).isNaN();
    }

    @Test
    void shouldGiveAPredictionErrorThatGrowsAwayFromTheData() {
        AnnealingResult r = fitter.fitWithC(AnnealingCurves.points(true, 10000), 0.4, AnnealingCurves.LAMBDA_0999);

        double near = r.predictStdErr(2.9, 0);
        double far = r.predictStdErr(20, 0);
        assertThat(near).isPositive();
        assertThat(far).isGreaterThan(near);
    }
}
