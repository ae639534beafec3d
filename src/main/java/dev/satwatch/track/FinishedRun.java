package dev.satwatch.track;

import dev.satwatch.law.CalibrationRun;

/**
 * A finished run's fit set, for the per-setting law calibrator (DESIGN §6).
 *
 * @param setting the run's setting ({@link dev.satwatch.event.RunMeta#DEFAULT_SETTING} when it had none)
 * @param run the fit-set points: D1 and D2 in billions, bin mean losses, bin counts as weights
 */
public record FinishedRun(String setting, CalibrationRun run) {}
