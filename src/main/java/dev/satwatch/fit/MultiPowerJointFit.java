package dev.satwatch.fit;

import java.util.Arrays;
import java.util.List;

/**
 * Fits the multi-power law ({@link MultiPowerLaw}) {@code y = L0_j + A_j·S1^(−α) − B·LD(C, β, γ)} jointly to several
 * trajectories of one setting: α, B, C, β and γ are shared, L0_j and A_j are each trajectory's own (as
 * {@link AnnealingJointFit} does for the annealing law, and for the same reason: the runs of a setting start from
 * different levels).
 *
 * <p>Variable projection on a grid: for fixed {@code (α, C, β, γ)} each trajectory's {@code (L0_j, A_j)} is profiled
 * out by a weighted regression on {@code [1, S1^(−α)]}, and B is the pooled least-squares slope of the residualised y
 * on the residualised {@code −LD}; only B &gt; 0 is admitted. α runs over {@value #ALPHA_GRID} log-spaced values in
 * [0.01, 3], C over {@code 10^(−4…4)} ({@value #C_GRID} values), β over 0.1…0.9 and γ over 0.2…0.8 (Luo et al.
 * constrain β and γ to (0, 1) and report β 0.41–0.88, γ 0.52–0.65; the search is wider). Luo et al. fit by Adam from
 * a grid of initial values because L-BFGS was sensitive to them; a grid with the linear parameters profiled out has
 * no such sensitivity.
 *
 * <p>{@link #prepare} computes each trajectory's profiled sums for every grid cell once; {@link Prepared#fit} then
 * fits any subset of the trajectories (the backtest's leave-out calibration) by adding them, without recomputing
 * LD. Immutable and thread-safe; a {@link Prepared} is immutable too.
 */
public final class MultiPowerJointFit {

    static final int ALPHA_GRID = 40;
    static final int C_GRID = 17;
    private static final double[] BETAS = grid(9, 0.1, 0.9);
    private static final double[] GAMMAS = grid(5, 0.2, 0.8);

    private static double[] grid(int n, double lo, double hi) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = n == 1 ? lo : lo + (hi - lo) * i / (n - 1);
        }
        return g;
    }

    private static final double ALPHA_LOW = 0.01;
    private static final double ALPHA_HIGH = 3.0;
    private static final int GOLDEN_ITERATIONS = 30;
    /** Kernel cells (C, β, γ) whose α is refined: the grid's α steps can rank neighbouring cells wrongly. */
    static final int REFINED = 4;

    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private final double[] alphas = new double[ALPHA_GRID];
    private final double[] cs = new double[C_GRID];

    private MultiPowerJointFit() {
        for (int g = 0; g < ALPHA_GRID; g++) {
            alphas[g] = Math.exp(Math.log(ALPHA_LOW) + Math.log(ALPHA_HIGH / ALPHA_LOW) * g / (ALPHA_GRID - 1));
        }
        for (int g = 0; g < C_GRID; g++) {
            cs[g] = Math.pow(10, -4 + 8.0 * g / (C_GRID - 1));
        }
    }

    /** The joint fitter with the grid above. */
    public static MultiPowerJointFit create() {
        return new MultiPowerJointFit();
    }

    /**
     * One trajectory's points and the LR drops before them.
     *
     * @param s1 each point's S1
     * @param pieces each point's mark: drop pieces of {@code path} before it
     * @param y each point's value (the loss, or {@code ln L} for a fit in log space)
     * @param w each point's weight
     * @param path the path whose pieces the marks count
     */
    public record Trajectory(double[] s1, int[] pieces, double[] y, double[] w, MultiPowerLaw.Path path) {
        /** Copies the arrays; they must have one length. */
        public Trajectory {
            if (pieces.length != s1.length || y.length != s1.length || w.length != s1.length) {
                throw new IllegalArgumentException("s1, pieces, y and w must have one length");
            }
            s1 = s1.clone();
            pieces = pieces.clone();
            y = y.clone();
            w = w.clone();
        }

        /** LD (without B) at point {@code i}. */
        public double ld(int i, double c, double beta, double gamma) {
            return path.ld(s1[i], pieces[i], c, beta, gamma);
        }
    }

    /**
     * The joint fit.
     *
     * @param alpha the shared exponent of S1
     * @param b the shared loss-reduction coefficient B
     * @param c the kernel's scale C
     * @param beta the kernel's exponent β
     * @param gamma the LR exponent γ
     * @param rss the weighted residual sum of squares
     * @param trajectories trajectories that entered
     * @param perTrajectoryB each trajectory's own B at the shared (α, C, β, γ), indexed like the fitted list (NaN
     *     where it did not enter or its LD does not vary)
     * @param ok whether all were determined (some trajectory's LD varies and B &gt; 0)
     */
    public record Result(
            double alpha,
            double b,
            double c,
            double beta,
            double gamma,
            double rss,
            int trajectories,
            double[] perTrajectoryB,
            boolean ok) {
        /** Copies the array. */
        public Result {
            perTrajectoryB = perTrajectoryB.clone();
        }

        /** A copy of each trajectory's own B. */
        @Override
        public double[] perTrajectoryB() {
            return perTrajectoryB.clone();
        }
    }

    /** Fits all the trajectories. */
    public Result fit(List<Trajectory> trajectories) {
        Prepared p = prepare(trajectories);
        boolean[] all = new boolean[trajectories.size()];
        Arrays.fill(all, true);
        return p.fit(all);
    }

    /** Computes every trajectory's profiled sums over the grid, for fits of subsets. */
    public Prepared prepare(List<Trajectory> trajectories) {
        int kernels = C_GRID * BETAS.length * GAMMAS.length;
        MultiPowerStats[] stats = new MultiPowerStats[trajectories.size()];
        for (int j = 0; j < stats.length; j++) {
            stats[j] = MultiPowerStats.of(trajectories.get(j), alphas, cs, BETAS, GAMMAS);
        }
        return new Prepared(stats, kernels);
    }

    /** The trajectories' profiled sums; {@link #fit} fits any subset. */
    public final class Prepared {
        private final MultiPowerStats[] stats;
        private final int kernels;

        private Prepared(MultiPowerStats[] stats, int kernels) {
            this.stats = stats;
            this.kernels = kernels;
        }

        /** Trajectories prepared, in input order. */
        public int size() {
            return stats.length;
        }

        /**
         * Fits the trajectories whose flag is set.
         *
         * @param include one flag per prepared trajectory
         */
        public Result fit(boolean[] include) {
            int entered = 0;
            double[] a0 = new double[ALPHA_GRID];
            double[][] a1 = new double[ALPHA_GRID][kernels];
            double[][] a2 = new double[ALPHA_GRID][kernels];
            for (int j = 0; j < stats.length; j++) {
                MultiPowerStats s = stats[j];
                if (!include[j] || !s.usable()) {
                    continue;
                }
                entered++;
                for (int g = 0; g < ALPHA_GRID; g++) {
                    a0[g] += s.ryy()[g];
                    double[] r1 = s.rys()[g];
                    double[] r2 = s.rss()[g];
                    double[] t1 = a1[g];
                    double[] t2 = a2[g];
                    for (int kc = 0; kc < kernels; kc++) {
                        t1[kc] += r1[kc];
                        t2[kc] += r2[kc];
                    }
                }
            }
            // Each kernel cell's best α on the grid; the best REFINED cells are then refined in α.
            double[] cellRss = new double[kernels];
            int[] cellG = new int[kernels];
            Arrays.fill(cellRss, Double.POSITIVE_INFINITY);
            for (int g = 0; g < ALPHA_GRID; g++) {
                for (int kc = 0; kc < kernels; kc++) {
                    double s2 = a2[g][kc];
                    double s1 = a1[g][kc];
                    if (!(s2 > 0) || !(s1 > 0)) {
                        continue;
                    }
                    double r = a0[g] - s1 * s1 / s2;
                    if (r < cellRss[kc]) {
                        cellRss[kc] = r;
                        cellG[kc] = g;
                    }
                }
            }
            // Rank the cells by the minimum of a parabola through their best grid α and its neighbours (in ln α):
            // a cell whose true α falls between two grid values is not penalised for it.
            double[] ranked = cellRss.clone();
            for (int kc = 0; kc < kernels; kc++) {
                int g = cellG[kc];
                if (ranked[kc] == Double.POSITIVE_INFINITY || g == 0 || g == ALPHA_GRID - 1) {
                    continue;
                }
                double lo = rssAt(a0, a1, a2, g - 1, kc);
                double hi = rssAt(a0, a1, a2, g + 1, kc);
                double curvature = lo + hi - 2 * cellRss[kc];
                if (Double.isFinite(curvature) && curvature > 0) {
                    double shift = (lo - hi) / (2 * curvature);
                    ranked[kc] = Math.max(0, cellRss[kc] - curvature * shift * shift / 2);
                }
            }
            Integer[] order = new Integer[kernels];
            for (int kc = 0; kc < kernels; kc++) {
                order[kc] = kc;
            }
            Arrays.sort(order, (x, y) -> Double.compare(ranked[x], ranked[y]));
            if (cellRss[order[0]] == Double.POSITIVE_INFINITY) {
                return new Result(
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        entered,
                        new double[0],
                        false);
            }
            Refined best = null;
            int bestK = -1;
            for (int i = 0; i < Math.min(REFINED, kernels); i++) {
                int kc = order[i];
                if (cellRss[kc] == Double.POSITIVE_INFINITY) {
                    break;
                }
                Refined r = refine(
                        include,
                        cellG[kc],
                        cs[kc / (GAMMAS.length * BETAS.length)],
                        BETAS[(kc / GAMMAS.length) % BETAS.length],
                        GAMMAS[kc % GAMMAS.length]);
                if (best == null || r.rss < best.rss) {
                    best = r;
                    bestK = kc;
                }
            }
            double[] perB = new double[stats.length];
            Arrays.fill(perB, Double.NaN);
            for (int j = 0, col = 0; j < stats.length; j++) {
                if (include[j] && stats[j].usable()) {
                    perB[j] = best.perB[col++];
                }
            }
            int gi = bestK % GAMMAS.length;
            int bi = (bestK / GAMMAS.length) % BETAS.length;
            int ci = bestK / (GAMMAS.length * BETAS.length);
            return new Result(
                    best.alpha,
                    best.b,
                    cs[ci],
                    BETAS[bi],
                    GAMMAS[gi],
                    Math.max(0, best.rss),
                    entered,
                    perB,
                    best.b > 0);
        }

        private static double rssAt(double[] a0, double[][] a1, double[][] a2, int g, int kc) {
            double s2 = a2[g][kc];
            double s1 = a1[g][kc];
            return s2 > 0 && s1 > 0 ? a0[g] - s1 * s1 / s2 : Double.POSITIVE_INFINITY;
        }

        /**
         * α refined by golden section on ln α between the grid neighbours of the best cell, with (C, β, γ) kept:
         * LD is computed once per trajectory at that kernel.
         */
        private Refined refine(boolean[] include, int bestG, double c, double beta, double gamma) {
            List<double[][]> cols = new java.util.ArrayList<>();
            for (int j = 0; j < stats.length; j++) {
                if (include[j] && stats[j].usable()) {
                    cols.add(centred(stats[j].t(), c, beta, gamma));
                }
            }
            double a = Math.log(alphas[Math.max(0, bestG - 1)]);
            double b = Math.log(alphas[Math.min(ALPHA_GRID - 1, bestG + 1)]);
            double x1 = b - GOLDEN * (b - a);
            double x2 = a + GOLDEN * (b - a);
            Refined f1 = at(cols, Math.exp(x1));
            Refined f2 = at(cols, Math.exp(x2));
            for (int it = 0; it < GOLDEN_ITERATIONS; it++) {
                if (f1.rss < f2.rss) {
                    b = x2;
                    x2 = x1;
                    f2 = f1;
                    x1 = b - GOLDEN * (b - a);
                    f1 = at(cols, Math.exp(x1));
                } else {
                    a = x1;
                    x1 = x2;
                    f1 = f2;
                    x2 = a + GOLDEN * (b - a);
                    f2 = at(cols, Math.exp(x2));
                }
            }
            Refined r = f1.rss < f2.rss ? f1 : f2;
            Refined grid = at(cols, alphas[bestG]);
            return r.b > 0 && r.rss < grid.rss ? r : grid;
        }
    }

    /** The fit at one α: its residual, pooled B and each trajectory's own B. */
    private record Refined(double alpha, double rss, double b, double[] perB) {}

    /** Rows lnS1, w, centred y and centred −LD of one trajectory at one kernel. */
    private static double[][] centred(Trajectory t, double c, double beta, double gamma) {
        int n = t.s1().length;
        double[] lnS1 = new double[n];
        double[] yc = new double[n];
        double[] lc = new double[n];
        double sw = 0;
        double my = 0;
        double ml = 0;
        for (int i = 0; i < n; i++) {
            lnS1[i] = Math.log(t.s1()[i]);
            lc[i] = -t.ld(i, c, beta, gamma);
            sw += t.w()[i];
            my += t.w()[i] * t.y()[i];
            ml += t.w()[i] * lc[i];
        }
        for (int i = 0; i < n; i++) {
            yc[i] = t.y()[i] - my / sw;
            lc[i] -= ml / sw;
        }
        return new double[][] {lnS1, t.w(), yc, lc};
    }

    /** The pooled fit of the centred trajectories at one α. */
    private static Refined at(List<double[][]> cols, double alpha) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double[] ys = new double[cols.size()];
        double[] ss = new double[cols.size()];
        for (int j = 0; j < cols.size(); j++) {
            double[][] r = cols.get(j);
            double[] lnS1 = r[0];
            double[] w = r[1];
            double[] yc = r[2];
            double[] lc = r[3];
            int n = lnS1.length;
            double sw = 0;
            double mu = 0;
            for (int i = 0; i < n; i++) {
                sw += w[i];
                mu += w[i] * Math.exp(-alpha * lnS1[i]);
            }
            mu /= sw;
            double suu = 0;
            double suy = 0;
            double sul = 0;
            double syy = 0;
            double sly = 0;
            double sll = 0;
            for (int i = 0; i < n; i++) {
                double uc = Math.exp(-alpha * lnS1[i]) - mu;
                suu += w[i] * uc * uc;
                suy += w[i] * uc * yc[i];
                sul += w[i] * uc * lc[i];
                syy += w[i] * yc[i] * yc[i];
                sly += w[i] * lc[i] * yc[i];
                sll += w[i] * lc[i] * lc[i];
            }
            double ryy = suu > 0 ? syy - suy * suy / suu : syy;
            ys[j] = suu > 0 ? sly - suy * sul / suu : sly;
            ss[j] = Math.max(0, suu > 0 ? sll - sul * sul / suu : sll);
            s0 += ryy;
            s1 += ys[j];
            s2 += ss[j];
        }
        double[] perB = new double[cols.size()];
        for (int j = 0; j < perB.length; j++) {
            perB[j] = ss[j] > 1e-12 * s2 ? ys[j] / ss[j] : Double.NaN;
        }
        if (!(s2 > 0)) {
            return new Refined(alpha, Double.POSITIVE_INFINITY, Double.NaN, perB);
        }
        return new Refined(alpha, Math.max(0, s0 - s1 * s1 / s2), s1 / s2, perB);
    }
}
