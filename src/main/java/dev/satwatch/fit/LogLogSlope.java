package dev.satwatch.fit;

/**
 * The E-free exponent of a loss curve: the weighted least-squares slope of {@code ln L} on {@code ln x}
 * (x = D2 in billions of tokens), {@code alpha = −slope}, in closed form.
 *
 * <pre>
 *   ln y_i = c − alpha · ln x_i + ε_i,     weights w_i
 *   Var(alpha) = s² / Σ w_i (ln x_i − mean)²,   s² = Σ w_i r_i² / (n − 2)
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
        double se = Math.sqrt(line.slopeVar());
        double half = FitResult.tQuantile(line.dof()) * se;
        return new SlopeResult(alpha, se, alpha - half, alpha + half, line.intercept(), data.n);
    }
}
