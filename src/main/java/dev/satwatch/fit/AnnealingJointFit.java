package dev.satwatch.fit;

import java.util.List;

/**
 * Fits the annealing law {@code y = L0_j + A_j·S1^(−α) − C·S2} jointly to several trajectories of one setting: α,
 * C and λ are shared, L0_j and A_j are each trajectory's own. This is how Tissue et al. (2024, arXiv 2408.11029,
 * Eq. 6) fit several schedules of one configuration with one parameter tuple, with the level and amplitude left per
 * trajectory: on the settings this project backtests, the trajectories of one setting start from different bases
 * (reuse-curves: different D1) or branch at different points of one run, so their levels differ while the shape
 * (α) and the annealing gain per unit of S2 (C) are the setting's.
 *
 * <p>Variable projection twice over: for fixed α and λ each trajectory's (L0_j, A_j) is profiled out by a weighted
 * regression on {@code [1, S1^(−α)]}, and C is the pooled least-squares slope of the residualised {@code y} on the
 * residualised {@code −S2}. α is searched on a log-spaced grid for every λ of {@link ScheduleState}, then refined by
 * golden section on ln α at the best λ. Only trajectories with S2 varying (a decay after a stable phase) identify C;
 * stable-only ones still inform α.
 *
 * <p>{@code y} is whatever the points hold: the loss, or {@code ln L} for a fit in log space (the annealing gain is
 * then relative to the loss level). Immutable and thread-safe.
 */
public final class AnnealingJointFit {

    private static final int ALPHA_GRID = 40;
    private static final int GOLDEN_ITERATIONS = 30;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private final double alphaLow;
    private final double alphaHigh;

    private AnnealingJointFit(double alphaLow, double alphaHigh) {
        this.alphaLow = alphaLow;
        this.alphaHigh = alphaHigh;
    }

    /** A joint fitter searching α in [0.01, 3], the range of {@link AnnealingFit#create()}. */
    public static AnnealingJointFit create() {
        return new AnnealingJointFit(0.01, 3.0);
    }

    /**
     * The joint fit.
     *
     * @param alpha the shared exponent of S1; NaN when the fit failed
     * @param lambdaIndex the shared λ's index in {@link ScheduleState#lambdas()}; −1 when the fit failed
     * @param c the shared annealing coefficient; NaN when no trajectory's S2 varies
     * @param rss the weighted residual sum of squares over all trajectories
     * @param trajectories trajectories that entered (at least 3 points and 2 distinct S1)
     * @param perTrajectoryC each entering trajectory's own C at the shared α and λ (NaN where its S2 does not
     *     vary): their spread is the setting's spread of C
     * @param converged whether α ended inside the searched range
     */
    public record Result(
            double alpha,
            int lambdaIndex,
            double c,
            double rss,
            int trajectories,
            double[] perTrajectoryC,
            boolean converged) {

        /** Copies the array. */
        public Result {
            perTrajectoryC = perTrajectoryC.clone();
        }

        /** A copy of each trajectory's own C. */
        @Override
        public double[] perTrajectoryC() {
            return perTrajectoryC.clone();
        }

        /** Whether α, λ and C were all determined. */
        public boolean ok() {
            return lambdaIndex >= 0 && Double.isFinite(c) && Double.isFinite(alpha);
        }
    }

    /** Fits α, C and λ shared by the trajectories, each with its own L0 and A. */
    public Result fit(List<AnnealingPoints> trajectories) {
        Traj[] ts = trajectories.stream().map(Traj::new).filter(t -> t.usable).toArray(Traj[]::new);
        if (ts.length == 0) {
            return failed(0);
        }
        double logLo = Math.log(alphaLow);
        double logHi = Math.log(alphaHigh);
        double[] grid = new double[ALPHA_GRID];
        double best = Double.POSITIVE_INFINITY;
        int bestG = -1;
        int bestK = -1;
        double[][] acc = new double[ScheduleState.LAMBDA_COUNT][3];
        for (int g = 0; g < ALPHA_GRID; g++) {
            grid[g] = Math.exp(logLo + (logHi - logLo) * g / (ALPHA_GRID - 1));
            accumulate(ts, grid[g], acc, null);
            for (int k = 0; k < ScheduleState.LAMBDA_COUNT; k++) {
                double r = rss(acc[k]);
                if (r < best) {
                    best = r;
                    bestG = g;
                    bestK = k;
                }
            }
        }
        if (bestK < 0) {
            return failed(ts.length);
        }
        int k = bestK;
        double a = Math.log(grid[Math.max(0, bestG - 1)]);
        double b = Math.log(grid[Math.min(ALPHA_GRID - 1, bestG + 1)]);
        double x1 = b - GOLDEN * (b - a);
        double x2 = a + GOLDEN * (b - a);
        double f1 = rssAt(ts, Math.exp(x1), k, acc);
        double f2 = rssAt(ts, Math.exp(x2), k, acc);
        for (int it = 0; it < GOLDEN_ITERATIONS; it++) {
            if (f1 < f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - GOLDEN * (b - a);
                f1 = rssAt(ts, Math.exp(x1), k, acc);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + GOLDEN * (b - a);
                f2 = rssAt(ts, Math.exp(x2), k, acc);
            }
        }
        double alpha = f1 < f2 ? Math.exp(x1) : Math.exp(x2);
        if (best < Math.min(f1, f2)) {
            alpha = grid[bestG];
        }
        double[][] perTraj = new double[ts.length][];
        accumulate(ts, alpha, acc, perTraj);
        double[] s = acc[k];
        double c = s[2] > 0 ? s[1] / s[2] : Double.NaN;
        double[] cj = new double[ts.length];
        for (int j = 0; j < ts.length; j++) {
            double[] pj = perTraj[j];
            cj[j] = pj[3 * k + 2] > 1e-12 * s[2] ? pj[3 * k + 1] / pj[3 * k + 2] : Double.NaN;
        }
        boolean atEdge = alpha <= alphaLow * 1.0001 || alpha >= alphaHigh / 1.0001;
        return new Result(alpha, k, c, rss(s), ts.length, cj, !atEdge);
    }

    private static Result failed(int n) {
        return new Result(Double.NaN, -1, Double.NaN, Double.NaN, n, new double[0], false);
    }

    private static double rssAt(Traj[] ts, double alpha, int k, double[][] acc) {
        accumulate(ts, alpha, acc, null);
        return rss(acc[k]);
    }

    /** {@code Σ ryy − (Σ rys)² / Σ rss}; +∞ when no S2 varies. */
    private static double rss(double[] s) {
        if (!(s[2] > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double r = s[0] - s[1] * s[1] / s[2];
        return r < 0 ? 0 : r;
    }

    /**
     * Per λ, the sums over trajectories of {@code (ry·ry, ry·rs, rs·rs)}, where ry and rs are y and −S2 with the
     * trajectory's [1, S1^(−α)] regressed out (weighted). When {@code perTraj} is given, each trajectory's own
     * triples (3 per λ) are left in it.
     */
    private static void accumulate(Traj[] ts, double alpha, double[][] acc, double[][] perTraj) {
        for (double[] row : acc) {
            java.util.Arrays.fill(row, 0);
        }
        int lambdas = ScheduleState.LAMBDA_COUNT;
        double[] us = new double[lambdas];
        for (int j = 0; j < ts.length; j++) {
            Traj t = ts[j];
            double[] u = t.scratch;
            double mu = 0;
            for (int i = 0; i < t.n; i++) {
                u[i] = Math.exp(-alpha * t.lnS1[i]);
                mu += t.w[i] * u[i];
            }
            mu /= t.sw;
            double suu = 0;
            double suy = 0;
            java.util.Arrays.fill(us, 0);
            for (int i = 0; i < t.n; i++) {
                double uc = u[i] - mu;
                double wu = t.w[i] * uc;
                suu += wu * uc;
                suy += wu * t.yc[i];
                for (int k = 0; k < lambdas; k++) {
                    us[k] += wu * t.sc[k][i];
                }
            }
            if (perTraj != null) {
                perTraj[j] = new double[3 * lambdas];
            }
            for (int k = 0; k < lambdas; k++) {
                double ryy;
                double rys;
                double rss;
                if (suu > 0) {
                    ryy = t.syy - suy * suy / suu;
                    rys = t.ssy[k] - suy * us[k] / suu;
                    rss = t.sss[k] - us[k] * us[k] / suu;
                } else {
                    ryy = t.syy;
                    rys = t.ssy[k];
                    rss = t.sss[k];
                }
                acc[k][0] += ryy;
                acc[k][1] += rys;
                acc[k][2] += Math.max(0, rss);
                if (perTraj != null) {
                    perTraj[j][3 * k] = ryy;
                    perTraj[j][3 * k + 1] = rys;
                    perTraj[j][3 * k + 2] = Math.max(0, rss);
                }
            }
        }
    }

    /** One trajectory's arrays, centred by the weighted means of y and −S2 (which do not depend on α). */
    private static final class Traj {
        final int n;
        final double[] lnS1;
        final double[] w;
        final double[] yc;
        final double[][] sc;
        final double sw;
        final double syy;
        final double[] ssy;
        final double[] sss;
        final double[] scratch;
        final boolean usable;

        Traj(AnnealingPoints p) {
            n = p.size();
            double[] s1 = p.s1Array();
            lnS1 = new double[n];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                lnS1[i] = Math.log(s1[i]);
                lo = Math.min(lo, lnS1[i]);
                hi = Math.max(hi, lnS1[i]);
            }
            w = p.wArray();
            double[] y = p.yArray();
            double sumW = 0;
            double my = 0;
            for (int i = 0; i < n; i++) {
                sumW += w[i];
                my += w[i] * y[i];
            }
            sw = sumW;
            my /= sumW > 0 ? sumW : 1;
            yc = new double[n];
            double yy = 0;
            for (int i = 0; i < n; i++) {
                yc[i] = y[i] - my;
                yy += w[i] * yc[i] * yc[i];
            }
            syy = yy;
            int lambdas = ScheduleState.LAMBDA_COUNT;
            sc = new double[lambdas][n];
            ssy = new double[lambdas];
            sss = new double[lambdas];
            for (int k = 0; k < lambdas; k++) {
                double[] s2 = p.s2Array(k);
                double ms = 0;
                for (int i = 0; i < n; i++) {
                    ms += w[i] * -s2[i];
                }
                ms /= sumW > 0 ? sumW : 1;
                for (int i = 0; i < n; i++) {
                    sc[k][i] = -s2[i] - ms;
                    ssy[k] += w[i] * sc[k][i] * yc[i];
                    sss[k] += w[i] * sc[k][i] * sc[k][i];
                }
            }
            scratch = new double[n];
            usable = n >= 3 && sumW > 0 && hi > lo;
        }
    }
}
