package dev.satwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.sim.FleetSpec;
import dev.satwatch.track.TrackerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detection-quality targets of the issue, asserted on the benchmark fleet ({@value DetectionQualityBench#RUNS}
 * runs, seed {@value DetectionQualityBench#SEED}, default thresholds, true laws supplied).
 */
class DetectionQualityTest {

    private static DetectionQualityBench.Report report;

    @BeforeAll
    static void runFleet() {
        report = DetectionQualityBench.run(
                FleetSpec.defaults(DetectionQualityBench.RUNS), DetectionQualityBench.SEED, TrackerConfig.defaults());
    }

    @Test
    void shouldFlagAtLeast95PercentOfSaturatingRunsBy40PercentOfTheirBudget() {
        assertThat(report.saturation().runs()).isGreaterThanOrEqualTo(40);
        assertThat(report.saturation().recall()).as(report.markdown()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void shouldRaiseNoAlertOnAtLeast98PercentOfHealthyRuns() {
        assertThat(report.healthyRuns()).isGreaterThanOrEqualTo(100);
        assertThat(report.healthyFalseRate()).as(report.markdown()).isLessThanOrEqualTo(0.02);
    }

    @Test
    void shouldDetectEveryInjectedDivergenceSpikeAndStall() {
        // Not targets of the issue, but the fleet injects unmistakable anomalies (≥ 10 % spikes at 0.3 % noise,
        // 4 %-per-point rises ending in NaN, silences of hours): missing one would be a bug. Rows 3–5.
        for (int row = 3; row <= 5; row++) {
            assertThat(report.rows().get(row).recall())
                    .as(report.rows().get(row).alert() + "\n" + report.markdown())
                    .isEqualTo(1.0);
        }
    }
}
