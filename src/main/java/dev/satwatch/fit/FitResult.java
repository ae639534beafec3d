package dev.satwatch.fit;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The fitted power law {@code L = e + b · x^(−alpha)} of one loss curve (x = D2 in billions of tokens,
 * natural logs), with standard errors, the 95 % interval of alpha, the covariance and a reliability
 * verdict. Parameter order everywhere is (e, b, alpha).
 *
 * <p>Intervals are Student-t intervals with {@code points − p} degrees of freedom (p = 3 free
 * parameters, 2 when e was fixed). A {@link #failed failed} result has every number {@code NaN}, a null
 * covariance and {@code converged == false}. A result that did not converge keeps the best parameters
 * known (the starting point) but {@code NaN} errors.
 *
 * <p>Every component is a value (the covariance too, {@link Covariance3}), so instances are immutable and
 * thread-safe and compare by content.
 *
 * @param e irreducible loss E, in [0, min y)
 * @param b amplitude B (&gt; 0)
 * @param alpha exponent (&gt; 0)
 * @param eStdErr standard error of e (0 when e was fixed)
 * @param bStdErr standard error of b
 * @param alphaStdErr standard error of alpha
 * @param alphaCiLow lower end of the 95 % interval of alpha
 * @param alphaCiHigh upper end of the 95 % interval of alpha
 * @param covariance covariance of (e, b, alpha); null when not computable
 * @param rmsLogResidual weighted root-mean-square log residual {@code sqrt(Σ w r² / Σ w)},
 *     {@code r = ln y − ln(e + b x^(−alpha))}
 * @param points number of usable points fitted
 * @param iterations optimizer iterations (0 for closed-form fits)
 * @param converged whether the optimizer met its convergence criteria
 * @param reliability the verdict
 */
public record FitResult(
        double e,
        double b,
        double alpha,
        double eStdErr,
        double bStdErr,
        double alphaStdErr,
        double alphaCiLow,
        double alphaCiHigh,
        Covariance3 covariance,
        double rmsLogResidual,
        int points,
        int iterations,
        boolean converged,
        Reliability reliability) {

    /** Two-sided confidence level of every interval in this record. */
    public static final double CONFIDENCE = 0.95;

    /**
     * A closed interval {@code [low, high]}; both ends {@code NaN} when unknown.
     *
     * @param low lower end
     * @param high upper end
     */
    public record Interval(double low, double high) {

        /** True when both ends are finite. */
        public boolean defined() {
            return Double.isFinite(low) && Double.isFinite(high);
        }

        /** True when {@code v} lies in the interval (ends included). */
        public boolean contains(double v) {
            return low <= v && v <= high;
        }
    }

    /** Requires a verdict. */
    public FitResult {
        if (reliability == null) {
            throw new IllegalArgumentException("reliability must not be null");
        }
    }

    /** A result for a fit that could not be attempted: every number {@code NaN}, no covariance. */
    public static FitResult failed(Reliability why, int points) {
        double nan = Double.NaN;
        return new FitResult(nan, nan, nan, nan, nan, nan, nan, nan, null, nan, points, 0, false, why);
    }

    /** The fitted curve (e, b, alpha). */
    public PowerLaw powerLaw() {
        return new PowerLaw(e, b, alpha);
    }

    /** True when the verdict is {@link Reliability#RELIABLE}. */
    public boolean reliable() {
        return reliability == Reliability.RELIABLE;
    }

    /** The fitted loss {@code e + b · x^(−alpha)} at x billion tokens ({@code NaN} for x ≤ 0 or a failed fit). */
    public double predict(double x) {
        return x > 0 ? powerLaw().at(x) : Double.NaN;
    }

    /**
     * The 95 % delta-method confidence interval of the fitted curve at x: {@code predict(x) ± t · sqrt(gᵀ C g)}
     * with {@code g = (1, x^(−alpha), −b x^(−alpha) ln x)} the gradient of the prediction and C the
     * covariance. This is the uncertainty of the curve, not of a single new measurement (which adds the
     * evaluation noise). Both ends are {@code NaN} when the covariance is unknown or x ≤ 0.
     */
    public Interval predictInterval(double x) {
        int dof = points - freeParameters();
        if (covariance == null || !(x > 0) || dof < 1) {
            return new Interval(Double.NaN, Double.NaN);
        }
        double p = Math.pow(x, -alpha);
        double var = covariance.quadraticForm(1.0, p, -b * p * Math.log(x));
        double half = tQuantile(dof) * Math.sqrt(Math.max(var, 0.0));
        double mid = predict(x);
        return new Interval(mid - half, mid + half);
    }

    /**
     * Free parameters of the fit: 2 when e was fixed (fixed-E fits, and only they, report an e standard
     * error of exactly 0), else 3.
     */
    private int freeParameters() {
        return eStdErr == 0.0 ? 2 : 3;
    }

    /** Quantiles for small degrees of freedom, computed once: inverting the t CDF costs microseconds. */
    private static final double[] T_QUANTILES = tQuantiles(256);

    /** The two-sided 95 % Student-t quantile for {@code dof ≥ 1} degrees of freedom. */
    static double tQuantile(int dof) {
        return dof < T_QUANTILES.length ? T_QUANTILES[dof] : computeTQuantile(dof);
    }

    private static double[] tQuantiles(int size) {
        double[] q = new double[size];
        q[0] = Double.NaN;
        for (int dof = 1; dof < size; dof++) {
            q[dof] = computeTQuantile(dof);
        }
        return q;
    }

    private static double computeTQuantile(int dof) {
        // A null generator: the distribution is only inverted, never sampled, and seeding one is costly.
        return new TDistribution(null, dof).inverseCumulativeProbability(0.5 + CONFIDENCE / 2);
    }
}
