package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The fit set of one loss series: binned stable-phase points after burn-in, sorted by D2.
 *
 * <p>The arrays are copied in and out, so an instance is immutable and thread-safe; equality is by
 * content.
 *
 * @param x bin mean D2 in <b>billions</b> of tokens (exp of the mean of ln D2), ascending
 * @param y bin mean loss
 * @param w bin weight: the number of points in the bin
 * @param rawPoints number of raw points behind the fit set (the sum of {@code w})
 * @param ss within-bin sum of squared loss deviations from the bin mean ({@code (n − 1)·variance}; 0 for a single
 *     point), so that statistics over the bins can use every raw point's scatter
 */
public record FitPoints(double[] x, double[] y, double[] w, int rawPoints, double[] ss) {

    private static final double[] NONE = new double[0];

    /** A fit set with no points. */
    public static final FitPoints EMPTY = new FitPoints(NONE, NONE, NONE, 0);

    /** A fit set without within-bin scatter (every {@code ss} 0). */
    public FitPoints(double[] x, double[] y, double[] w, int rawPoints) {
        this(x, y, w, rawPoints, new double[x == null ? 0 : x.length]);
    }

    /**
     * Copies and checks the arrays.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are null, or rawPoints is negative
     */
    public FitPoints {
        if (x == null || y == null || w == null || ss == null) {
            throw new IllegalArgumentException("x, y, w and ss must not be null");
        }
        if (x.length != y.length || x.length != w.length || x.length != ss.length) {
            throw new IllegalArgumentException(
                    "x, y and w differ in length: " + x.length + ", " + y.length + ", " + w.length);
        }
        if (rawPoints < 0) {
            throw new IllegalArgumentException("rawPoints must be >= 0, got " + rawPoints);
        }
        x = x.clone();
        y = y.clone();
        w = w.clone();
        ss = ss.clone();
    }

    /** Within-bin sums of squares (a copy). */
    @Override
    public double[] ss() {
        return ss.clone();
    }

    /** Bin mean D2 in billions of tokens (a copy). */
    @Override
    public double[] x() {
        return x.clone();
    }

    /** Bin mean loss (a copy). */
    @Override
    public double[] y() {
        return y.clone();
    }

    /** Bin weights, the point counts (a copy). */
    @Override
    public double[] w() {
        return w.clone();
    }

    /** Number of fit points (bins). */
    public int size() {
        return x.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FitPoints other
                && rawPoints == other.rawPoints
                && Arrays.equals(x, other.x)
                && Arrays.equals(y, other.y)
                && Arrays.equals(w, other.w)
                && Arrays.equals(ss, other.ss);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(x) + Arrays.hashCode(y)) + Arrays.hashCode(w)) + rawPoints;
    }

    @Override
    public String toString() {
        return "FitPoints[x=" + Arrays.toString(x) + ", y=" + Arrays.toString(y) + ", w=" + Arrays.toString(w)
                + ", rawPoints=" + rawPoints + "]";
    }
}
