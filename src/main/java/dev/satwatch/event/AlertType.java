package dev.satwatch.event;

/** The alert types of DESIGN §5. */
public enum AlertType {
    /** At run start: the law predicts α(D1) below a floor, or D1/params is far above compute-optimal. */
    BASE_OVERTRAINED,
    /** The upper 95 % bound of the measured exponent is below the predicted one by a tolerance. */
    EXPONENT_BELOW_PREDICTION,
    /** Projected gain over the rest of the budget, or gain per billion tokens, under a threshold: stop early. */
    DIMINISHING_RETURNS,
    /** A point far outside the fit's robust (MAD-based) residual band. */
    LOSS_SPIKE,
    /** A non-finite loss, or a sustained rise. */
    DIVERGENCE,
    /** No events for a configured wall-clock time. */
    STALLED,
    /** Enough points but no convergence, or an interval too wide to judge. */
    FIT_UNRELIABLE
}
