package dev.satwatch.law;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The 5×5 covariance of a calibrated {@link ReuseLaw}'s constants, in the order {@code (A, α1, α2, α3, E)} and in
 * the law's own units (tokens in billions, natural log), with the residual degrees of freedom of the calibration
 * ({@code points − 5}) for Student-t intervals.
 *
 * <p>{@link #unknown()} (every entry {@code NaN}, {@code dof == 0}) stands for a law without uncertainty, for
 * instance one read from a law file written before covariances were kept: every variance derived from it is
 * {@code NaN}. A known covariance must be 25 finite entries, symmetric; it is copied in and out, so instances are
 * immutable and thread-safe, and {@code equals} compares contents.
 *
 * @param matrix row-major 5×5 covariance (25 entries)
 * @param dof residual degrees of freedom of the calibration; 0 when unknown (normal quantiles are then used)
 */
public record LawCovariance(double[] matrix, int dof) {

    /** Number of constants of the law. */
    public static final int SIZE = 5;

    /** Index of A in the matrix rows and columns. */
    public static final int A = 0;

    /** Index of α1. */
    public static final int ALPHA1 = 1;

    /** Index of α2. */
    public static final int ALPHA2 = 2;

    /** Index of α3. */
    public static final int ALPHA3 = 3;

    /** Index of E. */
    public static final int E = 4;

    /** Two-sided confidence of every interval derived here. */
    public static final double CONFIDENCE = 0.95;

    private static final double NORMAL_975 = 1.959963984540054;

    private static final LawCovariance UNKNOWN = new LawCovariance(nanMatrix(), 0);

    /** Validates the shape and takes a defensive copy. */
    public LawCovariance {
        if (matrix == null || matrix.length != SIZE * SIZE) {
            throw new IllegalArgumentException("covariance must have 25 entries");
        }
        if (dof < 0) {
            throw new IllegalArgumentException("dof must be >= 0, was " + dof);
        }
        matrix = matrix.clone();
    }

    /** The covariance of a law whose uncertainty is not known. */
    public static LawCovariance unknown() {
        return UNKNOWN;
    }

    /** A covariance from a 5×5 array of rows. */
    public static LawCovariance of(double[][] rows, int dof) {
        if (rows.length != SIZE) {
            throw new IllegalArgumentException("covariance must be 5x5");
        }
        double[] m = new double[SIZE * SIZE];
        for (int i = 0; i < SIZE; i++) {
            if (rows[i].length != SIZE) {
                throw new IllegalArgumentException("covariance must be 5x5");
            }
            System.arraycopy(rows[i], 0, m, SIZE * i, SIZE);
        }
        return new LawCovariance(m, dof);
    }

    /** Whether every entry is finite (a covariance was estimated). */
    public boolean known() {
        for (double v : matrix) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double[] matrix() {
        return matrix.clone();
    }

    /** Entry {@code (i, j)}. */
    public double get(int i, int j) {
        return matrix[SIZE * i + j];
    }

    /** Standard error of constant {@code i} ({@code NaN} when unknown or negative variance). */
    public double stdErr(int i) {
        double v = get(i, i);
        return v >= 0 ? Math.sqrt(v) : Double.NaN;
    }

    /** The standard errors as a {@link LawStdErr}. */
    public LawStdErr stdErrs() {
        return new LawStdErr(stdErr(A), stdErr(ALPHA1), stdErr(ALPHA2), stdErr(ALPHA3), stdErr(E));
    }

    /**
     * The two-sided 95 % quantile for intervals: Student-t with {@link #dof()} degrees of freedom, or the normal
     * 1.96 when {@code dof} is unknown (0).
     */
    public double quantile() {
        return dof > 0 ? new TDistribution(null, dof).inverseCumulativeProbability(0.5 + CONFIDENCE / 2) : NORMAL_975;
    }

    private static double[] nanMatrix() {
        double[] m = new double[SIZE * SIZE];
        Arrays.fill(m, Double.NaN);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LawCovariance other && dof == other.dof && Arrays.equals(matrix, other.matrix);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(matrix) + dof;
    }

    @Override
    public String toString() {
        return known() ? "LawCovariance[" + Arrays.toString(matrix) + ", dof=" + dof + "]" : "LawCovariance[unknown]";
    }
}
