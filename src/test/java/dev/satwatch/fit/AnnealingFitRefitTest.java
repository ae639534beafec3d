package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnnealingFitRefitTest {

    private final AnnealingFit fitter = AnnealingFit.create();

    @Test
    void shouldMatchTheFullSearchWhenWarmStartedFromTheFitOneBinEarlier() {
        AnnealingResult previous = fitter.fit(AnnealingCurves.points(true, 19900));
        AnnealingPoints now = AnnealingCurves.points(true, 20000);

        AnnealingResult warm = fitter.refit(now, previous);
        AnnealingResult full = fitter.fit(now, previous.lambdaIndex());

        // Brent stops within ~1e-9 in ln α; the full search's golden section within ~2e-7 (AnnealingFitTest).
        assertThat(warm.alpha()).isCloseTo(full.alpha(), within(1e-6));
        assertThat(warm.l0()).isCloseTo(full.l0(), within(1e-6));
        assertThat(warm.c()).isCloseTo(full.c(), within(1e-6));
        assertThat(warm.rss()).isLessThanOrEqualTo(full.rss() * (1 + 1e-9));
        assertThat(warm.evaluations()).isLessThan(full.evaluations() / 2);
    }

    @Test
    void shouldFallBackToTheFullSearchWhenThePreviousAlphaIsFarOff() {
        AnnealingResult stale = fitter.fit(AnnealingCurves.points(false, 20000), AnnealingCurves.LAMBDA_0999);
        AnnealingResult far = new AnnealingResult(
                stale.l0(),
                stale.a(),
                0.2,
                stale.c(),
                stale.lambdaIndex(),
                false,
                null,
                stale.l0Interval(),
                stale.aInterval(),
                stale.alphaInterval(),
                stale.cInterval(),
                stale.rss(),
                stale.points(),
                0,
                true);

        AnnealingResult r = fitter.refit(AnnealingCurves.points(false, 20000), far);

        assertThat(r.alpha()).isCloseTo(0.55, within(1e-6));
    }

    @Test
    void shouldKeepAGivenC() {
        AnnealingResult previous =
                fitter.fitWithC(AnnealingCurves.points(false, 13900), 0.4, AnnealingCurves.LAMBDA_0999);

        AnnealingResult r = fitter.refit(AnnealingCurves.points(false, 14000), previous);

        assertThat(r.cFixed()).isTrue();
        assertThat(r.c()).isEqualTo(0.4);
        assertThat(r.alpha()).isCloseTo(0.55, within(1e-6));
    }
}
