package dev.satwatch.fit;

/**
 * One bin of a {@link CurveSummary}, for display (dashboards, {@code /api/runs/{id}}).
 *
 * @param d2 bin mean D2 in billions of tokens (exp of the mean of ln D2)
 * @param meanLoss mean loss of the bin's points
 * @param stdLoss sample standard deviation of the loss (0 for a single point)
 * @param count number of points in the bin
 * @param phase the LR phase of the bin's points ({@link LrPhase#UNKNOWN} when none carried an LR)
 */
public record CurveBin(double d2, double meanLoss, double stdLoss, long count, LrPhase phase) {}
