package dev.satwatch.fit;

/**
 * Assembles {@link PowerLawFitter}'s results: at a Huber optimum the covariance (the inverse of the IRLS-weighted
 * Fisher information, scaled by the weighted residual variance), Student-t intervals and the verdict; for a run that
 * did not converge, its starting point with NaN errors. Stateless; thread-safe.
 */
final class PowerLawResults {

    private static final int PARAMS = 3;

    private PowerLawResults() {}

    static FitResult notConverged(PowerLawData data, int maxIterations, double[] start) {
        double e = PowerLawModel.eOf(start[0], data.minY);
        double b = Math.exp(start[1]);
        double alpha = Math.exp(start[2]);
        double nan = Double.NaN;
        return new FitResult(
                e,
                b,
                alpha,
                nan,
                nan,
                nan,
                nan,
                nan,
                null,
                rmsLogResidual(data, e, b, alpha),
                data.n,
                maxIterations,
                false,
                Reliability.NOT_CONVERGED);
    }

    /** Builds the result at the optimum {@code theta = (u, v, a)}: covariance, intervals, verdict. */
    static FitResult summarise(PowerLawData data, double huberDelta, double[] theta, int iterations) {
        double e = PowerLawModel.eOf(theta[0], data.minY);
        double b = Math.exp(theta[1]);
        double alpha = Math.exp(theta[2]);
        double[] info = new double[PARAMS * PARAMS];
        double[] g = new double[PARAMS];
        double ssr = 0;
        for (int i = 0; i < data.n; i++) {
            double m = PowerLawModel.logGradient(data.lnX[i], e, b, alpha, g);
            double r = data.lnY[i] - Math.log(m);
            double ww = data.w[i] * Huber.weight(data.sqrtW[i] * r, huberDelta);
            ssr += ww * r * r;
            for (int j = 0; j < PARAMS; j++) {
                for (int k = 0; k < PARAMS; k++) {
                    info[PARAMS * j + k] += ww * g[j] * g[k];
                }
            }
        }
        int dof = data.n - PARAMS;
        double[] cov = PowerLawCovariance.invertScaled(info, ssr / dof);
        double alphaSe = cov == null ? Double.NaN : Math.sqrt(cov[8]);
        double half = FitResult.tQuantile(dof) * alphaSe;
        return new FitResult(
                e,
                b,
                alpha,
                cov == null ? Double.NaN : Math.sqrt(cov[0]),
                cov == null ? Double.NaN : Math.sqrt(cov[4]),
                alphaSe,
                alpha - half,
                alpha + half,
                cov == null ? null : Covariance3.of(cov),
                rmsLogResidual(data, e, b, alpha),
                data.n,
                iterations,
                true,
                verdict(alpha, 2 * half, cov));
    }

    /** The verdict of a converged fit: interval narrower than alpha and a finite covariance. */
    static Reliability verdict(double alpha, double ciWidth, double[] cov) {
        if (cov == null || !(ciWidth <= alpha)) {
            return Reliability.INTERVAL_TOO_WIDE;
        }
        for (double c : cov) {
            if (!Double.isFinite(c)) {
                return Reliability.INTERVAL_TOO_WIDE;
            }
        }
        return Reliability.RELIABLE;
    }

    /** {@code sqrt(Σ w r² / Σ w)} over all usable points, r the log residual. */
    static double rmsLogResidual(PowerLawData data, double e, double b, double alpha) {
        double sum = 0;
        double sumW = 0;
        for (int i = 0; i < data.n; i++) {
            double r = data.lnY[i] - Math.log(PowerLawModel.value(data.lnX[i], e, b, alpha));
            sum += data.w[i] * r * r;
            sumW += data.w[i];
        }
        return Math.sqrt(sum / sumW);
    }
}
