package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The points an {@link AnnealingFit} fits: per point the forward area S1, the annealing area S2 for every λ of
 * {@link ScheduleState}, the loss and a weight (e.g. the number of raw points a bin stands for).
 *
 * <p>Immutable: arrays are copied in and out. Build one with {@link #builder()}, adding a {@link ScheduleState}
 * snapshot per loss; points with a non-finite or non-positive loss, a non-positive S1 or a non-positive weight
 * are skipped.
 */
public final class AnnealingPoints {

    private final double[] s1;
    private final double[][] s2;
    private final double[] y;
    private final double[] w;

    private AnnealingPoints(double[] s1, double[][] s2, double[] y, double[] w) {
        this.s1 = s1;
        this.s2 = s2;
        this.y = y;
        this.w = w;
    }

    /** A builder for points. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of points. */
    public int size() {
        return y.length;
    }

    /** S1 of point i. */
    public double s1(int i) {
        return s1[i];
    }

    /** S2 of point i for the λ of {@code lambdaIndex}. */
    public double s2(int lambdaIndex, int i) {
        return s2[lambdaIndex][i];
    }

    /** Loss of point i. */
    public double y(int i) {
        return y[i];
    }

    /** Weight of point i. */
    public double w(int i) {
        return w[i];
    }

    /**
     * These points with other weights, e.g. the robust weights of {@link AnnealingHuber}: a copy sharing nothing
     * mutable with this one.
     *
     * @param weights one weight per point, each positive and finite
     * @throws IllegalArgumentException when the length differs from {@link #size()} or a weight is not positive and
     *     finite
     */
    public AnnealingPoints withWeights(double[] weights) {
        if (weights.length != y.length) {
            throw new IllegalArgumentException("expected " + y.length + " weights, got " + weights.length);
        }
        for (double v : weights) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("weights must be positive and finite, got " + v);
            }
        }
        return new AnnealingPoints(s1, s2, y, weights.clone());
    }

    double[] s1Array() {
        return s1;
    }

    double[] s2Array(int lambdaIndex) {
        return s2[lambdaIndex];
    }

    double[] yArray() {
        return y;
    }

    double[] wArray() {
        return w;
    }

    /** Accumulates points; not thread-safe. */
    public static final class Builder {
        private double[] s1 = new double[16];
        private final double[][] s2 = new double[ScheduleState.LAMBDA_COUNT][16];
        private double[] y = new double[16];
        private double[] w = new double[16];
        private int n;

        private Builder() {}

        /** Adds a loss measured at the state's point, with weight 1. */
        public Builder add(ScheduleState state, double loss) {
            return add(state, loss, 1.0);
        }

        /** Adds a loss measured at the state's point. */
        public Builder add(ScheduleState state, double loss, double weight) {
            double[] row = new double[ScheduleState.LAMBDA_COUNT];
            for (int k = 0; k < row.length; k++) {
                row[k] = state.s2(k);
            }
            return add(state.s1(), row, loss, weight);
        }

        /** Adds a point from its sums ({@code s2ByLambda} in {@link ScheduleState#lambdas()} order). */
        public Builder add(double s1Value, double[] s2ByLambda, double loss, double weight) {
            if (!(loss > 0)) {
                return this;
            }
            return addValue(s1Value, s2ByLambda, loss, weight);
        }

        /**
         * Adds a point whose fitted value may be any finite number, e.g. the log-loss {@code ln L} of a fit in
         * log space (the law then models {@code ln L}; {@code ln L < 0} for a loss below 1 nat).
         */
        public Builder addValue(double s1Value, double[] s2ByLambda, double value, double weight) {
            if (!Double.isFinite(value) || !(s1Value > 0) || !Double.isFinite(s1Value) || !(weight > 0)) {
                return this;
            }
            if (n == y.length) {
                int cap = 2 * n;
                s1 = Arrays.copyOf(s1, cap);
                y = Arrays.copyOf(y, cap);
                w = Arrays.copyOf(w, cap);
                for (int k = 0; k < s2.length; k++) {
                    s2[k] = Arrays.copyOf(s2[k], cap);
                }
            }
            s1[n] = s1Value;
            for (int k = 0; k < s2.length; k++) {
                s2[k][n] = s2ByLambda[k];
            }
            y[n] = value;
            w[n] = weight;
            n++;
            return this;
        }

        /** Points added so far (a point that {@link #addValue} refused is not counted). */
        public int size() {
            return n;
        }

        /** The points added so far. */
        public AnnealingPoints build() {
            double[][] s2Copy = new double[s2.length][];
            for (int k = 0; k < s2.length; k++) {
                s2Copy[k] = Arrays.copyOf(s2[k], n);
            }
            return new AnnealingPoints(Arrays.copyOf(s1, n), s2Copy, Arrays.copyOf(y, n), Arrays.copyOf(w, n));
        }
    }
}
