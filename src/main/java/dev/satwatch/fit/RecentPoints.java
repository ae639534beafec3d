package dev.satwatch.fit;

/**
 * The last {@code capacity} accepted points of a {@link CurveSummary} by arrival, as a ring buffer of (D2, loss) for
 * the spike checks. Mutable, not thread-safe (owned by its summary).
 */
final class RecentPoints {

    final double[] d2;
    final double[] loss;
    /** Index the next point is written at. */
    int head;
    /** Points held, at most the capacity. */
    int size;

    RecentPoints(int capacity) {
        this.d2 = new double[capacity];
        this.loss = new double[capacity];
    }

    /** Adds a point, overwriting the oldest when full. */
    void add(double d2Tokens, double lossValue) {
        d2[head] = d2Tokens;
        loss[head] = lossValue;
        head = head + 1 == d2.length ? 0 : head + 1;
        if (size < d2.length) {
            size++;
        }
    }

    /** Index of the oldest point held. */
    int start() {
        return (head - size + d2.length) % d2.length;
    }

    /** D2 of the points held, oldest first (a copy). */
    double[] d2s() {
        return copy(d2);
    }

    /** Losses of the points held, oldest first (a copy). */
    double[] losses() {
        return copy(loss);
    }

    /** Marks the first {@code count} slots as the points held, oldest at index 0 (after decoding into them). */
    void restore(int count) {
        size = count;
        head = count % d2.length;
    }

    /** This ring's content copied into {@code into} (of the same capacity). */
    void copyTo(RecentPoints into) {
        System.arraycopy(d2, 0, into.d2, 0, d2.length);
        System.arraycopy(loss, 0, into.loss, 0, loss.length);
        into.head = head;
        into.size = size;
    }

    private double[] copy(double[] ring) {
        double[] out = new double[size];
        int start = start();
        for (int i = 0; i < size; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }
}
