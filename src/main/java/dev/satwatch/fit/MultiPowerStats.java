package dev.satwatch.fit;

/**
 * One trajectory's profiled sums over the grid of {@link MultiPowerJointFit}: for each α, the residual sum of squares
 * of y after its own {@code (L0_j, A_j)} are profiled out ({@code ryy}); for each α and kernel cell (C, β, γ), the
 * cross sum of residualised y and residualised {@code −LD} ({@code rys}) and the sum of squares of the latter
 * ({@code rss}). Adding them over trajectories gives the pooled fit of any subset without recomputing LD.
 *
 * <p>Kernel cell index: {@code (ci·|β| + bi)·|γ| + gi}. A trajectory with fewer than 3 points, no weight or a
 * constant S1 is not {@code usable} and has null sums.
 *
 * @param usable whether the sums were computed
 * @param t the trajectory
 * @param ryy per α
 * @param rys per α and kernel cell
 * @param rss per α and kernel cell
 */
record MultiPowerStats(boolean usable, MultiPowerJointFit.Trajectory t, double[] ryy, double[][] rys, double[][] rss) {

    /** The sums of {@code t} over the grids {@code alphas × cs × betas × gammas}. */
    static MultiPowerStats of(
            MultiPowerJointFit.Trajectory t, double[] alphas, double[] cs, double[] betas, double[] gammas) {
        int kernels = cs.length * betas.length * gammas.length;
        int n = t.s1().length;
        double[] w = t.w();
        double[] y = t.y();
        double sw = 0;
        double my = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double[] lnS1 = new double[n];
        for (int i = 0; i < n; i++) {
            sw += w[i];
            my += w[i] * y[i];
            lnS1[i] = Math.log(t.s1()[i]);
            lo = Math.min(lo, lnS1[i]);
            hi = Math.max(hi, lnS1[i]);
        }
        if (n < 3 || !(sw > 0) || !(hi > lo)) {
            return new MultiPowerStats(false, t, null, null, null);
        }
        my /= sw;
        double[] yc = new double[n];
        double syy = 0;
        for (int i = 0; i < n; i++) {
            yc[i] = y[i] - my;
            syy += w[i] * yc[i] * yc[i];
        }
        // −LD per kernel cell, centred; its sums with y.
        double[][] lc = new double[kernels][n];
        double[] sss = new double[kernels];
        double[] ssy = new double[kernels];
        MultiPowerLaw.Path path = t.path();
        int maxPieces = 0;
        for (int i = 0; i < n; i++) {
            maxPieces = Math.max(maxPieces, t.pieces()[i]);
        }
        double[] logLr = new double[maxPieces];
        for (int p = 0; p < maxPieces; p++) {
            logLr[p] = Math.log(path.pieceLr(p));
        }
        // Per point and piece before it: the LR area since the piece's end (u1) and its own (du).
        double[][] u1s = new double[n][];
        double[][] dus = new double[n][];
        for (int i = 0; i < n; i++) {
            int m = t.pieces()[i];
            u1s[i] = new double[m];
            dus[i] = new double[m];
            for (int p = 0; p < m; p++) {
                u1s[i][p] = Math.max(0, t.s1()[i] - path.pieceS1End(p));
                dus[i][p] = Math.max(0, path.pieceS1End(p) - path.pieceS1(p));
            }
        }
        for (int gi = 0; gi < gammas.length; gi++) {
            double[] z = new double[maxPieces];
            for (int p = 0; p < maxPieces; p++) {
                z[p] = path.pieceLr(p) > 0 ? Math.exp(-gammas[gi] * logLr[p]) : Double.POSITIVE_INFINITY;
            }
            for (int ci = 0; ci < cs.length; ci++) {
                double c = cs[ci];
                double[][] l1s = new double[n][];
                double[][] deltas = new double[n][];
                double[][] xs = new double[n][];
                for (int i = 0; i < n; i++) {
                    int m = u1s[i].length;
                    l1s[i] = new double[m];
                    deltas[i] = new double[m];
                    xs[i] = new double[m];
                    for (int p = 0; p < m; p++) {
                        double a = c * z[p];
                        if (a == Double.POSITIVE_INFINITY) {
                            // A drop to LR 0: G = 1 at once (l1 = +∞ makes the mean kernel 1).
                            l1s[i][p] = u1s[i][p] + dus[i][p] > 0 ? Double.POSITIVE_INFINITY : 0;
                            continue;
                        }
                        l1s[i][p] = Math.log1p(a * u1s[i][p]);
                        xs[i][p] = a * dus[i][p];
                        deltas[i][p] = Math.log1p(xs[i][p] / (1 + a * u1s[i][p]));
                    }
                }
                for (int bi = 0; bi < betas.length; bi++) {
                    double beta = betas[bi];
                    int kc = (ci * betas.length + bi) * gammas.length + gi;
                    double[] col = lc[kc];
                    double mean = 0;
                    for (int i = 0; i < n; i++) {
                        double[] l1 = l1s[i];
                        double[] delta = deltas[i];
                        double[] x = xs[i];
                        double ld = 0;
                        for (int p = 0; p < l1.length; p++) {
                            double g = l1[p] == Double.POSITIVE_INFINITY
                                    ? 1
                                    : MultiPowerLaw.meanKernelOfLogs(l1[p], delta[p], x[p], beta);
                            ld += path.pieceDrop(p) * g;
                        }
                        col[i] = -ld;
                        mean += w[i] * col[i];
                    }
                    mean /= sw;
                    double s = 0;
                    double sy = 0;
                    for (int i = 0; i < n; i++) {
                        col[i] -= mean;
                        s += w[i] * col[i] * col[i];
                        sy += w[i] * col[i] * yc[i];
                    }
                    sss[kc] = s;
                    ssy[kc] = sy;
                }
            }
        }
        double[] ryy = new double[alphas.length];
        double[][] rys = new double[alphas.length][kernels];
        double[][] rss = new double[alphas.length][kernels];
        double[] wuc = new double[n];
        for (int g = 0; g < alphas.length; g++) {
            double mu = 0;
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = Math.exp(-alphas[g] * lnS1[i]);
                mu += w[i] * u[i];
            }
            mu /= sw;
            double suu = 0;
            double suy = 0;
            for (int i = 0; i < n; i++) {
                double uc = u[i] - mu;
                wuc[i] = w[i] * uc;
                suu += wuc[i] * uc;
                suy += wuc[i] * yc[i];
            }
            ryy[g] = suu > 0 ? syy - suy * suy / suu : syy;
            for (int kc = 0; kc < kernels; kc++) {
                double[] col = lc[kc];
                double us = 0;
                for (int i = 0; i < n; i++) {
                    us += wuc[i] * col[i];
                }
                if (suu > 0) {
                    rys[g][kc] = ssy[kc] - suy * us / suu;
                    rss[g][kc] = Math.max(0, sss[kc] - us * us / suu);
                } else {
                    rys[g][kc] = ssy[kc];
                    rss[g][kc] = sss[kc];
                }
            }
        }
        return new MultiPowerStats(true, t, ryy, rys, rss);
    }
}
