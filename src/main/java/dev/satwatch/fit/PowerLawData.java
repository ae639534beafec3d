package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The usable points of a curve, in the form every fitter in this package consumes: natural logs of x
 * and y, and weights normalised to mean 1.
 *
 * <p>A point is usable when its x and y are finite and positive and its weight (if weights are given)
 * is finite and positive; other points are skipped. When the arrays differ in length only the common
 * prefix is read, so the unpaired tail is skipped too. Weights are normalised to mean 1 so that a Huber
 * delta keeps its meaning (a log residual of an average point) whatever the bin counts are; the
 * weighted-least-squares estimates and their standard errors do not depend on this scale.
 *
 * <p>Immutable once built (the arrays are never exposed outside the package); thread-safe.
 */
final class PowerLawData {

    final int n;
    final double[] lnX;
    final double[] lnY;
    final double[] y;
    /** Weights normalised to mean 1. */
    final double[] w;
    /** Square roots of {@link #w}, the factor applied to each residual. */
    final double[] sqrtW;

    final double minY;
    final double minLnX;
    final double maxLnX;

    private PowerLawData(double[] lnX, double[] lnY, double[] y, double[] w, int n) {
        this.n = n;
        this.lnX = lnX;
        this.lnY = lnY;
        this.y = y;
        this.w = w;
        this.sqrtW = new double[n];
        double minYSeen = Double.POSITIVE_INFINITY;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            sqrtW[i] = Math.sqrt(w[i]);
            minYSeen = Math.min(minYSeen, y[i]);
            lo = Math.min(lo, lnX[i]);
            hi = Math.max(hi, lnX[i]);
        }
        this.minY = minYSeen;
        this.minLnX = lo;
        this.maxLnX = hi;
    }

    /**
     * Collects the usable points of {@code (x, y, w)}.
     *
     * @param w weights, or null for all 1
     * @throws IllegalArgumentException when x or y is null (a programming error, not a data problem)
     */
    static PowerLawData of(double[] x, double[] y, double[] w) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("x and y must not be null");
        }
        int len = Math.min(x.length, y.length);
        if (w != null) {
            len = Math.min(len, w.length);
        }
        double[] lnX = new double[len];
        double[] lnY = new double[len];
        double[] ys = new double[len];
        double[] ws = new double[len];
        int n = 0;
        for (int i = 0; i < len; i++) {
            double wi = w == null ? 1.0 : w[i];
            if (usable(x[i]) && usable(y[i]) && usable(wi)) {
                lnX[n] = Math.log(x[i]);
                lnY[n] = Math.log(y[i]);
                ys[n] = y[i];
                ws[n] = wi;
                n++;
            }
        }
        return normalised(lnX, lnY, ys, ws, n);
    }

    private static PowerLawData normalised(double[] lnX, double[] lnY, double[] y, double[] w, int n) {
        double sumW = 0;
        for (int i = 0; i < n; i++) {
            sumW += w[i];
        }
        double scale = n == 0 ? 1.0 : n / sumW;
        double[] ws = new double[n];
        for (int i = 0; i < n; i++) {
            ws[i] = w[i] * scale;
        }
        return new PowerLawData(trim(lnX, n), trim(lnY, n), trim(y, n), ws, n);
    }

    private static boolean usable(double v) {
        return v > 0 && v < Double.POSITIVE_INFINITY;
    }

    /** The points whose ln x is at least {@code fromLnX}, weights re-normalised to mean 1. */
    PowerLawData tailFrom(double fromLnX) {
        double[] lx = new double[n];
        double[] ly = new double[n];
        double[] ys = new double[n];
        double[] ws = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (lnX[i] >= fromLnX) {
                lx[k] = lnX[i];
                ly[k] = lnY[i];
                ys[k] = y[i];
                ws[k] = w[i];
                k++;
            }
        }
        return normalised(lx, ly, ys, ws, k);
    }

    /**
     * The points whose y exceeds {@code e}, with y replaced by {@code y − e}: the data of the
     * linear fit of ln(y − e) on ln x when E is fixed. Each weight is multiplied by
     * {@code ((y − e)/y)²}: noise of relative size σ on y is noise of size {@code σ·y/(y − e)} on
     * ln(y − e), so this keeps the fit on the same (log-loss) noise scale as the three-parameter fit
     * instead of letting the flat tail of the curve, where y − e is small and noisy, dominate.
     */
    PowerLawData minus(double e) {
        double[] lx = new double[n];
        double[] ly = new double[n];
        double[] ys = new double[n];
        double[] ws = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double d = y[i] - e;
            if (d > 0) {
                lx[k] = lnX[i];
                ly[k] = Math.log(d);
                ys[k] = d;
                double shrink = d / y[i];
                ws[k] = w[i] * shrink * shrink;
                k++;
            }
        }
        return normalised(lx, ly, ys, ws, k);
    }

    /** Number of distinct x values, capped at {@code cap} (callers only need "at least cap"). */
    int distinctX(int cap) {
        double[] seen = new double[cap];
        int k = 0;
        for (int i = 0; i < n && k < cap; i++) {
            boolean dup = false;
            for (int j = 0; j < k; j++) {
                dup |= seen[j] == lnX[i];
            }
            if (!dup) {
                seen[k++] = lnX[i];
            }
        }
        return k;
    }

    /** True when all y are equal, so no curve can be read from them. */
    boolean flatY() {
        for (int i = 1; i < n; i++) {
            if (y[i] != y[0]) {
                return false;
            }
        }
        return true;
    }

    private static double[] trim(double[] a, int k) {
        return k == a.length ? a : Arrays.copyOf(a, k);
    }
}
