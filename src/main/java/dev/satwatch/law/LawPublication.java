package dev.satwatch.law;

import java.util.List;

/**
 * A calibrated law with the verdict of a {@link LawPublishPolicy}: the fit, what was counted, the leave-one-out
 * check when it ran, and every reason the law may not be published (empty when it may). Immutable and thread-safe.
 *
 * @param fit the calibration on all runs
 * @param runs runs with a usable D1 and at least one usable point
 * @param distinctD1 distinct D1 values among them
 * @param leaveOneOut the leave-one-run-out predictions, or null when they were not computed
 * @param looMedianAbsRelErr median |relative error| of those predictions ({@code NaN} when not computed)
 * @param reasons why the law may not be published, in a sentence each; empty when it may
 */
public record LawPublication(
        LawFit fit,
        int runs,
        int distinctD1,
        List<LeaveOneOut> leaveOneOut,
        double looMedianAbsRelErr,
        List<String> reasons) {

    /** Copies the lists. */
    public LawPublication {
        leaveOneOut = leaveOneOut == null ? null : List.copyOf(leaveOneOut);
        reasons = List.copyOf(reasons);
    }

    /** Whether the law may be published. */
    public boolean publishable() {
        return reasons.isEmpty();
    }
}
