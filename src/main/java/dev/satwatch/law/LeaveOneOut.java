package dev.satwatch.law;

/**
 * Leave-one-run-out check of a calibrated law: the law is fitted on every other run and used to
 * predict this run's last point (largest D2). Immutable and thread-safe.
 *
 * @param runId the held-out run
 * @param predictedFinalLoss loss the law fitted without this run predicts at its largest D2 ({@code
 *     NaN} when that fit did not converge or the run has no usable point)
 * @param actualFinalLoss observed loss at the run's largest usable D2 ({@code NaN} when none)
 * @param relErr {@code (predicted − actual) / actual}, {@code NaN} when either is unknown
 */
public record LeaveOneOut(String runId, double predictedFinalLoss, double actualFinalLoss, double relErr) {}
