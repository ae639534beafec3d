package dev.satwatch.fit;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

/**
 * Fits the annealing law {@code L = L0 + A·S1^(−α) − C·S2} (Tissue, Wang, Wang 2024, arXiv 2408.11029, Eq. 1;
 * DESIGN §4b) to {@link AnnealingPoints} by weighted least squares on the loss, by variable projection: for fixed
 * α and λ the law is linear in (L0, A, C), a 3×3 solve; α is searched on a log-spaced grid and refined by Brent's
 * method between the grid neighbours of the best value; λ is chosen from the grid of {@link ScheduleState}.
 *
 * <ul>
 *   <li>{@link #fit(AnnealingPoints)}: L0, A, C, α free, the best λ.
 *   <li>{@link #fit(AnnealingPoints, int)}: L0, A, C, α free at one λ.
 *   <li>{@link #fitWithC(AnnealingPoints, double, int)}: C given (a setting-level value calibrated from finished
 *       runs and cooldown branches), L0, A, α free; what a run still at constant LR (where S2 ≡ 0 and C is not
 *       identified) uses.
 * </ul>
 *
 * Intervals are Student-t 95 % intervals from {@code σ²·(JᵀWJ)⁻¹}, {@code σ² = rss/(n − p)} (weights as
 * precisions, e.g. counts of the raw points a bin averages). Edge cases: fewer than p + 1 points, or a singular
 * design (C free but S2 constant, e.g. every point at constant LR) give a {@link AnnealingResult#failed failed}
 * result; an α at the end of the searched range gives {@code converged == false}. Immutable and thread-safe
 * (scratch arrays are per call).
 */
public final class AnnealingFit {

    private static final double ALPHA_LOW = 0.01;
    private static final double ALPHA_HIGH = 3.0;
    private static final int ALPHA_GRID = 32;
    private static final double BRENT_REL = 1e-10;
    private static final double BRENT_ABS = 1e-10;
    private static final int BRENT_MAX_EVAL = 200;

    /** Half-width, in ln α, of the bracket {@link #refit} searches around the previous α. */
    private static final double WARM_BRACKET = 0.1;

    private final double alphaLow;
    private final double alphaHigh;

    private AnnealingFit(double alphaLow, double alphaHigh) {
        this.alphaLow = alphaLow;
        this.alphaHigh = alphaHigh;
    }

    /** A fitter searching α in [0.01, 3]. */
    public static AnnealingFit create() {
        return new AnnealingFit(ALPHA_LOW, ALPHA_HIGH);
    }

    /** This fitter searching α in [{@code low}, {@code high}] (0 &lt; low &lt; high). */
    public AnnealingFit withAlphaRange(double low, double high) {
        if (!(low > 0) || !(high > low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("alpha range must satisfy 0 < low < high, got " + low + ", " + high);
        }
        return new AnnealingFit(low, high);
    }

    /**
     * L0, A, C, α free; the λ of the grid with the lowest residual. The α grid is shared by every λ (the powers
     * {@code S1^(−α)} do not depend on λ), each λ's α is then refined on its own, and the intervals are computed
     * for the chosen λ only.
     */
    public AnnealingResult fit(AnnealingPoints points) {
        int lambdas = ScheduleState.LAMBDA_COUNT;
        double[] lnS1 = Problem.logs(points.s1Array());
        Problem[] problems = new Problem[lambdas];
        for (int k = 0; k < lambdas; k++) {
            problems[k] = new Problem(points, lnS1, k, true, 0.0);
        }
        if (problems[0].n < 5) {
            return AnnealingResult.failed(problems[0].n, 0, false);
        }
        double[] grid = grid();
        double[] bestRss = new double[lambdas];
        int[] bestIdx = new int[lambdas];
        java.util.Arrays.fill(bestRss, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(bestIdx, -1);
        double[] u = new double[problems[0].n];
        double[] sums = new double[3];
        for (int g = 0; g < grid.length; g++) {
            Problem.powers(lnS1, grid[g], u);
            problems[0].powerSums(u, sums);
            for (int k = 0; k < lambdas; k++) {
                double rss = problems[k].rssOf(u, sums);
                if (rss < bestRss[k]) {
                    bestRss[k] = rss;
                    bestIdx[k] = g;
                }
            }
        }
        Problem chosen = null;
        double chosenAlpha = Double.NaN;
        double chosenRss = Double.POSITIVE_INFINITY;
        double[] chosenBeta = null;
        int evaluations = grid.length * lambdas;
        for (int k = 0; k < lambdas; k++) {
            if (bestIdx[k] < 0) {
                continue;
            }
            Problem pr = problems[k];
            double alpha = refine(pr, grid, bestIdx[k], bestRss[k]);
            evaluations += pr.evaluations;
            double rss = pr.rss(alpha);
            if (!Double.isFinite(rss)) {
                continue;
            }
            double[] beta = pr.beta.clone();
            rss = pr.directRss(alpha, beta);
            if (chosen == null || !(rss >= chosenRss)) {
                chosen = pr;
                chosenAlpha = alpha;
                chosenRss = rss;
                chosenBeta = beta;
            }
        }
        if (chosen == null) {
            return AnnealingResult.failed(problems[0].n, 0, false);
        }
        chosen.evaluations = evaluations;
        boolean atEdge = chosenAlpha <= alphaLow * 1.0001 || chosenAlpha >= alphaHigh / 1.0001;
        return result(chosen, chosenAlpha, chosenBeta, chosenRss, !atEdge);
    }

    /** L0, A, C, α free at the λ of {@code lambdaIndex}. */
    public AnnealingResult fit(AnnealingPoints points, int lambdaIndex) {
        return search(new Problem(points, lambdaIndex, true, 0.0));
    }

    /** C given, L0, A, α free, at the λ of {@code lambdaIndex} (which only matters where S2 ≠ 0). */
    public AnnealingResult fitWithC(AnnealingPoints points, double c, int lambdaIndex) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("c must be finite, got " + c);
        }
        return search(new Problem(points, lambdaIndex, false, c));
    }

    /**
     * α and C given (both setting-level values, e.g. from {@link AnnealingJointFit}), L0 and A free: a weighted
     * linear least-squares fit. The covariance is the 3×3 one over (l0, a, alpha) of a C-fixed result with α's row
     * and column zero, so {@link AnnealingResult#predictStdErr} gives the prefix's own uncertainty only.
     */
    public AnnealingResult fitFixed(AnnealingPoints points, double alpha, double c, int lambdaIndex) {
        if (!(alpha > 0) || !Double.isFinite(alpha) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("alpha must be positive and c finite, got " + alpha + ", " + c);
        }
        Problem pr = new Problem(points, lambdaIndex, false, c);
        if (pr.n < 3) {
            return AnnealingResult.failed(pr.n, lambdaIndex, true);
        }
        double rss = pr.rss(alpha);
        if (!Double.isFinite(rss)) {
            return AnnealingResult.failed(pr.n, lambdaIndex, true);
        }
        double[] beta = pr.beta.clone();
        rss = pr.directRss(alpha, beta);
        double suu = 0;
        double su = 0;
        double sw = 0;
        for (int i = 0; i < pr.n; i++) {
            double u = Math.exp(-alpha * pr.lnS1[i]);
            sw += pr.w[i];
            su += pr.w[i] * u;
            suu += pr.w[i] * u * u;
        }
        double det = sw * suu - su * su;
        int dof = pr.n - 2;
        double sigma2 = rss / dof;
        double[] cov = new double[9];
        cov[0] = sigma2 * suu / det;
        cov[1] = -sigma2 * su / det;
        cov[3] = cov[1];
        cov[4] = sigma2 * sw / det;
        double t = new TDistribution(dof).inverseCumulativeProbability(0.975);
        double seL0 = Math.sqrt(Math.max(0, cov[0]));
        double seA = Math.sqrt(Math.max(0, cov[4]));
        return new AnnealingResult(
                beta[0],
                beta[1],
                alpha,
                c,
                lambdaIndex,
                true,
                cov,
                new FitResult.Interval(beta[0] - t * seL0, beta[0] + t * seL0),
                new FitResult.Interval(beta[1] - t * seA, beta[1] + t * seA),
                new FitResult.Interval(alpha, alpha),
                new FitResult.Interval(c, c),
                rss,
                pr.n,
                pr.evaluations,
                det > 0);
    }

    private AnnealingResult search(Problem pr) {
        int p = pr.freeC ? 3 : 2;
        if (pr.n < p + 2) {
            return AnnealingResult.failed(pr.n, pr.k, !pr.freeC);
        }
        double[] grid = grid();
        double bestRss = Double.POSITIVE_INFINITY;
        int bestIdx = -1;
        for (int g = 0; g < grid.length; g++) {
            double rss = pr.rss(grid[g]);
            if (rss < bestRss) {
                bestRss = rss;
                bestIdx = g;
            }
        }
        if (bestIdx < 0) {
            return AnnealingResult.failed(pr.n, pr.k, !pr.freeC);
        }
        double alpha = refine(pr, grid, bestIdx, bestRss);
        double rss = pr.rss(alpha);
        if (!Double.isFinite(rss)) {
            return AnnealingResult.failed(pr.n, pr.k, !pr.freeC);
        }
        double[] beta = pr.beta.clone();
        rss = pr.directRss(alpha, beta);
        boolean atEdge = alpha <= alphaLow * 1.0001 || alpha >= alphaHigh / 1.0001;
        return result(pr, alpha, beta, rss, !atEdge);
    }

    /** The log-spaced α grid over [alphaLow, alphaHigh]. */
    private double[] grid() {
        double logLo = Math.log(alphaLow);
        double logHi = Math.log(alphaHigh);
        double[] grid = new double[ALPHA_GRID];
        for (int g = 0; g < ALPHA_GRID; g++) {
            grid[g] = Math.exp(logLo + (logHi - logLo) * g / (ALPHA_GRID - 1));
        }
        return grid;
    }

    /**
     * α refined by Brent's method on ln α between the grid neighbours of the best grid value (golden section with
     * parabolic steps: on these smooth one-dimensional residuals it stops in ≈ 10 solves where plain golden section
     * needed 32); the grid value itself when nothing better is found.
     */
    private static double refine(Problem pr, double[] grid, int bestIdx, double bestRss) {
        double lo = Math.log(grid[Math.max(0, bestIdx - 1)]);
        double hi = Math.log(grid[Math.min(grid.length - 1, bestIdx + 1)]);
        double start = Math.log(grid[bestIdx]);
        UnivariatePointValuePair best = new BrentOptimizer(BRENT_REL, BRENT_ABS)
                .optimize(
                        new MaxEval(BRENT_MAX_EVAL),
                        new UnivariateObjectiveFunction(x -> pr.rss(Math.exp(x))),
                        GoalType.MINIMIZE,
                        new SearchInterval(lo, hi, start));
        return best.getValue() < bestRss ? Math.exp(best.getPoint()) : grid[bestIdx];
    }

    private static AnnealingResult result(Problem pr, double alpha, double[] beta, double rss, boolean converged) {
        double l0 = beta[0];
        double amp = beta[1];
        double c = pr.freeC ? beta[2] : pr.fixedC;
        int p = pr.freeC ? 4 : 3;
        double[][] jtj = new double[p][p];
        for (int i = 0; i < pr.n; i++) {
            double u = Math.exp(-alpha * pr.lnS1[i]);
            double[] row = pr.freeC
                    ? new double[] {1, u, -amp * pr.lnS1[i] * u, -pr.s2[i]}
                    : new double[] {1, u, -amp * pr.lnS1[i] * u};
            for (int r = 0; r < p; r++) {
                for (int s = 0; s < p; s++) {
                    jtj[r][s] += pr.w[i] * row[r] * row[s];
                }
            }
        }
        int dof = pr.n - p;
        double[] cov = null;
        FitResult.Interval unknown = new FitResult.Interval(Double.NaN, Double.NaN);
        FitResult.Interval[] iv = {unknown, unknown, unknown, new FitResult.Interval(c, c)};
        if (dof > 0) {
            try {
                RealMatrix inv = new LUDecomposition(new Array2DRowRealMatrix(jtj, false), 1e-300)
                        .getSolver()
                        .getInverse();
                double sigma2 = rss / dof;
                cov = new double[p * p];
                for (int r = 0; r < p; r++) {
                    for (int s = 0; s < p; s++) {
                        cov[r * p + s] = sigma2 * inv.getEntry(r, s);
                    }
                }
                double t = new TDistribution(dof).inverseCumulativeProbability(0.975);
                double[] values = {l0, amp, alpha, c};
                for (int r = 0; r < p; r++) {
                    double se = Math.sqrt(Math.max(0, cov[r * p + r]));
                    iv[r] = new FitResult.Interval(values[r] - t * se, values[r] + t * se);
                }
            } catch (SingularMatrixException e) {
                cov = null; // intervals stay unknown: the parameters are not separately identified
            }
        }
        return new AnnealingResult(
                l0,
                amp,
                alpha,
                c,
                pr.k,
                !pr.freeC,
                cov,
                iv[0],
                iv[1],
                iv[2],
                iv[3],
                rss,
                pr.n,
                pr.evaluations,
                converged);
    }

    /**
     * A warm-started refit, for a run refitted as its points arrive (issue 13: ≤ 200 µs for 100 bins): at the λ of
     * {@code previous}, with C given when {@code previous} had it given, α is searched by Brent's method only within
     * ±{@value #WARM_BRACKET} of {@code previous}'s ln α, starting there. When the best α lies at the edge of that
     * bracket the curve moved too much, and the full search at that λ runs instead. λ is not re-chosen: call
     * {@link #fit(AnnealingPoints)} now and then (e.g. every tenth refit) for that. A failed or non-finite
     * {@code previous} gives the full {@link #fit(AnnealingPoints)}.
     *
     * <p>Added next to the other entry points, which it does not change.
     */
    public AnnealingResult refit(AnnealingPoints points, AnnealingResult previous) {
        if (previous == null || !(previous.alpha() > 0) || !Double.isFinite(previous.alpha())) {
            return fit(points);
        }
        Problem pr = new Problem(points, previous.lambdaIndex(), !previous.cFixed(), previous.c());
        int p = pr.freeC ? 3 : 2;
        if (pr.n < p + 2) {
            return AnnealingResult.failed(pr.n, pr.k, !pr.freeC);
        }
        double start = Math.log(Math.min(alphaHigh, Math.max(alphaLow, previous.alpha())));
        double lo = Math.max(Math.log(alphaLow), start - WARM_BRACKET);
        double hi = Math.min(Math.log(alphaHigh), start + WARM_BRACKET);
        UnivariatePointValuePair best = new BrentOptimizer(1e-10, 1e-9)
                .optimize(
                        new MaxEval(BRENT_MAX_EVAL),
                        new UnivariateObjectiveFunction(x -> pr.rss(Math.exp(x))),
                        GoalType.MINIMIZE,
                        new SearchInterval(lo, hi, start));
        double x = best.getPoint();
        boolean atBracketEdge =
                (x - lo < 1e-6 && lo > Math.log(alphaLow)) || (hi - x < 1e-6 && hi < Math.log(alphaHigh));
        if (atBracketEdge || !Double.isFinite(best.getValue())) {
            return pr.freeC ? fit(points, pr.k) : fitWithC(points, pr.fixedC, pr.k);
        }
        double alpha = Math.exp(x);
        pr.rss(alpha);
        double[] beta = pr.beta.clone();
        double rss = pr.directRss(alpha, beta);
        boolean atEdge = alpha <= alphaLow * 1.0001 || alpha >= alphaHigh / 1.0001;
        return result(pr, alpha, beta, rss, !atEdge);
    }

    /** One fit's data and the linear solve for a given α. */
    private static final class Problem {
        final int n;
        final int k;
        final boolean freeC;
        final double fixedC;
        final double[] lnS1;
        final double[] s2;
        final double[] y;
        final double[] w;
        final double[] beta = new double[3];
        final double[] u;
        private final double[] ws;
        private final double[] wy;
        private double sw;
        private double ms;
        private double my;
        private double sss;
        private double ssy;
        private double syy;
        int evaluations;

        Problem(AnnealingPoints pts, int lambdaIndex, boolean freeC, double fixedC) {
            this(pts, logs(pts.s1Array()), lambdaIndex, freeC, fixedC);
        }

        Problem(AnnealingPoints pts, double[] lnS1, int lambdaIndex, boolean freeC, double fixedC) {
            this.n = pts.size();
            this.k = lambdaIndex;
            this.freeC = freeC;
            this.fixedC = fixedC;
            this.lnS1 = lnS1;
            this.u = new double[n];
            this.ws = new double[n];
            this.wy = new double[n];
            this.s2 = pts.s2Array(lambdaIndex);
            this.w = pts.wArray();
            if (freeC) {
                this.y = pts.yArray();
            } else {
                double[] yc = pts.yArray().clone();
                for (int i = 0; i < n; i++) {
                    yc[i] += fixedC * s2[i];
                }
                this.y = yc;
            }
            prepare();
        }

        /** {@code Σ w (y − L)²} computed from the residuals (no cancellation), for the reported residual. */
        double directRss(double alpha, double[] b) {
            double rss = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - b[0] - b[1] * Math.exp(-alpha * lnS1[i]) + b[2] * s2[i];
                rss += w[i] * r * r;
            }
            return rss;
        }

        static double[] logs(double[] values) {
            double[] out = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = Math.log(values[i]);
            }
            return out;
        }

        /** {@code out[i] = S1_i^(−α)} from {@code lnS1}. */
        static void powers(double[] lnS1, double alpha, double[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.exp(-alpha * lnS1[i]);
            }
        }

        /**
         * The weighted residual sum of squares of the best (L0, A[, C]) for this α, left in {@link #beta}; +∞ when
         * the design is singular.
         */
        double rss(double alpha) {
            evaluations++;
            powers(lnS1, alpha, u);
            return rssOf(u);
        }

        /**
         * The α-free parts of the normal equations, computed once: weighted means of S2 and y, the centred columns
         * {@code ws = w·(−(S2 − mean))} and {@code wy = w·(y − mean)}, and their sums of squares and products.
         */
        private void prepare() {
            double sumW = 0;
            double sumS = 0;
            double sumY = 0;
            for (int i = 0; i < n; i++) {
                sumW += w[i];
                sumS += w[i] * s2[i];
                sumY += w[i] * y[i];
            }
            sw = sumW;
            ms = sumS / sumW;
            my = sumY / sumW;
            double a = 0;
            double b = 0;
            double c = 0;
            for (int i = 0; i < n; i++) {
                double sc = -(s2[i] - ms);
                double yc = y[i] - my;
                ws[i] = w[i] * sc;
                wy[i] = w[i] * yc;
                a += w[i] * sc * sc;
                b += w[i] * sc * yc;
                c += w[i] * yc * yc;
            }
            sss = a;
            ssy = b;
            syy = c;
        }

        /** {@link #rss(double)} given the powers {@code pw[i] = S1_i^(−α)}. */
        double rssOf(double[] pw) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
                mu += w[i] * pw[i];
            }
            mu /= sw;
            // Normal equations on centred columns (weighted means removed), which keeps them well conditioned;
            // Σ w·(u − mean)·s = Σ w·u·s as the centred s sums to zero.
            double suu = 0;
            double suy = 0;
            double sus = 0;
            for (int i = 0; i < n; i++) {
                double u = pw[i] - mu;
                suu += w[i] * u * u;
                suy += u * wy[i];
                sus += u * ws[i];
            }
            return solve(mu, suu, suy, sus);
        }

        /** The centred sums of the powers that do not depend on λ: {mean, Σw(u−mean)², Σw(u−mean)(y−mean)}. */
        void powerSums(double[] pw, double[] out) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
                mu += w[i] * pw[i];
            }
            mu /= sw;
            double suu = 0;
            double suy = 0;
            for (int i = 0; i < n; i++) {
                double u = pw[i] - mu;
                suu += w[i] * u * u;
                suy += u * wy[i];
            }
            out[0] = mu;
            out[1] = suu;
            out[2] = suy;
        }

        /** {@link #rssOf} given {@link #powerSums} (shared by every λ of one fit): only Σ w·u·s is this λ's. */
        double rssOf(double[] pw, double[] sums) {
            double sus = 0;
            for (int i = 0; i < n; i++) {
                sus += pw[i] * ws[i];
            }
            return solve(sums[0], sums[1], sums[2], sus);
        }

        private double solve(double mu, double suu, double suy, double sus) {
            double amp;
            double cc;
            double explained;
            if (freeC) {
                double det = suu * sss - sus * sus;
                if (!(det > 1e-14 * suu * sss) || !(suu > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                amp = (suy * sss - ssy * sus) / det;
                cc = (suu * ssy - sus * suy) / det;
                explained = amp * suy + cc * ssy;
            } else {
                if (!(suu > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                amp = suy / suu;
                cc = 0;
                explained = amp * suy;
            }
            beta[1] = amp;
            beta[2] = cc;
            beta[0] = my - amp * mu - cc * (-ms);
            double rss = syy - explained;
            return rss < 0 ? 0 : rss;
        }
    }
}
