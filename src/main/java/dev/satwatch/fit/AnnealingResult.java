package dev.satwatch.fit;

/**
 * A fitted annealing law {@code L = l0 + a·S1^(−alpha) − c·S2} (Tissue et al. 2024) with its λ, covariance and
 * 95 % intervals. Parameter order everywhere is (l0, a, alpha, c); with {@code c} fixed the covariance is 3×3
 * over (l0, a, alpha) and c's interval is the point {@code [c, c]}.
 *
 * <p>A {@link #failed} result has every number NaN and {@code converged == false}. The covariance is copied in
 * and out, so instances are immutable and thread-safe; {@code equals} compares the array by reference.
 *
 * @param l0 the loss as S1 → ∞ at constant LR
 * @param a amplitude of the forward-area term
 * @param alpha exponent of S1
 * @param c annealing coefficient (loss per unit of S2)
 * @param lambdaIndex index of λ in {@link ScheduleState#lambdas()}
 * @param cFixed whether c was given rather than fitted
 * @param covariance row-major covariance of the free parameters; null when not computable
 * @param l0Interval 95 % interval of l0
 * @param aInterval 95 % interval of a
 * @param alphaInterval 95 % interval of alpha
 * @param cInterval 95 % interval of c
 * @param rss weighted residual sum of squares {@code Σ w (y − L)²}
 * @param points number of points fitted
 * @param evaluations linear solves made by the search over alpha (and λ)
 * @param converged whether the search ended inside the alpha range with a finite residual
 */
public record AnnealingResult(
        double l0,
        double a,
        double alpha,
        double c,
        int lambdaIndex,
        boolean cFixed,
        double[] covariance,
        FitResult.Interval l0Interval,
        FitResult.Interval aInterval,
        FitResult.Interval alphaInterval,
        FitResult.Interval cInterval,
        double rss,
        int points,
        int evaluations,
        boolean converged) {

    private static final FitResult.Interval UNKNOWN = new FitResult.Interval(Double.NaN, Double.NaN);

    /** Copies the covariance. */
    public AnnealingResult {
        covariance = covariance == null ? null : covariance.clone();
    }

    /** A result for data that could not be fitted. */
    public static AnnealingResult failed(int points, int lambdaIndex, boolean cFixed) {
        return new AnnealingResult(
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                lambdaIndex,
                cFixed,
                null,
                UNKNOWN,
                UNKNOWN,
                UNKNOWN,
                UNKNOWN,
                Double.NaN,
                points,
                0,
                false);
    }

    /** The covariance (a copy); null when not computable. */
    @Override
    public double[] covariance() {
        return covariance == null ? null : covariance.clone();
    }

    /** The decay factor λ of the fitted S2. */
    public double lambda() {
        return ScheduleState.lambda(lambdaIndex);
    }

    /** The law's loss at the given sums ({@code s2} for this result's λ). */
    public double predict(double s1, double s2) {
        return l0 + a * Math.pow(s1, -alpha) - c * s2;
    }

    /** The law's loss at a schedule state. */
    public double predict(ScheduleState state) {
        return predict(state.s1(), state.s2(lambdaIndex));
    }

    /**
     * Standard error of {@link #predict(double, double)} from the parameter covariance (delta method); with c
     * fixed it excludes c's own uncertainty. NaN without a covariance.
     */
    public double predictStdErr(double s1, double s2) {
        if (covariance == null) {
            return Double.NaN;
        }
        double u = Math.pow(s1, -alpha);
        double[] g =
                cFixed ? new double[] {1, u, -a * Math.log(s1) * u} : new double[] {1, u, -a * Math.log(s1) * u, -s2};
        int p = g.length;
        double v = 0;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                v += g[i] * covariance[i * p + j] * g[j];
            }
        }
        return Math.sqrt(Math.max(0, v));
    }
}
