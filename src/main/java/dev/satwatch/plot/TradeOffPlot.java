package dev.satwatch.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The picture of {@code satwatch backtest --plot}: on the left the trade-off of each rule (share of the budget saved
 * against the largest loss given up, one point per threshold), on the right each run's stop (budget fraction at the
 * stop against the loss it gave up). XChart, headless.
 */
public final class TradeOffPlot {

    private TradeOffPlot() {}

    /**
     * A labelled point.
     *
     * @param label what the point is (a threshold, a run)
     * @param x its x
     * @param y its y
     */
    public record Point(String label, double x, double y) {}

    /** Writes the two charts side by side to {@code out} (PNG, overwritten). */
    public static void writePng(List<Point> satwatch, List<Point> plateau, List<Point> stops, Path out)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart tradeOff = chart("Tokens saved vs loss given up", "share of budget saved", "largest loss given up");
        addLine(tradeOff, "satwatch (per threshold)", satwatch, new Color(31, 119, 180));
        addLine(tradeOff, "plateau rule (per tol)", plateau, new Color(214, 39, 40));
        XYChart perRun = chart("Each run's stop", "budget fraction at the stop", "loss given up");
        if (!stops.isEmpty()) {
            XYSeries s = perRun.addSeries("stops", xs(stops), ys(stops));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        BufferedImage left = BitmapEncoder.getBufferedImage(tradeOff);
        BufferedImage right = BitmapEncoder.getBufferedImage(perRun);
        BufferedImage both =
                new BufferedImage(left.getWidth() + right.getWidth(), left.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        if (!ImageIO.write(both, "png", out.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder()
                .width(640)
                .height(480)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("0%");
        c.getStyler().setYAxisDecimalPattern("0.0%");
        c.getStyler().setMarkerSize(7);
        return c;
    }

    private static void addLine(XYChart chart, String name, List<Point> points, Color color) {
        if (points.isEmpty()) {
            return;
        }
        List<Point> sorted = points.stream()
                .filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y()))
                .sorted((a, b) -> Double.compare(a.x(), b.x()))
                .toList();
        if (sorted.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs(sorted), ys(sorted));
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(color);
        s.setMarkerColor(color);
    }

    private static double[] xs(List<Point> p) {
        return p.stream().mapToDouble(Point::x).toArray();
    }

    private static double[] ys(List<Point> p) {
        return p.stream().mapToDouble(Point::y).toArray();
    }
}
