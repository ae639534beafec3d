package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScheduleStateTest {

    @Test
    void shouldMatchTheStepByStepSumsOfTheReferenceScript() {
        // python3 scripts/annealing_reference.py (numpy 2.4, summed per step, no closed form), λ = 0.999.
        double[][] expected = {
            {5000, 1.4281199999999137, 0.0},
            {16000, 4.59305250000119, 0.0766843689693669},
            {18000, 4.787985000001192, 0.2038001000045172},
            {18300, 4.807821000001192, 0.21113335051556917},
            {20000, 5.058045000000667, 0.16209179657139272}
        };
        ScheduleState state = new ScheduleState();
        int e = 0;
        for (int step = 100; step <= 20000; step += 100) {
            state.advance(step, AnnealingCurves.lrAt(step));
            if (e < expected.length && step == expected[e][0]) {
                assertThat(state.s1()).as("S1 at %d", step).isCloseTo(expected[e][1], within(1e-10));
                assertThat(state.s2(AnnealingCurves.LAMBDA_0999))
                        .as("S2 at %d", step)
                        .isCloseTo(expected[e][2], within(1e-10));
                e++;
            }
        }
        assertThat(e).isEqualTo(expected.length);
    }

    @Test
    void shouldAgreeWithAStepByStepRecursionForEveryLambdaOnAnUnevenLog() {
        // Irregular logging (steps 7, 40, 41, 300, ...) and a cycle with re-warm: closed form == per-step sums.
        int[] logged = {7, 40, 41, 300, 1000, 1500, 1501, 2600, 4000, 4100, 6000};
        double[] lr = {1e-4, 5e-4, 1e-3, 1e-3, 1e-3, 2e-4, 2e-4, 8e-4, 0, 3e-4, 3e-4};
        double[] lambdas = ScheduleState.lambdas();
        ScheduleState state = new ScheduleState();
        double s1 = 0;
        double[] m = new double[lambdas.length];
        double[] s2 = new double[lambdas.length];
        double prev = lr[0];
        double max = lr[0];
        int from = 0;
        for (int j = 0; j < logged.length; j++) {
            state.advance(logged[j], lr[j]);
            for (int step = from + 1; step <= logged[j]; step++) {
                double eta = j == 0 ? lr[0] : lr[j - 1] + (lr[j] - lr[j - 1]) * (step - from) / (logged[j] - from);
                s1 += eta;
                double drop = eta > max ? 0 : prev - eta;
                max = Math.max(max, eta);
                for (int k = 0; k < lambdas.length; k++) {
                    m[k] = lambdas[k] * m[k] + drop;
                    s2[k] += m[k];
                }
                prev = eta;
            }
            from = logged[j];
            assertThat(state.s1()).as("S1 at %d", logged[j]).isCloseTo(s1, within(1e-12));
            for (int k = 0; k < lambdas.length; k++) {
                assertThat(state.s2(k))
                        .as("S2(λ=%s) at %d", lambdas[k], logged[j])
                        .isCloseTo(s2[k], within(1e-11));
                assertThat(state.momentum(k)).isCloseTo(m[k], within(1e-12));
            }
        }
    }

    @Test
    void shouldCountStepsAtAUnitLrWhenNoLrIsLogged() {
        ScheduleState state = new ScheduleState();
        state.advance(100, Double.NaN);
        state.advance(250, Double.NaN);

        assertThat(state.hasLr()).isFalse();
        assertThat(state.s1()).isEqualTo(250.0);
        assertThat(state.s2(0)).isZero();
    }

    @Test
    void shouldKeepTheLrOfThePreviousPointWhenAPointHasNone() {
        ScheduleState state = new ScheduleState();
        state.advance(100, 1e-3);
        state.advance(200, Double.NaN);

        assertThat(state.hasLr()).isTrue();
        assertThat(state.s1()).isCloseTo(0.2, within(1e-15));
        assertThat(state.s2(3)).isZero();
    }

    @Test
    void shouldGiveAnIndependentCopy() {
        ScheduleState a = new ScheduleState();
        a.advance(100, 1e-3);
        ScheduleState b = a.copy();
        b.advance(1100, 0);

        assertThat(a.s1()).isCloseTo(0.1, within(1e-15));
        assertThat(a.s2(3)).isZero();
        assertThat(b.s2(3)).isPositive();
    }
}
