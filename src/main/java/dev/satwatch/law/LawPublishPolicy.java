package dev.satwatch.law;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When a calibrated law may be published (DESIGN §6): only from at least {@code minRuns} runs over at least {@code
 * minDistinctD1} distinct D1 values, from a converged fit with finite constants, and when the median absolute
 * relative leave-one-run-out error ({@link LawCalibrator#leaveOneOut(List)}) is at most {@code maxLooError}. A law
 * that passes predicts held-out runs; one that does not would steer decisions with an exponent the fleet does not
 * pin down.
 *
 * <p>Which runs count (finished {@code completed} without divergence) is decided upstream; the policy counts a run
 * when it has a usable D1 and at least one usable point, exactly as {@link LawCalibrator} does.
 *
 * <p>The leave-one-out check costs one calibration per run, so {@link #evaluate} runs it only when every cheaper
 * check passed (or when asked to, for reports). A held-out run whose error cannot be computed counts as an infinite
 * error. {@code maxLooError = +∞} switches the check off (for tests and demos on tiny fleets). Immutable and
 * thread-safe.
 *
 * @param minRuns runs with usable points a law needs (≥ 1; default {@value #DEFAULT_MIN_RUNS})
 * @param minDistinctD1 distinct D1 values among them (≥ 2, since α1 and α3 need two; default {@value
 *     #DEFAULT_MIN_DISTINCT_D1})
 * @param maxLooError largest median |relative error| of the leave-one-out predictions of each run's last point
 *     (&gt; 0, possibly infinite; default {@value #DEFAULT_MAX_LOO_ERROR})
 */
public record LawPublishPolicy(int minRuns, int minDistinctD1, double maxLooError) {

    /** Default {@link #minRuns()}. */
    public static final int DEFAULT_MIN_RUNS = 4;

    /** Default {@link #minDistinctD1()}. */
    public static final int DEFAULT_MIN_DISTINCT_D1 = 3;

    /** Default {@link #maxLooError()}: 2 %. */
    public static final double DEFAULT_MAX_LOO_ERROR = 0.02;

    /** Validates the bounds. */
    public LawPublishPolicy {
        if (minRuns < 1) {
            throw new IllegalArgumentException("minRuns must be >= 1, was " + minRuns);
        }
        if (minDistinctD1 < 2) {
            throw new IllegalArgumentException("minDistinctD1 must be >= 2, was " + minDistinctD1);
        }
        if (!(maxLooError > 0)) {
            throw new IllegalArgumentException("maxLooError must be > 0, was " + maxLooError);
        }
    }

    /** The defaults of DESIGN §6: 4 runs, 3 distinct D1, median leave-one-out error ≤ 2 %. */
    public static LawPublishPolicy defaults() {
        return new LawPublishPolicy(DEFAULT_MIN_RUNS, DEFAULT_MIN_DISTINCT_D1, DEFAULT_MAX_LOO_ERROR);
    }

    /** Whether the leave-one-out check is on. */
    public boolean checksLeaveOneOut() {
        return maxLooError != Double.POSITIVE_INFINITY;
    }

    /**
     * Calibrates the law on {@code runs} and judges it; the leave-one-out fits run only when every other check
     * passed.
     */
    public LawPublication evaluate(LawCalibrator calibrator, List<CalibrationRun> runs) {
        return evaluate(calibrator, runs, false);
    }

    /**
     * Calibrates the law on {@code runs} and judges it.
     *
     * @param alwaysLeaveOneOut run the leave-one-out fits whenever the law converged, even when another check
     *     already failed (for reports that show them)
     */
    public LawPublication evaluate(LawCalibrator calibrator, List<CalibrationRun> runs, boolean alwaysLeaveOneOut) {
        LawFit fit = calibrator.fit(runs);
        List<String> reasons = new ArrayList<>();
        int[] counts = counts(runs);
        if (counts[0] < minRuns) {
            reasons.add(String.format(Locale.ROOT, "too few runs: %d < law.min.runs %d", counts[0], minRuns));
        }
        if (counts[1] < minDistinctD1) {
            reasons.add(String.format(
                    Locale.ROOT, "too few distinct D1: %d < law.min.distinct.d1 %d", counts[1], minDistinctD1));
        }
        if (!fit.converged()) {
            reasons.add("calibration did not converge");
        } else if (!finite(fit.law())) {
            reasons.add("calibrated constants are not finite");
        }
        List<LeaveOneOut> loo = null;
        double median = Double.NaN;
        if (fit.converged() && (alwaysLeaveOneOut || (checksLeaveOneOut() && reasons.isEmpty()))) {
            loo = calibrator.leaveOneOut(runs, fit);
            median = medianAbsRelErr(loo);
            if (checksLeaveOneOut() && !(median <= maxLooError)) {
                reasons.add(String.format(
                        Locale.ROOT,
                        "leave-one-out median |rel err| %s > law.publish.max.loo.error %.4g%%",
                        Double.isFinite(median) ? String.format(Locale.ROOT, "%.4g%%", 100 * median) : "unknown",
                        100 * maxLooError));
            }
        }
        return new LawPublication(fit, counts[0], counts[1], loo, median, reasons);
    }

    /** Median of |relErr| over held-out runs; a run without a number counts as +∞; NaN when there are none. */
    static double medianAbsRelErr(List<LeaveOneOut> loo) {
        if (loo.isEmpty()) {
            return Double.NaN;
        }
        double[] errs = new double[loo.size()];
        for (int i = 0; i < errs.length; i++) {
            double r = Math.abs(loo.get(i).relErr());
            errs[i] = Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
        }
        Arrays.sort(errs);
        int n = errs.length;
        return n % 2 == 1 ? errs[n / 2] : 0.5 * (errs[n / 2 - 1] + errs[n / 2]);
    }

    /** {runs with a usable D1 and point, distinct D1 among them}. */
    private static int[] counts(List<CalibrationRun> runs) {
        int used = 0;
        Set<Double> d1 = new HashSet<>();
        for (CalibrationRun run : runs) {
            if (run == null || !run.hasUsableD1()) {
                continue;
            }
            for (int i = 0; i < run.size(); i++) {
                if (run.isUsablePoint(i)) {
                    used++;
                    d1.add(run.d1());
                    break;
                }
            }
        }
        return new int[] {used, d1.size()};
    }

    private static boolean finite(ReuseLaw law) {
        return Double.isFinite(law.a())
                && law.a() > 0
                && Double.isFinite(law.alpha1())
                && Double.isFinite(law.alpha2())
                && Double.isFinite(law.alpha3())
                && Double.isFinite(law.e())
                && law.e() >= 0;
    }
}
