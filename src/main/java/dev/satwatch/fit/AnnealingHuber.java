package dev.satwatch.fit;

import java.util.function.Function;

/**
 * The annealing-law fit of {@link AnnealingFit} under a Huber loss on the relative residual {@code r_i = (y_i −
 * L̂_i)/y_i}, by iteratively reweighted least squares: a plain least-squares fit first, then repeatedly the weighted
 * fit with weights {@code w_i·min(1, δ/|r_i|)} (the caller's weights {@code w_i} kept, {@link Huber#weight}) at the
 * residuals of the previous fit, until no parameter moves by more than {@value #TOLERANCE} of its size, at most
 * {@value #MAX_ITERATIONS} fits.
 *
 * <p>What it minimises: {@code Σ w_i·H(y_i − L̂_i)} with Huber's loss H at the per-point threshold {@code δ·y_i},
 * i.e. the plain fit's squared loss residual while {@code |r_i| ≤ δ} and linear beyond. Up to each point's factor
 * {@code y_i²} (near-constant along a loss curve) that is the Huber loss of the relative residual, whose first-order
 * equivalent Luo et al. fit ("A Multi-Power Law for Loss Curve Prediction Across Learning Rate Schedules", ICLR
 * 2025, arXiv 2503.12811: Huber loss with δ = 1e-3 on {@code ln L}). Each IRLS step does not increase that
 * objective (IRLS for Huber's loss is a majorise–minimise scheme), so the points a spike, a restart or a change in
 * the data order push off the law weigh by their distance, not its square.
 *
 * <ul>
 *   <li>{@link #fit(AnnealingPoints)}: L0, A, C, α free; the λ with the lowest Huber objective, each λ reweighted
 *       on its own.
 *   <li>{@link #fit(AnnealingPoints, int)}: L0, A, C, α free at one λ.
 *   <li>{@link #fitWithC(AnnealingPoints, double, int)}: C given.
 * </ul>
 *
 * <p>IRLS converges linearly, and the α that {@link AnnealingFit} finds jitters by 1e-8 to 1e-7 relative between
 * nearly equal weightings (the residual is flat in α at its minimum), hence a tolerance of 1e-6 (an earlier 1e-9 was
 * never reached: on the 25M multipowerlaw fit set, constant_24000 + cosine_24000, after 20 fits α still moved ~3e-7
 * relative per fit; 80 fits changed α by 1.2e-6 relative and the backtest's mean |rel err| by 4e-9).
 *
 * <p>The result is the last weighted fit's: its intervals come from {@code σ²·(JᵀWJ)⁻¹} with the robust weights as
 * precisions, its {@code rss} is the weighted one {@code Σ w_i·h_i·(y_i − L̂_i)²}, its {@code evaluations} count the
 * linear solves of every fit, and {@code converged} is the last fit's (α inside its range). On an exact curve every
 * weight stays 1 and the result is the plain fit's. Meant for losses ({@code y > 0}); a point at {@code y = 0} gets
 * the weight of an infinite relative residual's limit, the smallest positive double. A failed first fit (too few
 * points, a singular design) is returned as it is. Immutable and thread-safe.
 */
public final class AnnealingHuber {

    /** Luo et al.'s threshold: 1e-3 on {@code ln L}, i.e. a relative residual of 0.1 %. */
    public static final double DEFAULT_DELTA = 1e-3;

    /** Most least-squares fits per λ (the first, plain one included). */
    static final int MAX_ITERATIONS = 20;

    /**
     * Relative change of every parameter below which the reweighting stops: above the 1e-8 to 1e-7 by which
     * {@link AnnealingFit}'s α jitters between nearly equal weightings, so that a settled fit stops instead of
     * running to the cap.
     */
    static final double TOLERANCE = 1e-6;

    private final AnnealingFit fitter;
    private final double delta;

    private AnnealingHuber(AnnealingFit fitter, double delta) {
        this.fitter = fitter;
        this.delta = delta;
    }

    /** The default fitter ({@link AnnealingFit#create()}) with δ = {@value #DEFAULT_DELTA}. */
    public static AnnealingHuber create() {
        return new AnnealingHuber(AnnealingFit.create(), DEFAULT_DELTA);
    }

    /**
     * A robust fit over the given least-squares fitter.
     *
     * @param fitter the weighted least-squares fit reweighted
     * @param delta the threshold on the relative residual, positive and finite
     */
    public static AnnealingHuber of(AnnealingFit fitter, double delta) {
        if (fitter == null) {
            throw new IllegalArgumentException("fitter must not be null");
        }
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("delta must be positive and finite, got " + delta);
        }
        return new AnnealingHuber(fitter, delta);
    }

    /** The threshold on the relative residual. */
    public double delta() {
        return delta;
    }

    /** L0, A, C, α free; the λ of the grid with the lowest Huber objective. */
    public AnnealingResult fit(AnnealingPoints points) {
        AnnealingResult best = null;
        double bestObjective = Double.POSITIVE_INFINITY;
        for (int k = 0; k < ScheduleState.LAMBDA_COUNT; k++) {
            AnnealingResult r = fit(points, k);
            double objective = objective(points, r);
            if (best == null || objective < bestObjective) {
                best = r;
                bestObjective = objective;
            }
        }
        return best;
    }

    /** L0, A, C, α free at the λ of {@code lambdaIndex}. */
    public AnnealingResult fit(AnnealingPoints points, int lambdaIndex) {
        return reweight(points, p -> fitter.fit(p, lambdaIndex));
    }

    /** C given, L0, A, α free, at the λ of {@code lambdaIndex}. */
    public AnnealingResult fitWithC(AnnealingPoints points, double c, int lambdaIndex) {
        return reweight(points, p -> fitter.fitWithC(p, c, lambdaIndex));
    }

    /**
     * The objective minimised, {@code Σ w_i·H_{δ·y_i}(y_i − L̂_i)} with the caller's weights; +∞ for a failed fit.
     */
    public double objective(AnnealingPoints points, AnnealingResult law) {
        if (!Double.isFinite(law.l0())) {
            return Double.POSITIVE_INFINITY;
        }
        double sum = 0;
        int k = law.lambdaIndex();
        for (int i = 0; i < points.size(); i++) {
            double y = points.y(i);
            double scale = Math.abs(y);
            double r = (y - law.predict(points.s1(i), points.s2(k, i))) / scale;
            sum += points.w(i) * scale * scale * Huber.loss(r, delta);
        }
        return Double.isNaN(sum) ? Double.POSITIVE_INFINITY : sum;
    }

    private AnnealingResult reweight(AnnealingPoints points, Function<AnnealingPoints, AnnealingResult> leastSquares) {
        AnnealingResult current = leastSquares.apply(points);
        int evaluations = current.evaluations();
        int n = points.size();
        double[] w = new double[n];
        for (int it = 1; it < MAX_ITERATIONS && Double.isFinite(current.l0()); it++) {
            int k = current.lambdaIndex();
            for (int i = 0; i < n; i++) {
                double y = points.y(i);
                double r = (y - current.predict(points.s1(i), points.s2(k, i))) / Math.abs(y);
                double v = points.w(i) * Huber.weight(r, delta);
                w[i] = v > 0 ? v : Double.MIN_VALUE; // an underflow, or NaN at y = 0
            }
            AnnealingResult next = leastSquares.apply(points.withWeights(w));
            evaluations += next.evaluations();
            if (!Double.isFinite(next.l0())) {
                break; // keep the last fit that worked
            }
            boolean settled = settled(current, next);
            current = next;
            if (settled) {
                break;
            }
        }
        return withEvaluations(current, evaluations);
    }

    private static boolean settled(AnnealingResult a, AnnealingResult b) {
        return close(a.l0(), b.l0()) && close(a.a(), b.a()) && close(a.alpha(), b.alpha()) && close(a.c(), b.c());
    }

    private static boolean close(double x, double y) {
        return Math.abs(x - y) <= TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
    }

    private static AnnealingResult withEvaluations(AnnealingResult r, int evaluations) {
        return new AnnealingResult(
                r.l0(),
                r.a(),
                r.alpha(),
                r.c(),
                r.lambdaIndex(),
                r.cFixed(),
                r.covariance(),
                r.l0Interval(),
                r.aInterval(),
                r.alphaInterval(),
                r.cInterval(),
                r.rss(),
                r.points(),
                evaluations,
                r.converged());
    }
}
