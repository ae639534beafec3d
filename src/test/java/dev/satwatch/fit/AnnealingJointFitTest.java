package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnealingJointFitTest {

    private static final int LAMBDA_0998 = 3;

    /**
     * A trajectory that follows {@code y = l0 + a·S1^(−0.4) − 0.35·S2} (λ = 0.998) exactly: warmup to 1e-3 by step
     * 300, constant to {@code decayAt}, linear decay to 0 over {@code decaySteps}, logged every 100 steps.
     */
    private static AnnealingPoints trajectory(double l0, double a, int decayAt, int decaySteps) {
        ScheduleState state = new ScheduleState();
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        for (int step = 100; step <= decayAt + decaySteps; step += 100) {
            double lr = step <= decayAt
                    ? Math.min(1e-3, 1e-3 * step / 300)
                    : 1e-3 * (1 - (step - decayAt) / (double) decaySteps);
            state.advance(step, lr);
            b.add(state, l0 + a * Math.pow(state.s1(), -0.4) - 0.35 * state.s2(LAMBDA_0998));
        }
        return b.build();
    }

    @Test
    void shouldRecoverTheSharedAlphaCAndLambdaOfExactlyGeneratedTrajectoriesWithTheirOwnLevels() {
        List<AnnealingPoints> ts = List.of(
                trajectory(2.5, 0.5, 4000, 2000), trajectory(2.9, 0.3, 8000, 4000), trajectory(2.2, 0.8, 12000, 1500));

        AnnealingJointFit.Result r = AnnealingJointFit.create().fit(ts);

        // Exact data: only the golden-section tolerance on α remains (measured well below these bounds).
        assertThat(r.ok()).isTrue();
        assertThat(r.lambdaIndex()).isEqualTo(LAMBDA_0998);
        assertThat(r.alpha()).isCloseTo(0.4, within(1e-5));
        assertThat(r.c()).isCloseTo(0.35, within(1e-6));
        assertThat(r.perTrajectoryC()).hasSize(3);
        for (double c : r.perTrajectoryC()) {
            assertThat(c).isCloseTo(0.35, within(1e-5));
        }
        assertThat(r.converged()).isTrue();
    }

    @Test
    void shouldFitLevelAndAmplitudeOfAPrefixGivenAlphaAndC() {
        AnnealingPoints prefix = trajectory(2.7, 0.6, 6000, 0);

        AnnealingResult f = AnnealingFit.create().fitFixed(prefix, 0.4, 0.35, LAMBDA_0998);

        assertThat(f.l0()).isCloseTo(2.7, within(1e-9));
        assertThat(f.a()).isCloseTo(0.6, within(1e-9));
        assertThat(f.cFixed()).isTrue();
        assertThat(f.predictStdErr(10.0, 0.0)).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void shouldFailWithoutAnyTrajectoryWhoseS2Varies() {
        List<AnnealingPoints> ts = new ArrayList<>();
        ts.add(trajectory(2.5, 0.5, 6000, 0));

        AnnealingJointFit.Result r = AnnealingJointFit.create().fit(ts);

        assertThat(r.ok()).isFalse();
        assertThat(r.c()).isNaN();
    }
}
