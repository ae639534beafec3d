package dev.satwatch.plot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.PowerLawFitter;
import dev.satwatch.law.ReuseLaw;
import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;

/** {@code fit --plot}: a key for every run however many, and dashes only for the law. */
class CurvePlotTest {

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
}
