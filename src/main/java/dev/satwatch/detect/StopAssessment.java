package dev.satwatch.detect;

/**
 * The early-stop decision quantity of one refit (DESIGN §5): how much of the final loss a run gives up by stopping
 * now (and cooling down) instead of training to its planned budget, with a one-sided upper 95 % bound. Made by
 * {@link EarlyStop#assess}; every number that cannot be computed is NaN.
 *
 * @param lossGivenUp g, the point estimate of the relative loss given up (0.01 = 1 % of the loss)
 * @param lossGivenUpUpper g⁺, its upper 95 % bound over parameter and model uncertainty
 * @param budgetFraction D2 now / target D2, NaN without a target
 * @param tokensSaved tokens a stop now saves, net of the cooldown it still runs; NaN without a target
 * @param costSaved {@code tokensSaved} priced at the run's {@code cost_per_billion_tokens}, else at
 *     {@link DetectConfig#costPerBillionTokens()}; NaN when neither is known
 * @param horizonTokens the stable-phase tokens the comparison extends over: to the planned end of the stable phase,
 *     or the next doubling of D2 without a target
 * @param judged whether the stop rule may act on this refit (inside the judged part of the budget)
 * @param note why the refit is not judged, or which model bounds g⁺; never null
 */
public record StopAssessment(
        double lossGivenUp,
        double lossGivenUpUpper,
        double budgetFraction,
        double tokensSaved,
        double costSaved,
        double horizonTokens,
        boolean judged,
        String note) {

    /** Whether the bound exists. */
    public boolean bounded() {
        return Double.isFinite(lossGivenUpUpper);
    }

    /** An assessment that could not be made, with the reason. */
    static StopAssessment none(double budgetFraction, double tokensSaved, boolean judged, String note) {
        return new StopAssessment(
                Double.NaN, Double.NaN, budgetFraction, tokensSaved, Double.NaN, Double.NaN, judged, note);
    }
}
