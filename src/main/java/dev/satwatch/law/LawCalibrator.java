package dev.satwatch.law;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * Calibrates the joint reuse law of Liew &amp; Kato (arXiv 2510.06548) on a fleet of runs of one
 * setting:
 *
 * <pre>
 *   L(D1, D2) = A · D1^(−α1) · D2^(−α2 + α3·ln D1) + E
 * </pre>
 *
 * with D1 and D2 in <b>billions of tokens</b> and natural logs (see {@link ReuseLaw}).
 *
 * <h2>Method</h2>
 *
 * Chinchilla's "approach 3" (Hoffmann et al. 2022, arXiv 2203.15556, Appendix D.2) as corrected by
 * Besiroglu et al. 2024 (arXiv 2404.10102): minimise the <em>sum</em> (not the mean, which stops
 * optimisers early) of weighted Huber losses of the log residuals {@code ln L_obs − ln L_model},
 * default {@code δ = 10⁻³}, from many starts, keeping the best objective.
 *
 * <ol>
 *   <li>Linearised starts: for E on a grid of fractions of the smallest loss, {@code ln(L − E) = ln A
 *       − α1·ln D1 − α2·ln D2 + α3·ln D1·ln D2} is linear, so weighted least squares (QR) gives the
 *       other four constants exactly for that E.
 *   <li>A coarse Chinchilla-style grid over {@code (ln A, α1, α2, α3, E)} guards against a fleet the
 *       linearisation misleads.
 *   <li>The best few starts of each kind, by objective, are refined by Levenberg–Marquardt with an
 *       analytic Jacobian on Huber pseudo-residuals (so LM minimises the Huber sum itself), in the
 *       parameters {@code (ln A, α1, α2, α3, u)} with {@code E = min L · sigmoid(u)}: A &gt; 0 and
 *       0 &lt; E &lt; min L by construction.
 * </ol>
 *
 * <p>Standard errors come from the Jacobian of the log residuals at the optimum in the original
 * constants: the full 5×5 {@code Cov = s²·(JᵀWJ)⁻¹}, carried by the fitted law ({@link ReuseLaw#covariance()}) with Huber's M-estimator scale {@code s² = [Σwψ(r)²/(n−5)] /
 * [Σwψ'(r)/Σw]²} (Huber 1981, §7.6), which is the ordinary least-squares covariance when δ is large.
 *
 * <h2>Edge cases</h2>
 *
 * Runs with a non-finite or non-positive D1 are ignored, as are points with a non-finite or
 * non-positive D2, loss or weight. Fewer than two distinct usable D1 values (α1 and α3 are then not
 * identifiable) or no more than five usable points yield {@link LawFit} with {@code converged ==
 * false} and {@code NaN} constants: data problems never throw.
 *
 * <p>Immutable and thread-safe: {@code with…} methods return new instances and a fit keeps all its
 * state on the stack, so one instance may serve concurrent callers.
 */
public final class LawCalibrator {

    /** Default Huber δ on log residuals (Hoffmann et al. 2022; Besiroglu et al. 2024). */
    public static final double DEFAULT_HUBER_DELTA = 1e-3;

    /** E fractions of min L for the linearised starts: dense near min L, where E usually sits. */
    private static final double[] LINEAR_E_FRACTIONS = {
        0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 0.99
    };

    private static final int DEFAULT_REFINED_PER_KIND = 4;
    private static final int MAX_EVALUATIONS = 4000;
    private static final int MAX_ITERATIONS = 2000;

    private final double huberDelta;
    private final List<LawStart> grid;
    private final boolean linearisedStarts;
    private final int refinedPerKind;

    private LawCalibrator(double huberDelta, List<LawStart> grid, boolean linearisedStarts, int refinedPerKind) {
        this.huberDelta = huberDelta;
        this.grid = List.copyOf(grid);
        this.linearisedStarts = linearisedStarts;
        this.refinedPerKind = refinedPerKind;
    }

    /**
     * A calibrator with Huber δ = {@value #DEFAULT_HUBER_DELTA}, fourteen linearised starts and a
     * 3⁵ = 243-point start grid ({@code ln A ∈ {0, 1.5, 3}}, {@code α1 ∈ {0, 0.3, 0.6}}, {@code α2
     * ∈ {0.2, 0.5, 1}}, {@code α3 ∈ {0, 0.05, 0.1}}, {@code E/min L ∈ {0.1, 0.5, 0.9}}), refining the
     * best four of each kind.
     */
    public static LawCalibrator create() {
        return new LawCalibrator(DEFAULT_HUBER_DELTA, defaultGrid(), true, DEFAULT_REFINED_PER_KIND);
    }

    /** This calibrator with another Huber δ (on log residuals; must be finite and positive). */
    public LawCalibrator withHuberDelta(double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Huber delta must be finite and > 0, was " + delta);
        }
        return new LawCalibrator(delta, grid, linearisedStarts, refinedPerKind);
    }

    /**
     * This calibrator with another start grid and, when {@code linearised} is false, no linearised
     * starts: lets tests show that the search escapes a bad region of parameter space.
     */
    LawCalibrator withStarts(List<LawStart> startGrid, boolean linearised) {
        return new LawCalibrator(huberDelta, startGrid, linearised, refinedPerKind);
    }

    /** The Huber δ in use. */
    public double huberDelta() {
        return huberDelta;
    }

    private static List<LawStart> defaultGrid() {
        List<LawStart> starts = new ArrayList<>();
        for (double lnA : new double[] {0, 1.5, 3}) {
            for (double a1 : new double[] {0, 0.3, 0.6}) {
                for (double a2 : new double[] {0.2, 0.5, 1.0}) {
                    for (double a3 : new double[] {0, 0.05, 0.1}) {
                        for (double ef : new double[] {0.1, 0.5, 0.9}) {
                            starts.add(new LawStart(lnA, a1, a2, a3, ef));
                        }
                    }
                }
            }
        }
        return starts;
    }

    /**
     * Fits the five constants to the runs.
     *
     * @param runs runs of one setting; null entries and runs with unusable D1 are ignored
     * @return the best fit over all starts; not converged with {@code NaN} constants when the data do
     *     not identify the law
     */
    public LawFit fit(List<CalibrationRun> runs) {
        LawData data = LawData.of(runs);
        if (data.distinctD1 < 2 || data.n <= LawObjective.PARAMS) {
            return LawFit.unidentifiable(data.runsUsed, data.n);
        }
        LawObjective objective = new LawObjective(data, huberDelta);
        List<Candidate> starts = new ArrayList<>();
        if (linearisedStarts) {
            starts.addAll(best(linearised(data, objective), refinedPerKind));
        }
        List<Candidate> gridStarts = new ArrayList<>();
        for (LawStart s : grid) {
            double[] t = objective.theta(s);
            gridStarts.add(new Candidate(t, objective.objective(t), false, 0));
        }
        starts.addAll(best(gridStarts, refinedPerKind));
        if (starts.isEmpty()) {
            return LawFit.unidentifiable(data.runsUsed, data.n);
        }
        Candidate winner = null;
        for (Candidate start : starts) {
            Candidate refined = refine(objective, start);
            if (winner == null || refined.betterThan(winner)) {
                winner = refined;
            }
        }
        ReuseLaw constants = objective.law(winner.theta);
        double[] r = objective.residuals(winner.theta);
        LawCovariance cov = covariance(data, objective, constants, r);
        return new LawFit(
                constants.withCovariance(cov).withCooldownC(cooldownC(runs)),
                cov.known() ? cov.stdErrs() : LawStdErr.unknown(),
                rmse(data, r),
                data.runsUsed,
                data.n,
                winner.converged,
                starts.size(),
                winner.iterations);
    }

    /**
     * The setting's cooldown coefficient: the median of the finite positive {@link CalibrationRun#annealingC()} of
     * the runs (the runs whose LR decayed; a non-positive C is a fit that saw no cooldown gain and says nothing of
     * the setting's), {@code NaN} when there is none. The median, not the mean, so that one run's poorly determined
     * C does not move it.
     *
     * @param runs runs of one setting; null entries are ignored
     */
    public static double cooldownC(List<CalibrationRun> runs) {
        double[] c = runs.stream()
                .filter(Objects::nonNull)
                .mapToDouble(CalibrationRun::annealingC)
                .filter(v -> Double.isFinite(v) && v > 0)
                .toArray();
        return c.length == 0 ? Double.NaN : new Median().evaluate(c);
    }

    /**
     * Leave-one-run-out validation: for each run, in input order, fits the law on all other runs and
     * predicts the held-out run's loss at its largest usable D2. A run with no usable point, or whose
     * removal leaves the law unidentifiable, gets {@code NaN} where a number cannot be had; null
     * entries are skipped.
     *
     * <p>Cost: one {@link #fit(List)} on all runs, then per held-out run one Levenberg–Marquardt
     * refinement started from that fit's optimum (removing one run moves the optimum little), falling
     * back to a full multi-start {@link #fit(List)} when the refinement does not converge. On 64
     * synthetic runs of 40 points it took 0.4–1.5 s against 7–13 s for a multi-start fit per run
     * (a loaded 2-core machine), with predictions equal to 7e-8 relative (see {@code
     * LawCalibratorTest}); the live calibration runs it after finished runs.
     */
    public List<LeaveOneOut> leaveOneOut(List<CalibrationRun> runs) {
        return leaveOneOut(runs, fit(runs));
    }

    /**
     * {@link #leaveOneOut(List)} when the fit on all runs is already known: {@code fullFit} must be
     * {@code fit(runs)}; when it did not converge every held-out fit is a multi-start.
     */
    public List<LeaveOneOut> leaveOneOut(List<CalibrationRun> runs, LawFit fullFit) {
        return looFrom(runs, fullFit != null && fullFit.converged() ? fullFit.law() : null);
    }

    /** {@link #leaveOneOut(List)}, each held-out fit a multi-start when {@code warm} is false. */
    List<LeaveOneOut> leaveOneOut(List<CalibrationRun> runs, boolean warm) {
        return warm ? leaveOneOut(runs) : looFrom(runs, null);
    }

    private List<LeaveOneOut> looFrom(List<CalibrationRun> runs, ReuseLaw start) {
        List<LeaveOneOut> out = new ArrayList<>(runs.size());
        for (int k = 0; k < runs.size(); k++) {
            CalibrationRun held = runs.get(k);
            if (held == null) {
                continue;
            }
            int last = lastUsablePoint(held);
            if (last < 0) {
                out.add(new LeaveOneOut(held.runId(), Double.NaN, Double.NaN, Double.NaN));
                continue;
            }
            List<CalibrationRun> others = new ArrayList<>(runs);
            others.remove(k);
            ReuseLaw law = start == null ? null : refineFrom(others, start);
            if (law == null) {
                law = fit(others).law();
            }
            double predicted = law.loss(held.d1(), held.d2At(last));
            double actual = held.lossAt(last);
            out.add(new LeaveOneOut(held.runId(), predicted, actual, (predicted - actual) / actual));
        }
        return out;
    }

    /**
     * The law refined on {@code runs} by one LM run from {@code start}; null when the runs do not
     * identify the law, the start is outside E's range, or LM does not converge.
     */
    private ReuseLaw refineFrom(List<CalibrationRun> runs, ReuseLaw start) {
        LawData data = LawData.of(runs);
        if (data.distinctD1 < 2 || data.n <= LawObjective.PARAMS) {
            return null;
        }
        double f = start.e() / data.minLoss;
        if (!(f > 0 && f < 1) || !(start.a() > 0)) {
            return null;
        }
        LawObjective objective = new LawObjective(data, huberDelta);
        double[] t = {Math.log(start.a()), start.alpha1(), start.alpha2(), start.alpha3(), LawObjective.logit(f)};
        Candidate refined = refine(objective, new Candidate(t, objective.objective(t), false, 0));
        return refined.converged ? objective.law(refined.theta) : null;
    }

    /** Index of the usable point with the largest D2 (the latest on ties), or −1. */
    private static int lastUsablePoint(CalibrationRun run) {
        if (!run.hasUsableD1()) {
            return -1;
        }
        int best = -1;
        for (int i = 0; i < run.size(); i++) {
            if (run.isUsablePoint(i) && (best < 0 || run.d2At(i) >= run.d2At(best))) {
                best = i;
            }
        }
        return best;
    }

    /** One linearised start per E fraction, from weighted least squares on ln(L − E). */
    private static List<Candidate> linearised(LawData data, LawObjective objective) {
        List<Candidate> out = new ArrayList<>();
        for (double f : LINEAR_E_FRACTIONS) {
            double e = f * data.minLoss;
            double[][] design = new double[data.n][4];
            double[] target = new double[data.n];
            for (int i = 0; i < data.n; i++) {
                double sw = Math.sqrt(data.w[i]);
                double x = data.x[i];
                double y = data.y[i];
                design[i][0] = sw;
                design[i][1] = sw * x;
                design[i][2] = sw * y;
                design[i][3] = sw * x * y;
                target[i] = sw * Math.log(Math.exp(data.lnL[i]) - e);
            }
            DecompositionSolver solver = new QRDecomposition(new Array2DRowRealMatrix(design, false)).getSolver();
            if (!solver.isNonSingular()) {
                continue;
            }
            RealVector c = solver.solve(new ArrayRealVector(target, false));
            double[] t = objective.theta(new LawStart(c.getEntry(0), -c.getEntry(1), -c.getEntry(2), c.getEntry(3), f));
            double value = objective.objective(t);
            if (Double.isFinite(value)) {
                out.add(new Candidate(t, value, false, 0));
            }
        }
        return out;
    }

    private static List<Candidate> best(List<Candidate> candidates, int k) {
        return candidates.stream()
                .filter(c -> Double.isFinite(c.objective))
                .sorted(Comparator.comparingDouble(c -> c.objective))
                .limit(k)
                .toList();
    }

    /** Refines one start by Levenberg–Marquardt; a start that exhausts its budget is kept as is. */
    private static Candidate refine(LawObjective objective, Candidate start) {
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .start(start.theta)
                .model(objective)
                .target(new double[objective.size()])
                .maxEvaluations(MAX_EVALUATIONS)
                .maxIterations(MAX_ITERATIONS)
                .build();
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(problem);
            double[] t = optimum.getPoint().toArray();
            double value = objective.objective(t);
            boolean converged = Double.isFinite(value);
            return new Candidate(t, converged ? value : start.objective, converged, optimum.getIterations());
        } catch (MathIllegalStateException tooManyEvaluations) {
            // The budget ran out (or LM met a numerically singular step): keep the start, unconverged.
            return new Candidate(start.theta, start.objective, false, MAX_ITERATIONS);
        }
    }

    /** Weighted RMS of log residuals. */
    private static double rmse(LawData data, double[] r) {
        double sum = 0;
        double weights = 0;
        for (int i = 0; i < data.n; i++) {
            sum += data.w[i] * r[i] * r[i];
            weights += data.w[i];
        }
        return Math.sqrt(sum / weights);
    }

    /**
     * Huber M-estimator covariance at the optimum, in the original constants: {@code s²·(JᵀWJ)⁻¹} in full (the
     * off-diagonal terms matter: α2 and α3 are strongly correlated); unknown when it cannot be estimated.
     */
    private static LawCovariance covariance(LawData data, LawObjective objective, ReuseLaw law, double[] r) {
        int p = LawObjective.PARAMS;
        if (data.n <= p) {
            return LawCovariance.unknown();
        }
        double[][] jac = objective.originalJacobian(law);
        double[][] info = new double[p][p];
        double psiSquares = 0;
        double psiPrime = 0;
        double weights = 0;
        for (int i = 0; i < data.n; i++) {
            double w = data.w[i];
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    info[a][b] += w * jac[i][a] * jac[i][b];
                }
            }
            double psi = objective.psi(r[i]);
            psiSquares += w * psi * psi;
            psiPrime += objective.inQuadraticZone(r[i]) ? w : 0;
            weights += w;
        }
        if (psiPrime == 0) {
            return LawCovariance.unknown();
        }
        double meanPsiPrime = psiPrime / weights;
        double scale = psiSquares / (data.n - p) / (meanPsiPrime * meanPsiPrime);
        // Equilibrate before inverting: A's column and the α columns differ by orders of magnitude.
        double[] d = new double[p];
        for (int a = 0; a < p; a++) {
            d[a] = info[a][a] > 0 ? 1.0 / Math.sqrt(info[a][a]) : Double.NaN;
        }
        double[][] scaled = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                scaled[a][b] = info[a][b] * d[a] * d[b];
            }
        }
        if (!allFinite(scaled)) {
            return LawCovariance.unknown();
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(scaled, false));
        // Condition numbers beyond ~1e14 leave no significant digit in the inverse.
        if (svd.getConditionNumber() > 1e14) {
            return LawCovariance.unknown();
        }
        RealMatrix inverse = svd.getSolver().getInverse();
        double[][] cov = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                // Undo the equilibration; symmetrise exactly against rounding in the inverse.
                double mean = 0.5 * (inverse.getEntry(a, b) + inverse.getEntry(b, a));
                cov[a][b] = scale * mean * d[a] * d[b];
                cov[b][a] = cov[a][b];
            }
        }
        if (!allFinite(cov)) {
            return LawCovariance.unknown();
        }
        return LawCovariance.of(cov, data.n - p);
    }

    private static boolean allFinite(double[][] m) {
        for (double[] row : m) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A point of the search with its objective. */
    private static final class Candidate {
        final double[] theta;
        final double objective;
        final boolean converged;
        final int iterations;

        Candidate(double[] theta, double objective, boolean converged, int iterations) {
            this.theta = theta;
            this.objective = objective;
            this.converged = converged;
            this.iterations = iterations;
        }

        /** Converged results beat unconverged ones; then the lower objective wins. */
        boolean betterThan(Candidate other) {
            if (converged != other.converged) {
                return converged;
            }
            return objective < other.objective;
        }
    }
}
