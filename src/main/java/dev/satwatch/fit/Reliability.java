package dev.satwatch.fit;

/**
 * Reliability verdict of a {@link FitResult}: whether its exponent is precise enough to act on.
 *
 * <p>Verdicts are checked in the order declared below; the first that applies wins.
 */
public enum Reliability {
    /** Converged, finite covariance and a 95 % interval of alpha narrower than alpha itself. */
    RELIABLE,
    /** Fewer usable points than the fit needs (4 for the three-parameter fit, 3 with E fixed). */
    TOO_FEW_POINTS,
    /**
     * Enough points, but they cannot determine a power law: fewer than three distinct x values,
     * all y equal, or a fixed E that is not a finite number in [0, min y).
     */
    INVALID_INPUT,
    /** The optimizer stopped at its iteration or evaluation limit. */
    NOT_CONVERGED,
    /** Converged, but the 95 % interval of alpha is wider than alpha, or the covariance is not finite. */
    INTERVAL_TOO_WIDE
}
