package dev.satwatch.fit;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;

/**
 * Fits {@code L = E + B · x^(−α)} to one loss curve (x = D2 in billions of tokens, natural logs) by
 * robust Levenberg–Marquardt on log residuals, in the manner of Chinchilla's approach 3 (Hoffmann et
 * al. 2022) with the corrections of Besiroglu et al. 2024 (sum, not mean, of the Huber losses).
 *
 * <h2>Estimator</h2>
 *
 * <pre>
 *   minimise  Σ_i ρ_δ( sqrt(w_i) · r_i ),   r_i = ln y_i − ln(E + B x_i^(−α))
 *   ρ_δ(s) = s² for |s| ≤ δ, 2δ|s| − δ² otherwise          (Huber, δ = {@link #DEFAULT_HUBER_DELTA})
 *   subject to 0 ≤ E &lt; min y,  B &gt; 0,  α &gt; 0
 * </pre>
 *
 * The weights are normalised to mean 1 first (bin counts are relative), so δ is a log residual of an
 * average point. The bounds are enforced by the reparametrisation {@code E = min y · σ(u)},
 * {@code B = e^v}, {@code α = e^a}. Commons Math's {@link LevenbergMarquardtOptimizer} (default
 * tolerances) minimises the Huber cost directly through square-rooted residuals with an analytic
 * Jacobian; see {@code PowerLawProblem}. Its minimiser is the fixed point of iteratively reweighted
 * least squares with weights {@code w_i·ω_i}, {@code ω_i = min(1, δ/|s_i|)}.
 *
 * <h2>Starting points: cold multi-start, warm start, and the warm-start trap</h2>
 *
 * <p><b>Cold</b> ({@link #fit(double[], double[], double[])}, {@link #fitCold}): a grid of E values
 * (fractions {@code 0.001 … 0.985} of min y), each with the closed-form weighted line of ln(y − E) on
 * ln x for (B, α); LM runs from the {@value #DEFAULT_COLD_STARTS} grid points of lowest Huber cost
 * ({@link #withColdStarts(int)}) and the converged optimum of lowest cost wins.
 *
 * <p><b>Warm</b> ({@link #fit(double[], double[], double[], FitResult)}): one LM run from a previous
 * result, the cheap path of a streaming refit. A warm start can trap the fit: near E ≈ 0 the
 * sigmoid's slope {@code ∂E/∂u} is ~0, so LM started there cannot move E and either stalls at its
 * iteration cap or "converges" at the boundary with a stale, too-small α. So when the warm run did not
 * converge, or ended with E within {@value #E_BOUNDARY_FRACTION} of a bound of [0, min y), the cold
 * multi-start runs too and the result of lower Huber cost wins (a converged result always beats one
 * that did not converge). Callers should also force a cold fit every few refits ({@link #fitCold})
 * and never warm-start from a result that did not converge ({@link #usableWarmStart(FitResult)}).
 *
 * <h2>Uncertainty</h2>
 *
 * {@code Cov(E, B, α) = s² (Jᵀ W Ω J)⁻¹}, J the Jacobian of ln m in the original parameters at the
 * optimum, W the weights, Ω the final Huber (IRLS) weights, {@code s² = Σ w ω r² / (n − 3)}. Intervals
 * are Student-t with n − 3 degrees of freedom and may extend below 0. Near a bound of E the interval
 * is the unconstrained one and understates how one-sided the uncertainty is.
 *
 * <h2>Edge cases (never an exception for data problems)</h2>
 *
 * <ul>
 *   <li>Points whose x or y is non-finite or ≤ 0, or whose weight is non-finite or ≤ 0, are skipped;
 *       when arrays differ in length only their common prefix is read. x need not be sorted.
 *   <li>Fewer than 4 usable points: {@code FitResult.failed(TOO_FEW_POINTS, n)}.
 *   <li>Fewer than 3 distinct x values, or all y equal: {@code failed(INVALID_INPUT, n)}.
 *   <li>Optimizer at its iteration limit: the starting parameters, {@code NaN} errors,
 *       {@code NOT_CONVERGED}.
 *   <li>95 % interval of α wider than α, or a singular or non-finite covariance:
 *       {@code INTERVAL_TOO_WIDE}; else {@code RELIABLE}.
 * </ul>
 *
 * Null x or y is a programming error ({@link IllegalArgumentException}); null w means unit weights.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} return modified copies.
 *
 * <p>References: J. Hoffmann et al., "Training Compute-Optimal Large Language Models", 2022 (approach
 * 3: Huber loss on log residuals); T. Besiroglu et al., "Chinchilla Scaling: A replication attempt",
 * 2024; Liew &amp; Kato, arXiv 2510.06548 (the per-D1 law this fits).
 */
public final class PowerLawFitter {

    /**
     * Default Huber δ on weighted log residuals: 0.01, i.e. a 1 % loss deviation. Chinchilla used 1e-3
     * for the final losses of whole runs; within one curve the evaluation noise is a few tenths of a
     * percent, and δ must sit above it so that ordinary points are fitted by least squares (efficient,
     * calibrated intervals) while spikes of several percent are only counted linearly.
     */
    public static final double DEFAULT_HUBER_DELTA = 0.01;

    /** Default cap on Levenberg–Marquardt iterations (evaluations are capped at ten times this). */
    public static final int DEFAULT_MAX_ITERATIONS = 200;

    /** Default number of grid starts refined by LM in a cold fit. */
    public static final int DEFAULT_COLD_STARTS = 3;

    /**
     * A warm fit whose E ends within this fraction of min y from 0 or from min y counts as stuck at the
     * bound (the sigmoid's slope there is below 1e-3 of its peak): the cold multi-start then runs too.
     */
    static final double E_BOUNDARY_FRACTION = 1e-3;

    /** Fractions of min y tried as E when there is no warm start. */
    private static final double[] E_GRID = {0.001, 0.2, 0.4, 0.6, 0.75, 0.85, 0.92, 0.96, 0.985};

    /** Smallest fraction of min y a start may put E at: keeps the logit finite. */
    private static final double MIN_E_FRACTION = 1e-6;

    /** Exponent used by a grid start whose line rises (the optimizer then moves it). */
    private static final double MIN_START_ALPHA = 1e-3;

    private static final int MIN_POINTS = 4;

    private final double huberDelta;
    private final int maxIterations;
    private final int coldStarts;

    private PowerLawFitter(double huberDelta, int maxIterations, int coldStarts) {
        this.huberDelta = huberDelta;
        this.maxIterations = maxIterations;
        this.coldStarts = coldStarts;
    }

    /**
     * A fitter with Huber δ {@value #DEFAULT_HUBER_DELTA}, at most {@value #DEFAULT_MAX_ITERATIONS}
     * iterations per LM run and {@value #DEFAULT_COLD_STARTS} cold starts.
     */
    public static PowerLawFitter create() {
        return new PowerLawFitter(DEFAULT_HUBER_DELTA, DEFAULT_MAX_ITERATIONS, DEFAULT_COLD_STARTS);
    }

    /**
     * A copy refining the best {@code n} grid starts in a cold fit (1 = the single best grid start).
     *
     * @throws IllegalArgumentException unless {@code 1 ≤ n ≤} the grid size (9)
     */
    public PowerLawFitter withColdStarts(int n) {
        if (n < 1 || n > E_GRID.length) {
            throw new IllegalArgumentException("cold starts must be in [1, " + E_GRID.length + "], got " + n);
        }
        return new PowerLawFitter(huberDelta, maxIterations, n);
    }

    /** The number of grid starts a cold fit refines. */
    public int coldStarts() {
        return coldStarts;
    }

    /**
     * A copy with another Huber δ on the weighted log residuals; {@code Double.POSITIVE_INFINITY}
     * gives plain weighted least squares.
     *
     * @throws IllegalArgumentException unless {@code delta > 0}
     */
    public PowerLawFitter withHuberDelta(double delta) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("Huber delta must be > 0, got " + delta);
        }
        return new PowerLawFitter(delta, maxIterations, coldStarts);
    }

    /**
     * A copy with another cap on LM iterations.
     *
     * @throws IllegalArgumentException unless {@code n ≥ 1}
     */
    public PowerLawFitter withMaxIterations(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max iterations must be >= 1, got " + n);
        }
        return new PowerLawFitter(huberDelta, n, coldStarts);
    }

    /** The Huber δ of this fitter. */
    public double huberDelta() {
        return huberDelta;
    }

    /** The iteration cap of this fitter. */
    public int maxIterations() {
        return maxIterations;
    }

    /** A cold multi-start fit; see the class comment. Same as {@link #fitCold}. */
    public FitResult fit(double[] x, double[] y, double[] w) {
        return fitCold(x, y, w);
    }

    /**
     * A cold multi-start fit, ignoring any previous result: LM from the best {@link #coldStarts()}
     * grid starts, the converged optimum of lowest Huber cost winning. Streaming callers force one every
     * few refits so that a warm start can never hold a run's fit in a poor local optimum for long.
     */
    public FitResult fitCold(double[] x, double[] y, double[] w) {
        PowerLawData data = PowerLawData.of(x, y, w);
        FitResult invalid = invalid(data);
        return invalid != null ? invalid : cold(data).result;
    }

    /**
     * Fits starting from {@code warmStart} (typically the previous converged fit of the same run) when
     * {@link #usableWarmStart(FitResult) usable} (e is pulled inside [0, min y) if the new data
     * requires); otherwise cold. When the warm run fails — it did not converge, or it ended with E
     * stuck at a bound — the cold multi-start runs as well and the lower Huber cost wins, so a warm
     * start never returns a worse optimum than it had to.
     *
     * @param warmStart a previous result, or null
     */
    public FitResult fit(double[] x, double[] y, double[] w, FitResult warmStart) {
        return fit(x, y, w, usableWarmStart(warmStart) ? warmStart.powerLaw() : null);
    }

    /**
     * Fits starting from {@code warmStart} (the parameters of a previous converged fit of the same run) when they are
     * usable (finite, e ≥ 0, b and alpha &gt; 0), else cold; otherwise as {@link #fit(double[], double[], double[],
     * FitResult)}.
     *
     * @param warmStart the starting parameters, or null
     */
    public FitResult fit(double[] x, double[] y, double[] w, PowerLaw warmStart) {
        PowerLawData data = PowerLawData.of(x, y, w);
        FitResult invalid = invalid(data);
        if (invalid != null) {
            return invalid;
        }
        if (!usable(warmStart)) {
            return cold(data).result;
        }
        Attempt warm = attempt(data, warmStartOf(warmStart, data));
        if (warm.result.converged() && !atEBound(warm.result, data)) {
            return warm.result;
        }
        Attempt cold = cold(data);
        return cold.betterThan(warm) ? cold.result : warm.result;
    }

    /**
     * Whether {@code fit} may seed a warm start: converged (a fit that did not converge only holds its
     * own starting point) with finite parameters, b, alpha &gt; 0 and e ≥ 0.
     */
    public static boolean usableWarmStart(FitResult fit) {
        return fit != null && fit.converged() && usable(fit.powerLaw());
    }

    /**
     * The Huber cost {@code Σ ρ_δ(√wᵢ·(ln m − ln yᵢ))} of {@code fit}'s parameters on the data, with
     * the weights normalised as in a fit: the objective this fitter minimises, so two fits of the same
     * data compare by it. {@code NaN} when the parameters are not finite or the data have no usable
     * point.
     */
    public double cost(double[] x, double[] y, double[] w, FitResult fit) {
        PowerLawData data = PowerLawData.of(x, y, w);
        if (data.n == 0 || !Double.isFinite(fit.e()) || !Double.isFinite(fit.b()) || !Double.isFinite(fit.alpha())) {
            return Double.NaN;
        }
        return cost(data, fit.e(), fit.b(), fit.alpha());
    }

    /** The reason a fit cannot be attempted on {@code data}, or null. */
    private static FitResult invalid(PowerLawData data) {
        if (data.n < MIN_POINTS) {
            return FitResult.failed(Reliability.TOO_FEW_POINTS, data.n);
        }
        if (data.distinctX(3) < 3 || data.flatY()) {
            return FitResult.failed(Reliability.INVALID_INPUT, data.n);
        }
        return null;
    }

    /** LM from the best {@link #coldStarts} grid starts; the best attempt. */
    private Attempt cold(PowerLawData data) {
        Attempt best = null;
        for (double[] start : gridStarts(data)) {
            Attempt a = attempt(data, start);
            if (best == null || a.betterThan(best)) {
                best = a;
            }
        }
        return best;
    }

    /** One LM run from {@code start} (unconstrained parameters). */
    private Attempt attempt(PowerLawData data, double[] start) {
        FitResult result;
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer()
                    .optimize(PowerLawProblem.build(data, huberDelta, start, maxIterations));
            result = PowerLawResults.summarise(
                    data, huberDelta, optimum.getPoint().toArray(), optimum.getIterations());
        } catch (MathIllegalStateException tooManyIterations) {
            result = PowerLawResults.notConverged(data, maxIterations, start);
        }
        return new Attempt(result, cost(data, result.e(), result.b(), result.alpha()));
    }

    private static boolean atEBound(FitResult fit, PowerLawData data) {
        double f = fit.e() / data.minY;
        return f < E_BOUNDARY_FRACTION || f > 1 - E_BOUNDARY_FRACTION;
    }

    private double cost(PowerLawData data, double e, double b, double alpha) {
        double c = 0;
        for (int i = 0; i < data.n; i++) {
            double s = data.sqrtW[i] * (Math.log(PowerLawModel.value(data.lnX[i], e, b, alpha)) - data.lnY[i]);
            c += Huber.cost(s, huberDelta);
        }
        return Double.isNaN(c) ? Double.POSITIVE_INFINITY : c;
    }

    /** A fit with its Huber cost. */
    private record Attempt(FitResult result, double cost) {
        /** A converged result beats one that did not converge; then the lower cost wins. */
        boolean betterThan(Attempt other) {
            if (result.converged() != other.result.converged()) {
                return result.converged();
            }
            return cost < other.cost;
        }
    }

    /**
     * Fits B and α with E fixed (for instance by a calibrated law): the closed-form weighted line of
     * {@code ln(y − e)} on {@code ln x}, {@code α = −slope}, {@code B = exp(intercept)}, with weights
     * {@code w·((y − e)/y)²} (the delta-method factor that puts ln(y − e) on the noise scale of ln y,
     * so the fit is the linearised log-residual fit of the class comment). Points with
     * {@code y ≤ e} are skipped as well. Needs 3 usable points (two parameters and one degree of
     * freedom); the result reports {@code eStdErr = 0}, a covariance with zero e row and column, Student-t
     * intervals with n − 2 degrees of freedom, no Huber weighting and 0 iterations.
     *
     * @param e the fixed irreducible loss; not finite or negative gives {@code failed(INVALID_INPUT)}
     */
    public FitResult fitFixedE(double[] x, double[] y, double[] w, double e) {
        PowerLawData data = PowerLawData.of(x, y, w);
        if (!(e >= 0) || e == Double.POSITIVE_INFINITY) {
            return FitResult.failed(Reliability.INVALID_INPUT, data.n);
        }
        PowerLawData shifted = data.minus(e);
        if (shifted.n < 3) {
            return FitResult.failed(Reliability.TOO_FEW_POINTS, shifted.n);
        }
        LogLogLine line = LogLogLine.fit(shifted.lnX, shifted.lnY, shifted.w, shifted.n);
        if (!Double.isFinite(line.slope())) {
            return FitResult.failed(Reliability.INVALID_INPUT, shifted.n);
        }
        double alpha = -line.slope();
        double b = Math.exp(line.intercept());
        double alphaSe = Math.sqrt(line.slopeVar());
        // Delta method for B = exp(intercept): dB = B·d(intercept); dα = −d(slope).
        double[] cov = {
            0, 0, 0, 0, b * b * line.interceptVar(), -b * line.covariance(), 0, -b * line.covariance(), line.slopeVar()
        };
        double half = FitResult.tQuantile(line.dof()) * alphaSe;
        Reliability verdict = PowerLawResults.verdict(alpha, 2 * half, cov);
        return new FitResult(
                e,
                b,
                alpha,
                0.0,
                b * Math.sqrt(line.interceptVar()),
                alphaSe,
                alpha - half,
                alpha + half,
                Covariance3.of(cov),
                PowerLawResults.rmsLogResidual(data, e, b, alpha),
                shifted.n,
                0,
                true,
                verdict);
    }

    private static boolean usable(PowerLaw warm) {
        return warm != null
                && warm.e() >= 0
                && warm.b() > 0
                && warm.alpha() > 0
                && Double.isFinite(warm.e())
                && Double.isFinite(warm.b())
                && Double.isFinite(warm.alpha());
    }

    private static double[] warmStartOf(PowerLaw warm, PowerLawData data) {
        double f = Math.max(MIN_E_FRACTION, Math.min(E_GRID[E_GRID.length - 1], warm.e() / data.minY));
        return unconstrained(f, warm.b(), warm.alpha());
    }

    private static double[] unconstrained(double eFraction, double b, double alpha) {
        return new double[] {
            PowerLawModel.logit(eFraction),
            Math.max(-PowerLawProblem.V_BOUND, Math.min(PowerLawProblem.V_BOUND, Math.log(b))),
            Math.max(PowerLawProblem.A_MIN, Math.min(PowerLawProblem.A_MAX, Math.log(alpha)))
        };
    }

    /**
     * The {@link #coldStarts} closed-form lines over the E grid of lowest Huber cost, best first, as
     * (u, v, a); never empty.
     */
    private List<double[]> gridStarts(PowerLawData data) {
        double[] shifted = new double[data.n];
        List<double[]> starts = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (double f : E_GRID) {
            double e = f * data.minY;
            for (int i = 0; i < data.n; i++) {
                shifted[i] = Math.log(data.y[i] - e);
            }
            LogLogLine line = LogLogLine.fit(data.lnX, shifted, data.w, data.n);
            double alpha = Math.max(MIN_START_ALPHA, -line.slope());
            double b = Math.exp(line.intercept());
            if (!Double.isFinite(alpha) || !(b > 0) || b == Double.POSITIVE_INFINITY) {
                continue;
            }
            double cost = cost(data, e, b, alpha);
            int at = 0;
            while (at < costs.size() && costs.get(at) <= cost) {
                at++;
            }
            costs.add(at, cost);
            starts.add(at, unconstrained(f, b, alpha));
        }
        if (starts.isEmpty()) {
            // Only reachable when every line failed (no spread in x is ruled out earlier): a neutral start.
            starts.add(unconstrained(0.5, data.minY, MIN_START_ALPHA));
        }
        return starts.subList(0, Math.min(coldStarts, starts.size()));
    }
}
