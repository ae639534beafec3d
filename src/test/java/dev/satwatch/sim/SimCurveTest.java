package dev.satwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.event.LossPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimCurveTest {

    private static final double T = 20e9;
    private static final long TPS = 1L << 20;

    private static LrSchedule schedule(LrSchedule.Type type) {
        return new LrSchedule(type, T, 0.01 * T, 0.2, LrSchedule.CooldownShape.LINEAR, 3e-4, 0);
    }

    private static SimCurve curve(LrSchedule s, double bump, double noise, double phi, long every) {
        return new SimCurve(
                "c", 300e9, 0.25, 0.8, 1.9, s, 0.04, bump, bump > 0 ? 0.01 * T : 0, TPS, every, noise, phi, 7);
    }

    @Test
    void shouldFollowTheStablePowerLawUnderAConstantLearningRate() {
        SimCurve c = curve(schedule(LrSchedule.Type.CONSTANT), 0, 0, 0, 50);
        for (double f : new double[] {0.05, 0.3, 1.0}) {
            // After warmup the forward area is peak × (D2 − warmup/2).
            assertThat(c.loss(f * T)).isCloseTo(c.lawLoss(f * T - 0.005 * T), within(1e-12));
            assertThat(c.loss(f * T)).isEqualTo(c.stableLoss(f * T));
        }
        assertThat(c.finalLoss()).isEqualTo(c.stableLoss(T));
        assertThat(c.trueLossGivenUp(T)).isZero();
    }

    @Test
    void shouldDropBelowTheStableLawDuringTheCooldownByTheAnnealGain() {
        SimCurve c = curve(schedule(LrSchedule.Type.WSD), 0, 0, 0, 50);
        assertThat(c.loss(0.79 * T)).isEqualTo(c.stableLoss(0.79 * T));
        assertThat(c.loss(0.9 * T)).isLessThan(c.stableLoss(0.9 * T));
        // The LR falls linearly to 0 over the last 20 %: the area at the end is that of a constant LR stopped at 90 %,
        // and the annealing term is the full 4 % of the stable loss at the start of the cooldown.
        double bonus = 0.04 * c.stableLoss(0.8 * T);
        assertThat(c.finalLoss()).isCloseTo(c.stableLoss(0.9 * T) - bonus, within(1e-12));
        assertThat(c.lr(0.9 * T)).isCloseTo(1.5e-4, within(1e-12));
    }

    @Test
    void shouldGiveUpTheStableGainLeftWhenStoppedEarly() {
        SimCurve c = curve(schedule(LrSchedule.Type.WSD), 0, 0, 0, 50);
        double at30 = c.trueLossGivenUp(0.3 * T);
        assertThat(at30).isCloseTo((c.stableLoss(0.3 * T) - c.stableLoss(0.8 * T)) / c.finalLoss(), within(1e-15));
        assertThat(at30).isGreaterThan(c.trueLossGivenUp(0.5 * T)).isGreaterThan(0);
        assertThat(c.trueLossGivenUp(0.8 * T)).isZero();
        assertThat(c.trueLossGivenUp(0.95 * T)).isZero();
    }

    @Test
    void shouldRiseFirstThenJoinThePowerLawOnAGrowthRun() {
        SimCurve grown = curve(schedule(LrSchedule.Type.WSD), 0.03, 0, 0, 50);
        SimCurve plain = curve(schedule(LrSchedule.Type.WSD), 0, 0, 0, 50);
        assertThat(grown.loss(0.01 * T)).isGreaterThan(grown.loss(0.002 * T));
        assertThat(grown.loss(0.01 * T)).isCloseTo(1.03 * plain.loss(0.01 * T), within(1e-9));
        // exp(−9) of the 3 % bump remains at ten times the peak: below 1e-5 of the loss.
        assertThat(grown.loss(0.1 * T) / plain.loss(0.1 * T) - 1).isBetween(0.0, 1e-5);
    }

    @Test
    void shouldDrawLogLossNoiseWithTheRequestedSizeAndAutocorrelation() {
        // 20 000 points: the sample σ and lag-one correlation are within about ±0.02 (3 standard errors ≈ 0.02 for ρ).
        for (double phi : new double[] {0.0, 0.8}) {
            SimCurve c = curve(schedule(LrSchedule.Type.CONSTANT), 0, 0.01, phi, 1);
            List<LossPoint> points = c.points(1.0);
            assertThat(points).hasSize((int) (T / TPS));
            double[] eps = points.stream()
                    .mapToDouble(p -> Math.log(p.loss() / c.loss(p.d2Tokens())))
                    .toArray();
            double mean = 0;
            for (double e : eps) {
                mean += e / eps.length;
            }
            double var = 0;
            double cov = 0;
            for (int i = 0; i < eps.length; i++) {
                var += (eps[i] - mean) * (eps[i] - mean);
                if (i > 0) {
                    cov += (eps[i] - mean) * (eps[i - 1] - mean);
                }
            }
            assertThat(Math.sqrt(var / eps.length)).as("σ at φ=" + phi).isCloseTo(0.01, within(0.001));
            assertThat(cov / var).as("ρ at φ=" + phi).isCloseTo(phi, within(0.03));
            assertThat(points.get(100).lr()).isEqualTo(c.lr(points.get(100).d2Tokens()));
        }
    }

    @Test
    void shouldDrawTheSamePointsForTheSameSeed() {
        SimCurve c = curve(schedule(LrSchedule.Type.COSINE), 0.02, 0.005, 0.6, 50);
        assertThat(c.points(1.0)).isEqualTo(c.points(1.0));
        assertThat(c.points(0.5))
                .isEqualTo(c.points(1.0).subList(0, c.points(0.5).size()));
    }
}
