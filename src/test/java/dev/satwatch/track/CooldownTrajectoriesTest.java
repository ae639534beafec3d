package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.fit.ScheduleState;
import org.junit.jupiter.api.Test;

class CooldownTrajectoriesTest {

    @Test
    void shouldCountTheStepsBeforeALateFirstPointAsALinearWarmupFromZero() {
        // As the schaipp runs: the first point at step 200, mid-warmup, at LR 6.7e-5.
        CooldownTrajectories.Walk walk = new CooldownTrajectories.Walk();

        walk.advance(200, 6.7e-5);

        // Σ_{i=1..200} 6.7e-5·i/200 = 6.7e-5·201/2 (per optimizer step), not 200 × 6.7e-5.
        double area = 6.7e-5 * 201 / 2;
        assertThat(walk.state.s1()).isCloseTo(area, within(1e-15));
        assertThat(walk.path.s1()).isCloseTo(area, within(1e-15));
        // A rise to a new maximum: no annealing area and no LR-drop piece.
        for (int k = 0; k < ScheduleState.LAMBDA_COUNT; k++) {
            assertThat(walk.state.s2(k)).isZero();
        }
        assertThat(walk.path.pieces()).isZero();
        assertThat(walk.step()).isEqualTo(200);
    }

    @Test
    void shouldStartAtTheFirstPointWhenItIsAtStepZeroOrLogsNoLr() {
        CooldownTrajectories.Walk atZero = new CooldownTrajectories.Walk();
        CooldownTrajectories.Walk noLr = new CooldownTrajectories.Walk();

        atZero.advance(0, 3e-4);
        atZero.advance(100, 3e-4);
        noLr.advance(100, Double.NaN);

        assertThat(atZero.state.s1()).isCloseTo(100 * 3e-4, within(1e-15));
        assertThat(noLr.state.s1()).isEqualTo(100.0); // no LR: unit LR, S1 counts steps, as before
    }
}
