package dev.satwatch.event;

import java.time.Instant;

/**
 * One refit of one run on {@code satwatch.fits}: the numbers of {@code satwatch fit --json} for that run at that
 * moment. Token counts are raw tokens; numbers that cannot be computed are NaN (null in JSON).
 *
 * @param runId the run
 * @param setting its setting, null when unknown
 * @param split the fitted series
 * @param ts event time of the record that triggered the refit (null when unknown)
 * @param sequence 1 for the run's first fit, then increasing
 * @param d1Tokens base-model tokens, NaN from scratch
 * @param targetD2Tokens the budget, NaN when unknown
 * @param d2Tokens largest D2 seen
 * @param lastLoss latest loss
 * @param pointsUsed raw points in the fit set
 * @param alpha exponent of {@code L = E + B·D2^(−α)}
 * @param alphaCiLow lower 95 % bound
 * @param alphaCiHigh upper 95 % bound
 * @param e irreducible loss
 * @param b amplitude (D2 in billions)
 * @param alphaLogLog E-free log-log slope
 * @param alphaLocal local slope
 * @param alphaPredicted law's exponent for D1
 * @param projectedLossAtTarget the run's fit at the target
 * @param projectedLossCiLow lower 95 % bound of that
 * @param projectedLossCiHigh upper 95 % bound of that
 * @param gainPerBillionTokens loss removed per extra billion tokens now
 * @param remainingGain loss still to gain until the target
 * @param lossGivenUp relative loss given up by stopping now and cooling down (DESIGN §5), NaN when not judged
 * @param lossGivenUpUpper its upper 95 % bound
 * @param tokensSaved tokens a stop now saves, net of the cooldown, NaN without a target
 * @param converged whether the fit converged
 * @param reliable whether the fit is reliable
 * @param verdict reliability verdict, lower case
 * @param schedule what the schedule-aware law predicts (DESIGN §4b), null when the run has no schedule fit
 */
public record FitUpdate(
        String runId,
        String setting,
        String split,
        Instant ts,
        long sequence,
        double d1Tokens,
        double targetD2Tokens,
        double d2Tokens,
        double lastLoss,
        long pointsUsed,
        double alpha,
        double alphaCiLow,
        double alphaCiHigh,
        double e,
        double b,
        double alphaLogLog,
        double alphaLocal,
        double alphaPredicted,
        double projectedLossAtTarget,
        double projectedLossCiLow,
        double projectedLossCiHigh,
        double gainPerBillionTokens,
        double remainingGain,
        double lossGivenUp,
        double lossGivenUpUpper,
        double tokensSaved,
        boolean converged,
        boolean reliable,
        String verdict,
        ScheduleForecast schedule) {

    /** An update without a schedule forecast. */
    public FitUpdate(
            String runId,
            String setting,
            String split,
            Instant ts,
            long sequence,
            double d1Tokens,
            double targetD2Tokens,
            double d2Tokens,
            double lastLoss,
            long pointsUsed,
            double alpha,
            double alphaCiLow,
            double alphaCiHigh,
            double e,
            double b,
            double alphaLogLog,
            double alphaLocal,
            double alphaPredicted,
            double projectedLossAtTarget,
            double projectedLossCiLow,
            double projectedLossCiHigh,
            double gainPerBillionTokens,
            double remainingGain,
            double lossGivenUp,
            double lossGivenUpUpper,
            double tokensSaved,
            boolean converged,
            boolean reliable,
            String verdict) {
        this(
                runId,
                setting,
                split,
                ts,
                sequence,
                d1Tokens,
                targetD2Tokens,
                d2Tokens,
                lastLoss,
                pointsUsed,
                alpha,
                alphaCiLow,
                alphaCiHigh,
                e,
                b,
                alphaLogLog,
                alphaLocal,
                alphaPredicted,
                projectedLossAtTarget,
                projectedLossCiLow,
                projectedLossCiHigh,
                gainPerBillionTokens,
                remainingGain,
                lossGivenUp,
                lossGivenUpUpper,
                tokensSaved,
                converged,
                reliable,
                verdict,
                null);
    }

    /** This update with a schedule forecast. */
    public FitUpdate withSchedule(ScheduleForecast forecast) {
        return new FitUpdate(
                runId,
                setting,
                split,
                ts,
                sequence,
                d1Tokens,
                targetD2Tokens,
                d2Tokens,
                lastLoss,
                pointsUsed,
                alpha,
                alphaCiLow,
                alphaCiHigh,
                e,
                b,
                alphaLogLog,
                alphaLocal,
                alphaPredicted,
                projectedLossAtTarget,
                projectedLossCiLow,
                projectedLossCiHigh,
                gainPerBillionTokens,
                remainingGain,
                lossGivenUp,
                lossGivenUpUpper,
                tokensSaved,
                converged,
                reliable,
                verdict,
                forecast);
    }
}
