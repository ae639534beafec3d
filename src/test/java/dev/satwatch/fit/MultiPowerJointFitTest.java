package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiPowerJointFitTest {

    /** Shared law; C, β and γ are on the fitter's grid, α and B are not. */
    private static final double ALPHA = 0.4;

    private static final double B = 120;
    private static final double C = 1.0;
    private static final double BETA = 0.5;
    private static final double GAMMA = 0.5;

    /**
     * A trajectory that follows {@code y = l0 + a·S1^(−0.4) − 120·LD} exactly: warmup to 1e-3 by step 300, constant
     * to {@code decayAt}, linear decay to 1e-5 over {@code decaySteps}, logged every 100 steps.
     */
    static MultiPowerJointFit.Trajectory trajectory(double l0, double a, int decayAt, int decaySteps) {
        MultiPowerLaw.Path path = new MultiPowerLaw.Path();
        List<double[]> rows = new ArrayList<>();
        for (int step = 100; step <= decayAt + decaySteps; step += 100) {
            double lr = step <= decayAt
                    ? Math.min(1e-3, 1e-3 * step / 300)
                    : 1e-3 + (1e-5 - 1e-3) * (step - decayAt) / (double) decaySteps;
            path.advance(step, lr);
            double ld = path.ld(path.s1(), path.pieces(), C, BETA, GAMMA);
            rows.add(new double[] {path.s1(), path.pieces(), l0 + a * Math.pow(path.s1(), -ALPHA) - B * ld});
        }
        int n = rows.size();
        double[] s1 = new double[n];
        int[] pieces = new int[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            s1[i] = rows.get(i)[0];
            pieces[i] = (int) rows.get(i)[1];
            y[i] = rows.get(i)[2];
            w[i] = 1;
        }
        return new MultiPowerJointFit.Trajectory(s1, pieces, y, w, path);
    }

    @Test
    void shouldRecoverTheSharedLawOfExactlyGeneratedTrajectoriesWithTheirOwnLevels() {
        List<MultiPowerJointFit.Trajectory> ts = List.of(
                trajectory(2.5, 0.5, 4000, 600), trajectory(2.9, 0.3, 8000, 4000), trajectory(2.2, 0.8, 12000, 9000));

        MultiPowerJointFit.Result r = MultiPowerJointFit.create().fit(ts);

        // Exact data: C, β, γ are grid values and come back exactly; α only to the golden section's tolerance
        // (30 iterations on ln α between grid neighbours: measured |Δα| = 2e-8, |ΔB| = 1e-5), B with it.
        assertThat(r.ok()).isTrue();
        assertThat(r.c()).isCloseTo(C, within(1e-12));
        assertThat(r.beta()).isCloseTo(BETA, within(1e-12));
        assertThat(r.gamma()).isCloseTo(GAMMA, within(1e-12));
        assertThat(r.alpha()).isCloseTo(ALPHA, within(1e-5));
        assertThat(r.b()).isCloseTo(B, within(1e-4 * B));
        assertThat(r.perTrajectoryB()).hasSize(3);
        for (double bj : r.perTrajectoryB()) {
            assertThat(bj).isCloseTo(B, within(1e-3 * B));
        }
    }

    @Test
    void shouldFitASubsetOfThePreparedTrajectoriesAsIfOnlyThoseWereGiven() {
        List<MultiPowerJointFit.Trajectory> ts = List.of(
                trajectory(2.5, 0.5, 4000, 600), trajectory(2.9, 0.3, 8000, 4000), trajectory(2.2, 0.8, 12000, 9000));
        MultiPowerJointFit fitter = MultiPowerJointFit.create();

        MultiPowerJointFit.Result subset = fitter.prepare(ts).fit(new boolean[] {true, false, true});
        MultiPowerJointFit.Result direct = fitter.fit(List.of(ts.get(0), ts.get(2)));

        assertThat(subset.trajectories()).isEqualTo(2);
        assertThat(subset.alpha()).isEqualTo(direct.alpha());
        assertThat(subset.b()).isEqualTo(direct.b());
        assertThat(subset.c()).isEqualTo(direct.c());
    }

    @Test
    void shouldFailWithoutAnyTrajectoryWhoseLrDrops() {
        MultiPowerJointFit.Result r =
                MultiPowerJointFit.create().fit(List.of(trajectory(2.5, 0.5, 6000, 0), trajectory(2.7, 0.4, 9000, 0)));

        assertThat(r.ok()).isFalse();
        assertThat(r.b()).isNaN();
    }
}
