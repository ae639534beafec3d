package dev.satwatch.fit;

/**
 * The E-free exponent of a loss curve: the weighted least-squares slope of {@code ln L} on {@code ln x}
 * (x = D2 in billions of tokens), {@code alpha = −slope}, in closed form.
 *
 * <pre>
 *   ln y_i = c − alpha · ln x_i + ε_i,     weights w_i
 *   Var(alpha) = max(s² / Σ w_i (ln x_i − mean)²,  Newey–West variance),   s² = Σ w_i r_i² / (n − 2)
 *   95 % interval: alpha ± t(0.975, n − 2) · se
 * </pre>
 *
 * <p>With an irreducible term E &gt; 0 this slope is smaller than the α of {@code L = E + B x^(−α)} (it
 * is the exponent of L, not of L − E), but it needs no E and is far more stable on short curves
 * (DESIGN §1, §4), so it is reported beside the three-parameter fit. {@link #local} gives the same
 * slope over the end of the curve, where a saturating run shows first.
 *
 * <p>Edge cases: points with non-finite or non-positive x, y or weight are skipped; mismatched array
 * lengths read the common prefix; x need not be sorted. Fewer than 3 usable points or all x equal
 * give a result whose numbers are all {@code NaN} ({@link SlopeResult#defined()} is false). Null x or
 * y throws {@link IllegalArgumentException}; null w means unit weights.
 *
 * <p>Stateless; thread-safe.
 */
public final class LogLogSlope {

    /** Widest window of {@link #local}: one decade of x. */
    public static final double LOCAL_MAX_LN_WIDTH = Math.log(10);

    /** Fraction of the curve's ln-x span covered by {@link #local} when that is narrower than a decade. */
    public static final double LOCAL_SPAN_FRACTION = 0.3;

    /**
     * Slack on the window edge, in ln x: points on a regular log grid that fall exactly on the edge
     * are kept whatever the rounding of {@code 0.3 · span}.
     */
    static final double EDGE_SLACK = 1e-9;

    /** Fewest points of any slope (two parameters and one degree of freedom). */
    public static final int MIN_POINTS = 3;

    private LogLogSlope() {}

    /** The slope over all usable points. */
    public static SlopeResult fit(double[] x, double[] y, double[] w) {
        return slope(PowerLawData.of(x, y, w));
    }

    /**
     * The slope over the end of the curve. Window rule: with {@code span = ln x_max − ln x_min} of the
     * usable points, keep the points with {@code ln x ≥ ln x_max − min(ln 10, 0.3 · span)}: the last
     * decade of x, or the last 30 % of the ln-x span when that is narrower (a curve shorter than
     * 3.3 decades); a point on the edge (within 1e-9 in ln x) is kept. When fewer than 3 points fall in the window it is widened to the 3 points with the
     * largest x; with fewer than 3 usable points in all, the result is undefined.
     */
    public static SlopeResult local(double[] x, double[] y, double[] w) {
        PowerLawData all = PowerLawData.of(x, y, w);
        if (all.n < MIN_POINTS) {
            return SlopeResult.undefined(all.n);
        }
        double width = Math.min(LOCAL_MAX_LN_WIDTH, LOCAL_SPAN_FRACTION * (all.maxLnX - all.minLnX));
        PowerLawData tail = all.tailFrom(all.maxLnX - width - EDGE_SLACK);
        if (tail.n < MIN_POINTS) {
            tail = all.tailFrom(thirdLargest(all.lnX, all.n));
        }
        return slope(tail);
    }

    /**
     * The Newey–West (Bartlett kernel) variance of the slope: neighbouring bins of one run share noise (a smoothed
     * train loss, data-order effects), which the least-squares variance assumes away. Lag {@code L = ⌊4·(n/100)^(2/9)⌋}
     * (at least 1), small-sample factor {@code n/(n − 2)}; the caller takes the larger of this and the plain variance.
     */
    static double neweyWestSlopeVar(PowerLawData d, LogLogLine line) {
        int n = d.n;
        if (n < MIN_POINTS) {
            return Double.NaN;
        }
        double sw = 0;
        double swx = 0;
        for (int i = 0; i < n; i++) {
            sw += d.w[i];
            swx += d.w[i] * d.lnX[i];
        }
        double mx = swx / sw;
        double sxx = 0;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            double dx = d.lnX[i] - mx;
            sxx += d.w[i] * dx * dx;
            double r = d.lnY[i] - line.intercept() - line.slope() * d.lnX[i];
            u[i] = d.w[i] * dx * r;
        }
        double s = 0;
        double c1 = 0;
        for (int i = 0; i < n; i++) {
            s += u[i] * u[i];
            if (i > 0) {
                c1 += u[i] * u[i - 1];
            }
        }
        // Andrews (1991) bandwidth for the Bartlett kernel from an AR(1) fit of u: 1.1447·(a·n)^(1/3) with
        // a = 4ρ² / ((1 − ρ)²(1 + ρ)²), at least 1 and at most n − 1.
        double rho = s > 0 ? Math.max(-0.97, Math.min(0.97, c1 / s)) : 0.0;
        double a = 4 * rho * rho / ((1 - rho) * (1 - rho) * (1 + rho) * (1 + rho));
        int lag = (int) Math.max(1, Math.min(n - 1, Math.floor(1.1447 * Math.cbrt(a * n))));
        for (int l = 1; l <= lag && l < n; l++) {
            double c = 0;
            for (int i = l; i < n; i++) {
                c += u[i] * u[i - l];
            }
            s += 2 * (1 - l / (lag + 1.0)) * c;
        }
        return Math.max(0.0, s) / (sxx * sxx) * n / (n - 2.0);
    }

    private static double thirdLargest(double[] v, int n) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        double third = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double t = v[i];
            if (t > first) {
                third = second;
                second = first;
                first = t;
            } else if (t > second) {
                third = second;
                second = t;
            } else if (t > third) {
                third = t;
            }
        }
        return third;
    }

    private static SlopeResult slope(PowerLawData data) {
        LogLogLine line = LogLogLine.fit(data.lnX, data.lnY, data.w, data.n);
        if (!Double.isFinite(line.slope()) || !Double.isFinite(line.slopeVar())) {
            return SlopeResult.undefined(data.n);
        }
        double alpha = -line.slope();
        double se = Math.sqrt(Math.max(line.slopeVar(), neweyWestSlopeVar(data, line)));
        double half = FitResult.tQuantile(line.dof()) * se;
        return new SlopeResult(alpha, se, alpha - half, alpha + half, line.intercept(), data.n);
    }
}
