package dev.satwatch.plot;

import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.FitResult;
import dev.satwatch.law.ReuseLaw;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws loss against D2 on log-log axes (XChart): per run, the observed points, the fitted curve
 * {@code E + B·D2^(−α)}, when a law applies the law's predicted curve, and when the schedule-aware annealing law
 * made a forecast the rest of the planned schedule's predicted curve (dotted) and the loss after a cooldown started
 * now (a diamond with its 95 % interval as a vertical bar). Runs on a headless JVM.
 */
public final class CurvePlot {

    /** Points per drawn curve. */
    private static final int CURVE_POINTS = 80;

    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)
    };

    /** The law's predicted curves, and nothing else, are dashed. */
    static final BasicStroke LAW_STROKE =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

    /** The annealing law's curve for the rest of the planned schedule, and nothing else, is dotted. */
    static final BasicStroke SCHEDULE_STROKE =
            new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.5f, 4f}, 0f);

    /** Legend label of the planned schedule's predicted curve (after the run id). */
    static final String SCHEDULE_LABEL = "planned schedule (annealing law)";

    /** Legend label of the cool-down-now point (after the run id). */
    static final String COOLDOWN_LABEL = "cool down now";

    /** Height of one legend line, to size the chart so that every run's entry shows. */
    private static final int LEGEND_LINE_PX = 20;

    private CurvePlot() {}

    /**
     * One run to draw.
     *
     * @param runId the run's label
     * @param d2Tokens observed D2 values (raw tokens)
     * @param loss observed losses
     * @param fit the run's fit (D2 in billions), or null
     * @param law the law of its setting, or null
     * @param d1 the base model's D1 in billions, NaN when from scratch
     * @param targetD2 the budget in billions, NaN when unknown (curves then end at the last point)
     * @param schedule the annealing law's forecast for the rest of the run, or null; drawn only when
     *     {@link ScheduleForecast#predicted()}
     */
    public record Run(
            String runId,
            double[] d2Tokens,
            double[] loss,
            FitResult fit,
            ReuseLaw law,
            double d1,
            double targetD2,
            ScheduleForecast schedule) {

        /** A run without a schedule forecast. */
        public Run(
                String runId,
                double[] d2Tokens,
                double[] loss,
                FitResult fit,
                ReuseLaw law,
                double d1,
                double targetD2) {
            this(runId, d2Tokens, loss, fit, law, d1, targetD2, null);
        }

        /** Whether the run has a forecast to draw. */
        boolean forecast() {
            return schedule != null && schedule.predicted();
        }
    }

    /** Writes a PNG of the runs to {@code out} (overwriting it). */
    public static void writePng(List<Run> runs, Path out, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = chart(runs, title);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = Files.newOutputStream(out)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * The chart of the runs: per run its points (the legend's entry: the run id and its fitted α), its fitted curve
     * as a solid line in the same colour, and its law's predicted curve dashed, only when a law applies; a run with a
     * schedule forecast adds its planned schedule's predicted curve, dotted, and the cool-down-now point with its
     * interval bar, both keyed in the legend. The legend sits beside the plot, one line per entry, and the chart
     * grows to hold it.
     */
    static XYChart chart(List<Run> runs, String title) {
        boolean anyLaw = runs.stream().anyMatch(r -> r.law() != null && r.d1() > 0);
        long forecasts = runs.stream().filter(Run::forecast).count();
        String key = anyLaw ? "solid: fit, dashed: law" : "lines: fit";
        if (forecasts > 0) {
            key += ", dotted: planned schedule";
        }
        XYChart chart = new XYChartBuilder()
                .width(1200)
                .height(Math.max(650, 140 + LEGEND_LINE_PX * (int) (runs.size() + 2 * forecasts)))
                .title(title + " (" + key + ")")
                .xAxisTitle("D2 (billions of tokens, log)")
                .yAxisTitle("loss (log)")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        // Loss curves span less than a decade: label the log axis between powers of ten too.
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);

        int i = 0;
        for (Run run : runs) {
            Color color = PALETTE[i++ % PALETTE.length];
            double[][] observed = positive(run.d2Tokens(), run.loss());
            if (observed[0].length == 0) {
                continue;
            }
            boolean fitted = run.fit() != null && run.fit().converged();
            XYSeries points = chart.addSeries(
                    run.runId() + (fitted ? " α=" + fmt(run.fit().alpha()) : ""), observed[0], observed[1]);
            points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            points.setMarker(SeriesMarkers.CIRCLE);
            points.setMarkerColor(color);

            double lo = observed[0][0];
            double hi = Math.max(observed[0][observed[0].length - 1], finiteOr(run.targetD2(), 0));
            if (fitted) {
                double[] xs = logspace(lo, hi);
                double[] ys = new double[xs.length];
                for (int k = 0; k < xs.length; k++) {
                    ys[k] = run.fit().predict(xs[k]);
                }
                XYSeries curve = chart.addSeries(run.runId() + " fit", xs, ys);
                curve.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                curve.setMarker(SeriesMarkers.NONE);
                curve.setLineColor(color);
                // XChart would cycle dash patterns over the series; dashed means the law, so fits are solid.
                curve.setLineStyle(SeriesLines.SOLID);
                curve.setShowInLegend(false);
            }
            if (run.law() != null && run.d1() > 0) {
                double[] xs = logspace(lo, hi);
                double[] ys = new double[xs.length];
                for (int k = 0; k < xs.length; k++) {
                    ys[k] = run.law().loss(run.d1(), xs[k]);
                }
                XYSeries predicted =
                        chart.addSeries(run.runId() + " law α=" + fmt(run.law().alphaAt(run.d1())), xs, ys);
                predicted.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                predicted.setMarker(SeriesMarkers.NONE);
                predicted.setLineColor(color);
                predicted.setLineStyle(LAW_STROKE);
                predicted.setShowInLegend(false);
            }
            if (run.forecast()) {
                addForecast(chart, run.runId(), run.schedule(), color);
            }
        }
        return chart;
    }

    /**
     * The forecast's curve for the rest of the planned schedule (dotted) and the loss after a cooldown started now: a
     * diamond at {@code (D2 now + K, loss)} and a solid vertical bar over its 95 % interval, all in the run's colour.
     * Parts with no positive finite numbers are left out.
     */
    private static void addForecast(XYChart chart, String runId, ScheduleForecast f, Color color) {
        // Say so when C is not fitted yet: the absolute losses then miss the cooldown gain (ScheduleForecast#cKnown).
        String caveat = f.cKnown() ? "" : ", cooldown gain not yet known";
        double[][] curve = positive(f.curveD2(), f.curveLoss());
        if (curve[0].length > 0) {
            XYSeries planned =
                    chart.addSeries(runId + " " + SCHEDULE_LABEL.replace(")", caveat + ")"), curve[0], curve[1]);
            planned.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            planned.setMarker(SeriesMarkers.NONE);
            planned.setLineColor(color);
            planned.setLineStyle(SCHEDULE_STROKE);
        }
        double x = ReuseLaw.billions(f.d2Tokens() + f.cooldownTokens());
        double y = f.cooldownNowLoss();
        if (!(x > 0 && y > 0) || !Double.isFinite(x + y)) {
            return;
        }
        XYSeries point = chart.addSeries(
                runId + " " + COOLDOWN_LABEL + " " + fmt(y) + " [" + fmt(f.cooldownNowLow()) + ", "
                        + fmt(f.cooldownNowHigh()) + "]",
                new double[] {x},
                new double[] {y});
        point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        point.setMarker(SeriesMarkers.DIAMOND);
        point.setMarkerColor(color);
        double low = f.cooldownNowLow();
        double high = f.cooldownNowHigh();
        if (low > 0 && high > low && Double.isFinite(high)) {
            XYSeries bar = chart.addSeries(
                    runId + " " + COOLDOWN_LABEL + " 95% interval", new double[] {x, x}, new double[] {low, high});
            bar.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            bar.setMarker(SeriesMarkers.NONE);
            bar.setLineColor(color);
            bar.setLineStyle(SeriesLines.SOLID);
            bar.setShowInLegend(false);
        }
    }

    /** The (x in billions, y) pairs with both positive and finite, sorted by x. */
    private static double[][] positive(double[] d2Tokens, double[] loss) {
        int n = Math.min(d2Tokens.length, loss.length);
        Integer[] idx = new Integer[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (d2Tokens[k] > 0 && loss[k] > 0 && Double.isFinite(d2Tokens[k]) && Double.isFinite(loss[k])) {
                idx[m++] = k;
            }
        }
        java.util.Arrays.sort(idx, 0, m, (a, b) -> Double.compare(d2Tokens[a], d2Tokens[b]));
        double[] x = new double[m];
        double[] y = new double[m];
        for (int k = 0; k < m; k++) {
            x[k] = ReuseLaw.billions(d2Tokens[idx[k]]);
            y[k] = loss[idx[k]];
        }
        return new double[][] {x, y};
    }

    private static double[] logspace(double lo, double hi) {
        double a = Math.log(lo);
        double b = Math.log(Math.max(hi, lo * 1.0001));
        double[] xs = new double[CURVE_POINTS];
        for (int k = 0; k < CURVE_POINTS; k++) {
            xs[k] = Math.exp(a + (b - a) * k / (CURVE_POINTS - 1));
        }
        return xs;
    }

    private static double finiteOr(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
