package dev.satwatch.law;

import static dev.satwatch.law.SyntheticFleet.TRUTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The publication gate of DESIGN §6 on seeded synthetic fleets (0.3 % noise, 40 points per run). */
class LawPublishPolicyTest {

    private static final LawCalibrator CALIBRATOR = LawCalibrator.create();
    private static final LawPublishPolicy DEFAULTS = LawPublishPolicy.defaults();

    private static List<CalibrationRun> fleet(double[] d1, ReuseLaw law, long seed) {
        return SyntheticFleet.fleet(law, d1, 40, 0.003, seed);
    }

    @Test
    void shouldPublishALawFromFourRunsOverFourD1ThatPredictsHeldOutRuns() {
        LawPublication p = DEFAULTS.evaluate(CALIBRATOR, fleet(new double[] {10, 60, 360, 2000}, TRUTH, 1));

        assertThat(p.reasons()).isEmpty();
        assertThat(p.publishable()).isTrue();
        assertThat(p.runs()).isEqualTo(4);
        assertThat(p.distinctD1()).isEqualTo(4);
        assertThat(p.leaveOneOut()).hasSize(4);
        assertThat(p.looMedianAbsRelErr()).isLessThan(0.02);
    }

    @Test
    void shouldRefuseThreeRunsWithoutSpendingTheLeaveOneOutFits() {
        LawPublication p = DEFAULTS.evaluate(CALIBRATOR, fleet(new double[] {10, 200, 2000}, TRUTH, 2));

        assertThat(p.publishable()).isFalse();
        assertThat(p.reasons()).containsExactly("too few runs: 3 < law.min.runs 4");
        assertThat(p.leaveOneOut())
                .as("not computed once a cheaper check failed")
                .isNull();
        assertThat(p.looMedianAbsRelErr()).isNaN();
    }

    @Test
    void shouldRefuseFourRunsOverTwoDistinctD1() {
        LawPublication p = DEFAULTS.evaluate(CALIBRATOR, fleet(new double[] {10, 10, 2000, 2000}, TRUTH, 3));

        assertThat(p.reasons()).containsExactly("too few distinct D1: 2 < law.min.distinct.d1 3");
    }

    @Test
    void shouldRefuseALawThatMispredictsHeldOutRuns() {
        // Each run follows its own E (1.2 to 3.0): no joint law predicts a held-out run's last loss within 2 %.
        double[] d1 = {10, 60, 360, 2000};
        double[] e = {3.0, 1.2, 2.6, 1.5};
        List<CalibrationRun> runs = new ArrayList<>();
        for (int i = 0; i < d1.length; i++) {
            ReuseLaw law = new ReuseLaw(TRUTH.a(), TRUTH.alpha1(), TRUTH.alpha2(), TRUTH.alpha3(), e[i]);
            runs.add(fleet(new double[] {d1[i]}, law, 10 + i).get(0));
        }

        LawPublication p = DEFAULTS.evaluate(CALIBRATOR, runs);

        assertThat(p.publishable()).isFalse();
        assertThat(p.looMedianAbsRelErr()).isGreaterThan(0.02);
        assertThat(p.reasons()).singleElement().asString().startsWith("leave-one-out median |rel err| ");
        assertThat(new LawPublishPolicy(4, 3, Double.POSITIVE_INFINITY)
                        .evaluate(CALIBRATOR, runs)
                        .publishable())
                .as("the check switched off")
                .isTrue();
    }

    @Test
    void shouldTakeTheMedianOfAbsoluteErrorsCountingUnknownOnesAsInfinite() {
        List<LeaveOneOut> loo = List.of(
                new LeaveOneOut("a", 1, 1, -0.03),
                new LeaveOneOut("b", 1, 1, 0.01),
                new LeaveOneOut("c", 1, 1, Double.NaN),
                new LeaveOneOut("d", 1, 1, 0.005));

        // |errors| sorted: 0.005, 0.01, 0.03, ∞ → median (0.01 + 0.03) / 2.
        assertThat(LawPublishPolicy.medianAbsRelErr(loo)).isEqualTo(0.02);
        assertThat(LawPublishPolicy.medianAbsRelErr(List.of())).isNaN();
    }

    @Test
    void shouldRejectBoundsThatCannotIdentifyALaw() {
        assertThatThrownBy(() -> new LawPublishPolicy(0, 3, 0.02)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LawPublishPolicy(4, 1, 0.02)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LawPublishPolicy(4, 3, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
