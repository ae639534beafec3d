package dev.satwatch.law;

import java.util.Arrays;
import java.util.Objects;

/**
 * One run's fit-set points for law calibration: the stable-phase loss curve of a run that reused a
 * base pretrained on {@code d1} billion tokens, sampled at {@code d2[i]} billion second-stage tokens.
 * Burn-in and anneal points must already be removed (DESIGN §4).
 *
 * <p>Data problems are tolerated rather than rejected, because fleets are messy: a non-finite or
 * non-positive {@code d1} makes {@link LawCalibrator} ignore the whole run, and a point whose
 * {@code d2}, {@code loss} or {@code weight} is non-finite or non-positive is skipped. Only
 * programming errors (null arrays, arrays of different lengths) throw.
 *
 * <p>The arrays are copied on construction and on access, so an instance is immutable and
 * thread-safe; equality compares array contents.
 *
 * @param runId the run's identifier (used in leave-one-out reports)
 * @param d1 base-model pretraining tokens, in billions
 * @param d2 second-stage tokens of each point, in billions
 * @param loss observed loss of each point
 * @param weight per-point weight (e.g. the bin count of a binned curve), or {@code null} for all 1
 * @param annealingC the run's own C of the schedule-aware law {@code L = L0 + A·S1^(−α) − C·S2} at λ = 0.999 (DESIGN
 *     §4b), fitted on all its points when its LR decayed; {@code NaN} otherwise. {@link LawCalibrator#cooldownC}
 *     takes the setting's C from these.
 */
public record CalibrationRun(String runId, double d1, double[] d2, double[] loss, double[] weight, double annealingC) {

    /** Validates shapes and takes defensive copies. */
    public CalibrationRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(d2, "d2");
        Objects.requireNonNull(loss, "loss");
        if (d2.length != loss.length || (weight != null && weight.length != d2.length)) {
            throw new IllegalArgumentException("run " + runId + ": d2, loss and weight must have the same length");
        }
        d2 = d2.clone();
        loss = loss.clone();
        weight = weight == null ? null : weight.clone();
    }

    /** A run without an annealing C. */
    public CalibrationRun(String runId, double d1, double[] d2, double[] loss, double[] weight) {
        this(runId, d1, d2, loss, weight, Double.NaN);
    }

    /** This run with its annealing C ({@code NaN} for none). */
    public CalibrationRun withAnnealingC(double c) {
        return new CalibrationRun(runId, d1, d2, loss, weight, c);
    }

    /** A run with unit weights. */
    public static CalibrationRun of(String runId, double d1, double[] d2, double[] loss) {
        return new CalibrationRun(runId, d1, d2, loss, null);
    }

    @Override
    public double[] d2() {
        return d2.clone();
    }

    @Override
    public double[] loss() {
        return loss.clone();
    }

    @Override
    public double[] weight() {
        return weight == null ? null : weight.clone();
    }

    /** Number of points, usable or not. */
    public int size() {
        return d2.length;
    }

    /** Weight of point {@code i} (1 when no weights were given). */
    double weightAt(int i) {
        return weight == null ? 1.0 : weight[i];
    }

    double d2At(int i) {
        return d2[i];
    }

    double lossAt(int i) {
        return loss[i];
    }

    /** Whether the run's D1 is usable: finite and positive. */
    boolean hasUsableD1() {
        return Double.isFinite(d1) && d1 > 0;
    }

    /** Whether point {@code i} is usable: finite positive d2, loss and weight. */
    boolean isUsablePoint(int i) {
        double w = weightAt(i);
        return Double.isFinite(d2[i])
                && d2[i] > 0
                && Double.isFinite(loss[i])
                && loss[i] > 0
                && Double.isFinite(w)
                && w > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationRun other
                && runId.equals(other.runId)
                && Double.compare(d1, other.d1) == 0
                && Arrays.equals(d2, other.d2)
                && Arrays.equals(loss, other.loss)
                && Arrays.equals(weight, other.weight)
                && Double.compare(annealingC, other.annealingC) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, d1, Arrays.hashCode(d2), Arrays.hashCode(loss), Arrays.hashCode(weight), annealingC);
    }

    @Override
    public String toString() {
        return "CalibrationRun[runId=" + runId + ", d1=" + d1 + ", points=" + d2.length + ", annealingC=" + annealingC
                + "]";
    }
}
