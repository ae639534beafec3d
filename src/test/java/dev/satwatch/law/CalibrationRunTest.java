package dev.satwatch.law;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CalibrationRunTest {

    @Test
    void shouldCopyItsArraysSoCallersCannotMutateIt() {
        double[] d2 = {1, 2};
        double[] loss = {3, 2.5};
        CalibrationRun run = CalibrationRun.of("r", 10, d2, loss);

        d2[0] = 99;
        run.loss()[1] = 99;

        assertThat(run.d2()).containsExactly(1, 2);
        assertThat(run.loss()).containsExactly(3, 2.5);
        assertThat(run.weight()).isNull();
        assertThat(run.weightAt(0)).isEqualTo(1.0);
    }

    @Test
    void shouldCompareArraysByContent() {
        CalibrationRun a = CalibrationRun.of("r", 10, new double[] {1, 2}, new double[] {3, 2.5});
        CalibrationRun b = CalibrationRun.of("r", 10, new double[] {1, 2}, new double[] {3, 2.5});

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(CalibrationRun.of("r", 10, new double[] {1, 2}, new double[] {3, 2.4}));
    }

    @Test
    void shouldRejectArraysOfDifferentLengths() {
        assertThatThrownBy(() -> CalibrationRun.of("r", 10, new double[] {1, 2}, new double[] {3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r");
        assertThatThrownBy(() -> new CalibrationRun("r", 10, new double[] {1}, new double[] {3}, new double[2]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
