package dev.satwatch.fit;

/**
 * Closed-form weighted least-squares line {@code ly = intercept + slope · lx}, the building block of
 * the E-free slope, the fixed-E fit and the starting points of the three-parameter fit.
 *
 * <p>Sums are centred on the weighted mean of lx (two passes) so that long ln-x ranges far from zero
 * lose no precision. The residual variance {@code s² = Σ w r² / (n − 2)} makes the standard errors
 * independent of the scale of the weights. With fewer than three points or no spread in lx, every
 * number is {@code NaN}. Immutable and thread-safe.
 *
 * @param slope fitted slope
 * @param intercept fitted value at lx = 0
 * @param slopeVar variance of the slope
 * @param interceptVar variance of the intercept
 * @param covariance covariance of slope and intercept
 * @param dof degrees of freedom, n − 2
 */
record LogLogLine(double slope, double intercept, double slopeVar, double interceptVar, double covariance, int dof) {

    /** Fits the first {@code n} entries; {@code w} may be null for unit weights. */
    static LogLogLine fit(double[] lx, double[] ly, double[] w, int n) {
        if (n < 3) {
            return new LogLogLine(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n - 2);
        }
        double sw = 0;
        double swx = 0;
        double swy = 0;
        for (int i = 0; i < n; i++) {
            double wi = w == null ? 1.0 : w[i];
            sw += wi;
            swx += wi * lx[i];
            swy += wi * ly[i];
        }
        double mx = swx / sw;
        double my = swy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double wi = w == null ? 1.0 : w[i];
            double dx = lx[i] - mx;
            sxx += wi * dx * dx;
            sxy += wi * dx * (ly[i] - my);
        }
        if (!(sxx > 0)) {
            return new LogLogLine(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n - 2);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double ssr = 0;
        for (int i = 0; i < n; i++) {
            double wi = w == null ? 1.0 : w[i];
            double r = ly[i] - intercept - slope * lx[i];
            ssr += wi * r * r;
        }
        int dof = n - 2;
        double s2 = ssr / dof;
        double slopeVar = s2 / sxx;
        // Var(intercept) = s²(1/Σw + mx²/Sxx); Cov(slope, intercept) = −mx·Var(slope).
        double interceptVar = s2 / sw + mx * mx * slopeVar;
        return new LogLogLine(slope, intercept, slopeVar, interceptVar, -mx * slopeVar, dof);
    }
}
