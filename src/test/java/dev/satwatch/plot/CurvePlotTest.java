package dev.satwatch.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.estimate.SchedulePrediction;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.PowerLawFitter;
import dev.satwatch.fit.ScheduleState;
import dev.satwatch.fit.ScheduleSummary;
import dev.satwatch.law.ReuseLaw;
import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * {@code fit --plot}: a key for every run however many, dashes only for the law, and for a run whose LR decays the
 * annealing law's curve for the rest of the plan (dotted) and the cool-down-now point with its interval.
 */
class CurvePlotTest {

    /** Warmup over 0.5 B tokens to 3e-4, then linear decay to 3e-5 at the 30 B budget; 1 M tokens a step. */
    static final PlannedSchedule LINEAR_DECAY =
            new PlannedSchedule(PlannedSchedule.LINEAR, 0.5e9, Double.NaN, null, 3e-4, 3e-5);

    static final double TOKENS_PER_STEP = 1e6;
    static final double BUDGET = 30e9;

    /** λ = 0.999, index 4 of {@link ScheduleState#lambdas()}. */
    static final int LAMBDA_0999 = 4;

    /** The annealing law the curve follows: {@code 2.6 + 0.45·S1^(−0.55) − 0.4·S2} at λ = 0.999. */
    static double lawLoss(ScheduleState s) {
        return 2.6 + 0.45 * Math.pow(s.s1(), -0.55) - 0.4 * s.s2(LAMBDA_0999);
    }

    /**
     * The linear-decay run to {@code lastStep}, a point every 100 steps with the LR logged, loss from {@link #lawLoss}
     * plus seeded Gaussian noise (sd 0.002): each row {step, D2, loss, lr}.
     */
    static List<double[]> decayingRun(int lastStep, long seed) {
        Random noise = new Random(seed);
        ScheduleState truth = new ScheduleState();
        List<double[]> rows = new ArrayList<>();
        for (int step = 100; step <= lastStep; step += 100) {
            double d2 = step * TOKENS_PER_STEP;
            double lr = LINEAR_DECAY.lrAt(d2, 0, BUDGET);
            truth.advance(step, lr);
            rows.add(new double[] {step, d2, lawLoss(truth) + 0.002 * noise.nextGaussian(), lr});
        }
        return rows;
    }

    /** The law's noiseless loss after following {@code lrAt} (an LR per D2) from step 100 to {@code lastStep}. */
    static double lawLossAt(int lastStep, java.util.function.DoubleUnaryOperator lrAt) {
        ScheduleState truth = new ScheduleState();
        for (int step = 100; step <= lastStep; step += 100) {
            truth.advance(step, lrAt.applyAsDouble(step * TOKENS_PER_STEP));
        }
        return lawLoss(truth);
    }

    static final ReuseLaw LAW = new ReuseLaw(4.0, 0.10, 0.40, 0.04, 1.7);

    /** A clean power law per run (D2 in raw tokens), fitted; alpha differs per run. */
    static List<CurvePlot.Run> runs(int n, ReuseLaw law) {
        PowerLawFitter fitter = PowerLawFitter.create();
        List<CurvePlot.Run> runs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            double alpha = 0.2 + 0.01 * r;
            double[] tokens = new double[40];
            double[] billions = new double[40];
            double[] loss = new double[40];
            for (int k = 0; k < 40; k++) {
                billions[k] = 0.5 * Math.pow(1.1, k);
                tokens[k] = billions[k] * 1e9;
                loss[k] = 2.0 + 1.5 * Math.pow(billions[k], -alpha);
            }
            FitResult fit = fitter.fit(billions, loss, null);
            runs.add(new CurvePlot.Run("run-" + r, tokens, loss, fit, law, law == null ? Double.NaN : 300, 50));
        }
        return runs;
    }

    static boolean dashed(XYSeries s) {
        BasicStroke stroke = s.getLineStyle();
        return stroke != null && stroke.getDashArray() != null;
    }

    @Test
    void shouldKeyEveryRunOfAThirtyRunPlotInTheLegend() {
        XYChart chart = CurvePlot.chart(runs(30, null), "fit");

        assertThat(chart.getStyler().isLegendVisible()).isTrue();
        List<String> keyed = chart.getSeriesMap().values().stream()
                .filter(XYSeries::isShowInLegend)
                .map(XYSeries::getName)
                .toList();
        assertThat(keyed).hasSize(30).allSatisfy(name -> assertThat(name).matches("run-\\d+ α=0\\.\\d{3}"));
    }

    @Test
    void shouldDrawFitsSolidAndNoDashesWithoutALaw() {
        XYChart chart = CurvePlot.chart(runs(30, null), "fit");

        List<XYSeries> lines = chart.getSeriesMap().values().stream()
                .filter(s -> s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Line)
                .toList();
        assertThat(lines).hasSize(30).allSatisfy(s -> assertThat(s.getLineStyle())
                .isEqualTo(SeriesLines.SOLID));
        assertThat(chart.getSeriesMap().values()).noneMatch(CurvePlotTest::dashed);
    }

    @Test
    void shouldDashOnlyTheLawsCurves() {
        XYChart chart = CurvePlot.chart(runs(3, LAW), "fit");

        assertThat(chart.getSeriesMap().values().stream().filter(CurvePlotTest::dashed))
                .extracting(XYSeries::getName)
                .containsExactly("run-0 law α=0.172", "run-1 law α=0.172", "run-2 law α=0.172");
        assertThat(chart.getTitle()).contains("dashed: law");
    }

    @Test
    void shouldDrawTheRestOfThePlannedScheduleDottedAndTheCoolDownNowPointWithItsInterval() {
        // Half-way through the budget (step 15,000: D2 15 B, LR about half the peak), the plan known.
        List<double[]> rows = decayingRun(15000, 42);
        ScheduleSummary summary = new ScheduleSummary();
        double[] d2 = new double[rows.size()];
        double[] loss = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double[] r = rows.get(i);
            summary.add(r[0], r[1], r[2], r[3]);
            d2[i] = r[1];
            loss[i] = r[2];
        }
        ScheduleForecast forecast = SchedulePrediction.forecast(summary, TOKENS_PER_STEP, LINEAR_DECAY, BUDGET, 0.1);
        assertThat(forecast.predicted()).as(forecast.note()).isTrue();
        assertThat(forecast.cKnown()).isTrue();
        assertThat(forecast.scheduleSource()).isEqualTo("planned");
        // The forecast is the law's: the planned end and a cooldown now (3 B tokens, to the plan's final LR) land
        // within 0.01 of the noiseless truth.
        double endTruth = lawLossAt(30000, t -> LINEAR_DECAY.lrAt(t, 0, BUDGET));
        double lrNow = LINEAR_DECAY.lrAt(15e9, 0, BUDGET);
        double coolTruth = lawLossAt(
                18000, t -> t <= 15e9 ? LINEAR_DECAY.lrAt(t, 0, BUDGET) : lrNow - (lrNow - 3e-5) * (t - 15e9) / 3e9);
        assertThat(forecast.finalLoss()).isCloseTo(endTruth, within(0.01));
        assertThat(forecast.cooldownTokens()).isEqualTo(3e9);
        assertThat(forecast.cooldownNowLoss()).isCloseTo(coolTruth, within(0.01));

        FitResult fit = PowerLawFitter.create().fit(billions(d2), loss, null);
        CurvePlot.Run decaying = new CurvePlot.Run("decay", d2, loss, fit, null, Double.NaN, 30, forecast);
        XYChart chart = CurvePlot.chart(List.of(decaying, runs(1, null).get(0)), "fit");

        List<String> keyed = chart.getSeriesMap().values().stream()
                .filter(XYSeries::isShowInLegend)
                .map(XYSeries::getName)
                .toList();
        assertThat(keyed)
                .hasSize(4)
                .contains("decay planned schedule (annealing law)")
                .anyMatch(name -> name.matches("decay cool down now \\d\\.\\d{3} \\[\\d\\.\\d{3}, \\d\\.\\d{3}\\]"))
                .noneMatch(name -> name.startsWith("run-0 planned") || name.startsWith("run-0 cool"));
        assertThat(chart.getTitle()).contains("dotted: planned schedule");

        XYSeries planned = chart.getSeriesMap().get("decay planned schedule (annealing law)");
        assertThat(planned.getLineStyle()).isSameAs(CurvePlot.SCHEDULE_STROKE);
        assertThat(planned.getLineColor())
                .isEqualTo(chart.getSeriesMap().get("decay fit").getLineColor());
        assertThat(planned.getXData()).hasSize(SchedulePrediction.KNOTS);
        assertThat(planned.getXMax()).isCloseTo(30.0, within(1e-9));
        assertThat(planned.getXMin()).isGreaterThan(15.0);

        XYSeries point = chart.getSeriesMap().values().stream()
                .filter(s -> s.getName().startsWith("decay cool down now ") && s.isShowInLegend())
                .findFirst()
                .orElseThrow();
        assertThat(point.getXData()).containsExactly(18.0);
        assertThat(point.getYData()).containsExactly(forecast.cooldownNowLoss());
        XYSeries bar = chart.getSeriesMap().get("decay cool down now 95% interval");
        assertThat(bar.getXData()).containsExactly(18.0, 18.0);
        assertThat(bar.getYData()).containsExactly(forecast.cooldownNowLow(), forecast.cooldownNowHigh());
        assertThat(forecast.cooldownNowLow()).isLessThan(forecast.cooldownNowLoss());
        assertThat(forecast.cooldownNowHigh()).isGreaterThan(forecast.cooldownNowLoss());
        // Only the law's curves are dashed; the dotted schedule curve is not one of them.
        assertThat(chart.getSeriesMap().values().stream().filter(CurvePlotTest::dashed))
                .extracting(XYSeries::getName)
                .containsExactly("decay planned schedule (annealing law)");
    }

    @Test
    void shouldDrawNothingMoreForAForecastThatWasNotMade() {
        CurvePlot.Run base = runs(1, null).get(0);
        CurvePlot.Run noted = new CurvePlot.Run(
                base.runId(),
                base.d2Tokens(),
                base.loss(),
                base.fit(),
                null,
                Double.NaN,
                50,
                ScheduleForecast.none(20e9, 50e9, "no learning rate"));

        XYChart chart = CurvePlot.chart(List.of(noted), "fit");

        assertThat(chart.getSeriesMap()).hasSize(2);
        assertThat(chart.getTitle()).doesNotContain("dotted");
    }

    private static double[] billions(double[] tokens) {
        double[] out = new double[tokens.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens[i] / 1e9;
        }
        return out;
    }
}
