package dev.satwatch.law;

/**
 * Result of calibrating a {@link ReuseLaw} on a fleet of runs with {@link LawCalibrator}.
 *
 * <p>When the data cannot identify the law (fewer than two distinct usable D1 values, or no more
 * usable points than the five constants) the fit is {@linkplain #converged() not converged} and every
 * constant, standard error and {@code rmse} is {@code NaN}; {@code runsUsed} and {@code points} still
 * say what was usable. When the optimiser ran out of iterations on every start the best constants
 * seen are returned with {@code converged == false}. Immutable and thread-safe.
 *
 * @param law the fitted constants (all {@code NaN} when not identifiable)
 * @param stdErr their standard errors, from the Jacobian at the optimum
 * @param rmse root of the weighted mean squared log residual {@code ln L_obs − ln L_model}
 * @param runsUsed runs that contributed at least one point
 * @param points usable points fitted
 * @param converged whether the winning start's Levenberg–Marquardt refinement converged
 * @param starts starting points refined by Levenberg–Marquardt
 * @param iterations iterations of the winning refinement
 */
public record LawFit(
        ReuseLaw law,
        LawStdErr stdErr,
        double rmse,
        int runsUsed,
        int points,
        boolean converged,
        int starts,
        int iterations) {

    private static final ReuseLaw NAN_LAW = new ReuseLaw(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** A fit that could not be attempted because the data do not identify the five constants. */
    static LawFit unidentifiable(int runsUsed, int points) {
        return new LawFit(NAN_LAW, LawStdErr.unknown(), Double.NaN, runsUsed, points, false, 0, 0);
    }
}
