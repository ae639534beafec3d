package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The 3×3 covariance of a power law's parameters (e, b, alpha), as a value: the nine row-major entries are copied
 * in and never handed out, so instances are immutable and thread-safe, and two covariances are equal when their
 * entries are (compared as {@link Double#compare} does, so NaN entries are equal to NaN).
 */
public final class Covariance3 {

    private final double[] entries;

    private Covariance3(double[] entries) {
        this.entries = entries;
    }

    /**
     * A covariance from its row-major entries (copied).
     *
     * @throws IllegalArgumentException unless there are exactly nine
     */
    public static Covariance3 of(double... rowMajor) {
        if (rowMajor == null || rowMajor.length != 9) {
            throw new IllegalArgumentException("covariance must be 3x3 (9 entries), got "
                    + (rowMajor == null ? "null" : String.valueOf(rowMajor.length)));
        }
        return new Covariance3(rowMajor.clone());
    }

    /** The entry at row {@code i}, column {@code j} (0 = e, 1 = b, 2 = alpha). */
    public double at(int i, int j) {
        return entries[3 * i + j];
    }

    /** The variance of parameter {@code i}. */
    public double variance(int i) {
        return at(i, i);
    }

    /** {@code gᵀ C g}: the delta-method variance of a quantity whose gradient in (e, b, alpha) is {@code g}. */
    public double quadraticForm(double g0, double g1, double g2) {
        double[] g = {g0, g1, g2};
        double v = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                v += g[i] * entries[3 * i + j] * g[j];
            }
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Covariance3 other && Arrays.equals(entries, other.entries);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        return Arrays.toString(entries);
    }
}
