package dev.satwatch.fit;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The recent trend of a loss curve, the raw material of the early-stop decision (DESIGN §5): over the window of
 * fit points with {@code x ≥ windowRatio · x_max} (x = D2 in billions), two weighted least-squares lines,
 *
 * <pre>
 *   tangent:  y = level + slope · (x − x_max)            (loss against tokens)
 *   log-log:  ln y = ln levelLogLog + logSlope · (ln x − ln x_max)
 * </pre>
 *
 * each with its standard error from the residual scatter and a one-sided 95 % Student-t quantile on {@code n − 2}
 * degrees of freedom.
 *
 * <p>Why these two. Every curve that is convex and decreasing in D2 — any {@code E + B·(D0 + D2)^(−α)}, with or
 * without a floor or an offset — lies above its tangent, so {@code −slope · Δ} bounds the gain still to come over
 * the next Δ tokens; the secant over the window is steeper than the tangent at its end, so the bound stays on the
 * safe side. The log-log line is the best point estimate on real continual-pretraining curves (their log-log slope
 * changes slowly) and covers curves that steepen in log-log, which the tangent does not.
 *
 * <p>Edge cases: fewer than {@link #MIN_POINTS} points in the window widens it to the last {@link #MIN_POINTS}
 * usable points; fewer usable points in all, or no spread in x, gives {@link #undefined}. Points with non-finite
 * or non-positive x, y or weight are skipped. Immutable and thread-safe.
 *
 * @param xNow the largest x of the window (billions of tokens)
 * @param level the tangent line's loss at {@code xNow}
 * @param slope the tangent line's slope, loss per billion tokens (negative while the loss falls)
 * @param slopeStdErr its standard error
 * @param levelLogLog the log-log line's loss at {@code xNow}
 * @param logSlope the log-log slope {@code d ln L / d ln D2} (negative while the loss falls)
 * @param logSlopeStdErr its standard error
 * @param tOneSided95 the one-sided 95 % Student-t quantile on the window's degrees of freedom
 * @param points points in the window
 */
public record LocalTrend(
        double xNow,
        double level,
        double slope,
        double slopeStdErr,
        double levelLogLog,
        double logSlope,
        double logSlopeStdErr,
        double tOneSided95,
        int points) {

    /** Fewest points of a trend: two parameters and two degrees of freedom. */
    public static final int MIN_POINTS = 4;

    /** Default window: the last factor of two in D2. */
    public static final double DEFAULT_WINDOW_RATIO = 0.5;

    private static final LocalTrend UNDEFINED = new LocalTrend(
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

    /** One-sided 95 % t quantiles for small degrees of freedom, computed once (inverting the CDF costs µs). */
    private static final double[] T_ONE_SIDED = new double[256];

    /** The one-sided 95 % normal quantile. */
    private static final double Z95 = 1.6448536269514722;

    static {
        T_ONE_SIDED[0] = Double.NaN;
        for (int dof = 1; dof < T_ONE_SIDED.length; dof++) {
            T_ONE_SIDED[dof] = new TDistribution(null, dof).inverseCumulativeProbability(0.95);
        }
    }

    /** A trend with every number NaN. */
    public static LocalTrend undefined() {
        return UNDEFINED;
    }

    /** Whether the trend could be computed. */
    public boolean defined() {
        return points >= MIN_POINTS && Double.isFinite(slope) && Double.isFinite(slopeStdErr);
    }

    /**
     * Upper 95 % bound of the loss fall per billion tokens, {@code max(0, −slope) + t·se}: a rising window counts as
     * flat, not as evidence that nothing is left, so its uncertainty still bounds the gain.
     */
    public double fallRateUpper() {
        return Math.max(0.0, -slope) + tOneSided95 * slopeStdErr;
    }

    /** Upper 95 % bound of the log-log decay exponent, {@code max(0, −logSlope) + t·se}. */
    public double exponentUpper() {
        return Math.max(0.0, -logSlope) + tOneSided95 * logSlopeStdErr;
    }

    /** The log-log decay exponent, {@code max(0, −logSlope)}. */
    public double exponent() {
        return Math.max(0.0, -logSlope);
    }

    /**
     * The trend of a fit set.
     *
     * <p>Each line is fitted to the bin means weighted by their point counts, which gives the same line as the raw
     * points; its residual variance pools the scatter of the bin means about the line with the scatter inside the
     * bins ({@link FitPoints#ss()}), on {@code N − 2} degrees of freedom (N raw points), so a short window of a
     * densely logged run is not judged on 2 degrees of freedom. When the bin means scatter more than that (noise
     * correlated along the run, or curvature), their own residual variance is used instead, on the same degrees of
     * freedom.
     *
     * @param points the fit set (x = D2 in billions)
     * @param windowRatio the window keeps {@code x ≥ windowRatio · x_max}, in (0, 1)
     */
    public static LocalTrend fit(FitPoints points, double windowRatio) {
        if (!(windowRatio > 0 && windowRatio < 1)) {
            throw new IllegalArgumentException("windowRatio must be in (0, 1), got " + windowRatio);
        }
        double[] x = points.x();
        double[] y = points.y();
        double[] w = points.w();
        double[] ss = points.ss();
        int n = x.length;
        int usable = 0;
        double maxX = 0;
        for (int i = 0; i < n; i++) {
            if (ok(x[i], y[i], w[i])) {
                usable++;
                maxX = Math.max(maxX, x[i]);
            }
        }
        if (usable < MIN_POINTS) {
            return UNDEFINED;
        }
        double edge = windowRatio * maxX * (1 - 1e-12);
        int inWindow = 0;
        for (int i = 0; i < n; i++) {
            if (ok(x[i], y[i], w[i]) && x[i] >= edge) {
                inWindow++;
            }
        }
        if (inWindow < MIN_POINTS) {
            double[] sorted = java.util.Arrays.stream(x)
                    .filter(v -> v > 0 && v < Double.POSITIVE_INFINITY)
                    .sorted()
                    .toArray();
            edge = sorted[sorted.length - MIN_POINTS];
        }
        double[] dx = new double[n];
        double[] lx = new double[n];
        double[] ly = new double[n];
        double[] lss = new double[n];
        double[] ww = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (ok(x[i], y[i], w[i]) && x[i] >= edge) {
                dx[m] = x[i] - maxX;
                lx[m] = Math.log(x[i] / maxX);
                ly[m] = Math.log(y[i]);
                ww[m] = w[i];
                ss[m] = Double.isFinite(ss[i]) && ss[i] > 0 ? ss[i] : 0.0;
                // Within-bin scatter of ln L ≈ scatter of L / L².
                lss[m] = ss[m] / (y[i] * y[i]);
                m++;
            }
        }
        double[] yy = new double[m];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (ok(x[i], y[i], w[i]) && x[i] >= edge) {
                yy[k++] = y[i];
            }
        }
        double[] tangent = line(dx, yy, ww, ss, m);
        double[] logLog = line(lx, ly, ww, lss, m);
        if (tangent == null || logLog == null) {
            return UNDEFINED;
        }
        int dof = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) tangent[3] - 2));
        double t = tOneSided(dof);
        return new LocalTrend(
                maxX, tangent[0], tangent[1], tangent[2], Math.exp(logLog[0]), logLog[1], logLog[2], t, m);
    }

    /**
     * The one-sided 95 % Student-t quantile: from the table below 256 degrees of freedom, else the Cornish–Fisher
     * expansion {@code z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²)} (error below 1e-6 there).
     */
    static double tOneSided(int dof) {
        if (dof < T_ONE_SIDED.length) {
            return T_ONE_SIDED[dof];
        }
        double z = Z95;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * dof) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * dof * dof);
    }

    private static boolean ok(double x, double y, double w) {
        return x > 0
                && x < Double.POSITIVE_INFINITY
                && y > 0
                && y < Double.POSITIVE_INFINITY
                && w > 0
                && w < Double.POSITIVE_INFINITY;
    }

    /**
     * Weighted line {@code y = a + b·x} over the first m entries: {a, b, se(b), N} or null without spread. The
     * variance is the larger of the pooled raw-point estimate and the bin means' own.
     */
    private static double[] line(double[] x, double[] y, double[] w, double[] ss, int m) {
        double sw = 0;
        double swx = 0;
        double swy = 0;
        double within = 0;
        for (int i = 0; i < m; i++) {
            sw += w[i];
            swx += w[i] * x[i];
            swy += w[i] * y[i];
            within += ss[i];
        }
        double mx = swx / sw;
        double my = swy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < m; i++) {
            double d = x[i] - mx;
            sxx += w[i] * d * d;
            sxy += w[i] * d * (y[i] - my);
        }
        if (!(sxx > 0) || m < 3) {
            return null;
        }
        double b = sxy / sxx;
        double a = my - b * mx;
        double ssr = 0;
        for (int i = 0; i < m; i++) {
            double r = y[i] - a - b * x[i];
            ssr += w[i] * r * r;
        }
        double rawDof = Math.max(1, sw - 2);
        double pooled = (ssr + within) / rawDof;
        double means = ssr / (m - 2);
        double s2 = Math.max(pooled, means);
        return new double[] {a, b, Math.sqrt(s2 / sxx), sw};
    }
}
