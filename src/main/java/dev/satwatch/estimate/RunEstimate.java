package dev.satwatch.estimate;

import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.fit.SlopeResult;

/**
 * Everything satwatch knows about one run's curve at one moment: the three exponent estimates of
 * DESIGN §4, the law's prediction and the projections. Token counts are raw tokens; every number
 * that cannot be computed is {@code NaN}.
 *
 * @param runId the run
 * @param setting the run's setting (law family), null when unknown
 * @param split the loss series that was fitted ({@code val}, {@code train} or a named eval set)
 * @param d1Tokens base-model pretraining tokens, NaN for a from-scratch run
 * @param targetD2Tokens the second-stage budget used for projections, NaN when unknown
 * @param d2Tokens the largest D2 seen so far
 * @param lastLoss the most recent loss
 * @param pointsUsed raw points inside the fit set (stable phase, after burn-in)
 * @param binsUsed bins inside the fit set (what the fitter saw)
 * @param fit the three-parameter fit {@code L = E + B·D2^(−α)} (D2 in billions)
 * @param logLog the E-free log-log slope over the fit set
 * @param local the log-log slope over the last part of the fit set
 * @param fixedE the fit with the law's E held fixed, null without a law
 * @param alphaPredicted the law's exponent {@code α2 − α3·ln D1}, NaN without a law or D1
 * @param alphaPredictedStdErr its standard error from the law's covariance, NaN when the law carries none
 * @param projectedLossAtTarget the run's own fit evaluated at the target D2
 * @param projectedLossCiLow lower 95 % bound of that projection
 * @param projectedLossCiHigh upper 95 % bound of that projection
 * @param lawLossAtTarget the law's predicted loss at the target D2, NaN without a law
 * @param gainPerBillionTokens {@code −∂L/∂D2} per billion tokens at the current D2, from the run's fit
 * @param remainingGain loss the run's fit still expects to remove between now and the target
 * @param trend the recent trend of the fit set (tangent and log-log lines over the last factor of two in D2), the
 *     raw material of the early-stop decision
 */
public record RunEstimate(
        String runId,
        String setting,
        String split,
        double d1Tokens,
        double targetD2Tokens,
        double d2Tokens,
        double lastLoss,
        long pointsUsed,
        int binsUsed,
        FitResult fit,
        SlopeResult logLog,
        SlopeResult local,
        FitResult fixedE,
        double alphaPredicted,
        double alphaPredictedStdErr,
        double projectedLossAtTarget,
        double projectedLossCiLow,
        double projectedLossCiHigh,
        double lawLossAtTarget,
        double gainPerBillionTokens,
        double remainingGain,
        LocalTrend trend) {}
