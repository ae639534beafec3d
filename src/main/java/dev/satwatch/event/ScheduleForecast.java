package dev.satwatch.event;

/**
 * What the schedule-aware law says about the rest of a run (DESIGN §4b, §5), as a fit update carries it: the loss
 * at the planned end, the loss after a cooldown started now, both with 95 % intervals, the decision quantity g with
 * its bound, and the predicted curve for the rest of the plan. Computed by {@code estimate.SchedulePrediction}.
 * Numbers that cannot be computed are NaN.
 *
 * @param d2Tokens tokens seen
 * @param targetD2Tokens the budget
 * @param cooldownTokens K, the tokens a cooldown now runs
 * @param finalLoss the loss at the planned end
 * @param finalLow its lower 95 % bound
 * @param finalHigh its upper 95 % bound
 * @param cooldownNowLoss the loss after a cooldown now
 * @param cooldownNowLow its lower 95 % bound
 * @param cooldownNowHigh its upper 95 % bound
 * @param lossGivenUp g
 * @param lossGivenUpUpper g⁺
 * @param curveD2 D2 of the predicted curve's knots (the rest of the plan, from now to the target)
 * @param curveLoss the law's loss at each knot
 * @param cKnown whether C was fitted (the run's LR has decayed) or is the setting's calibrated C (a run still at a
 *     constant LR), so the absolute losses include the cooldown gain; false when C = 0 stood in
 * @param scheduleSource {@code planned}, or {@code inferred: wsd|cosine|linear|decay from now}
 * @param note null when predicted, else why not
 */
public record ScheduleForecast(
        double d2Tokens,
        double targetD2Tokens,
        double cooldownTokens,
        double finalLoss,
        double finalLow,
        double finalHigh,
        double cooldownNowLoss,
        double cooldownNowLow,
        double cooldownNowHigh,
        double lossGivenUp,
        double lossGivenUpUpper,
        double[] curveD2,
        double[] curveLoss,
        boolean cKnown,
        String scheduleSource,
        String note) {

    /** Copies the curve arrays. */
    public ScheduleForecast {
        curveD2 = curveD2 == null ? new double[0] : curveD2.clone();
        curveLoss = curveLoss == null ? new double[0] : curveLoss.clone();
    }

    /** The curve's D2 values (a copy). */
    @Override
    public double[] curveD2() {
        return curveD2.clone();
    }

    /** The curve's losses (a copy). */
    @Override
    public double[] curveLoss() {
        return curveLoss.clone();
    }

    /** Whether a prediction was made. */
    public boolean predicted() {
        return note == null;
    }

    /** No prediction, with the reason. */
    public static ScheduleForecast none(double d2Tokens, double targetD2Tokens, String note) {
        return new ScheduleForecast(
                d2Tokens,
                targetD2Tokens,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                null,
                null,
                false,
                null,
                note);
    }

    /**
     * The D2 of knot {@code i} (1-based) of {@code knots} evenly spaced from {@code d2Now} (excluded) to {@code
     * target}: how a forecast's curve is laid out, so that a stored forecast need not store its D2 values.
     */
    public static double knotD2(double d2Now, double target, int i, int knots) {
        return d2Now + (target - d2Now) * i / knots;
    }

    /** This forecast with another upper bound on the loss given up (e.g. over several models). */
    public ScheduleForecast withLossGivenUpUpper(double upper) {
        return new ScheduleForecast(
                d2Tokens,
                targetD2Tokens,
                cooldownTokens,
                finalLoss,
                finalLow,
                finalHigh,
                cooldownNowLoss,
                cooldownNowLow,
                cooldownNowHigh,
                lossGivenUp,
                upper,
                curveD2,
                curveLoss,
                cKnown,
                scheduleSource,
                note);
    }

    /** Equal by content, the curve arrays included. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ScheduleForecast f
                && Double.compare(d2Tokens, f.d2Tokens) == 0
                && Double.compare(targetD2Tokens, f.targetD2Tokens) == 0
                && Double.compare(cooldownTokens, f.cooldownTokens) == 0
                && Double.compare(finalLoss, f.finalLoss) == 0
                && Double.compare(finalLow, f.finalLow) == 0
                && Double.compare(finalHigh, f.finalHigh) == 0
                && Double.compare(cooldownNowLoss, f.cooldownNowLoss) == 0
                && Double.compare(cooldownNowLow, f.cooldownNowLow) == 0
                && Double.compare(cooldownNowHigh, f.cooldownNowHigh) == 0
                && Double.compare(lossGivenUp, f.lossGivenUp) == 0
                && Double.compare(lossGivenUpUpper, f.lossGivenUpUpper) == 0
                && java.util.Arrays.equals(curveD2, f.curveD2)
                && java.util.Arrays.equals(curveLoss, f.curveLoss)
                && cKnown == f.cKnown
                && java.util.Objects.equals(scheduleSource, f.scheduleSource)
                && java.util.Objects.equals(note, f.note);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(d2Tokens, finalLoss, cooldownNowLoss, lossGivenUp, scheduleSource, note)
                + 31 * java.util.Arrays.hashCode(curveLoss);
    }
}
