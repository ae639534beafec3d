package dev.satwatch.fit;

import dev.satwatch.event.Numbers;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bins of one LR kind of a {@link CurveSummary}: sparse (only filled bins), sorted by key,
 * non-overlapping, each with Welford statistics.
 *
 * <p>A bin covers the keys {@code [lo, hi]}, key {@code k} being D2 in {@code [10^(k/b), 10^((k+1)/b))}
 * for {@code b} bins per decade; {@code hi > lo} only after a merge. The mean of ln D2 is kept as a
 * float offset from the bin's lower edge {@code lo·step} ({@code step = ln 10 / b}): the offset is at
 * most the bin width, so a float resolves it to about 1e-8 in ln D2 and a running mean stops moving
 * only after some 1e7 points in one bin. Mean and M2 of the loss are doubles.
 *
 * <p>Structure of arrays, grown by doubling, so updates allocate nothing. Not thread-safe.
 */
final class CurveBins {

    /** Worst-case bytes of one serialized bin: lo delta (3), span (3), flags, count, offset, mean, M2. */
    static final int MAX_BIN_BYTES = 3 + 3 + 1 + CurveBytes.MAX_VAR_LONG_BYTES + Float.BYTES + 2 * Double.BYTES;

    private static final int INITIAL_CAPACITY = 8;
    private static final byte FLAG_KNOWN_LR = 1;

    private final double step;
    private int size;
    private int[] lo;
    private int[] hi;
    private boolean[] knownLr;
    private long[] count;
    private float[] lnOffset;
    private double[] mean;
    private double[] m2;

    /** Index of the bin hit last: in-order streams hit the same bin many times in a row. Not state. */
    private int lastHit;

    CurveBins(double step) {
        this(step, INITIAL_CAPACITY);
    }

    private CurveBins(double step, int capacity) {
        this.step = step;
        lo = new int[capacity];
        hi = new int[capacity];
        knownLr = new boolean[capacity];
        count = new long[capacity];
        lnOffset = new float[capacity];
        mean = new double[capacity];
        m2 = new double[capacity];
    }

    int size() {
        return size;
    }

    /** Index of the bin covering {@code key}, or {@code -(insertion point) - 1} when none does. */
    int find(int key) {
        int h = lastHit;
        if (h < size && lo[h] <= key && key <= hi[h]) {
            return h;
        }
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (hi[mid] < key) {
                low = mid + 1;
            } else if (lo[mid] > key) {
                high = mid - 1;
            } else {
                lastHit = mid;
                return mid;
            }
        }
        return -low - 1;
    }

    /** Folds a point into bin {@code i} (Welford's update). */
    void update(int i, double lnD2, double loss, boolean lrKnown) {
        long n = ++count[i];
        double off = lnOffset[i];
        lnOffset[i] = (float) (off + (lnD2 - lo[i] * step - off) / n);
        double delta = loss - mean[i];
        double newMean = mean[i] + delta / n;
        m2[i] += delta * (loss - newMean);
        mean[i] = newMean;
        knownLr[i] |= lrKnown;
    }

    /** Creates a one-point bin for {@code key} at index {@code pos}. */
    void insert(int pos, int key, double lnD2, double loss, boolean lrKnown) {
        if (size == lo.length) {
            grow();
        }
        shift(pos, pos + 1, size - pos);
        lo[pos] = key;
        hi[pos] = key;
        knownLr[pos] = lrKnown;
        count[pos] = 1;
        lnOffset[pos] = (float) (lnD2 - key * step);
        mean[pos] = loss;
        m2[pos] = 0;
        size++;
        lastHit = pos;
    }

    /**
     * Merges the two lowest bins into one covering both key ranges (and the gap between them), by
     * the pairwise update of Chan, Golub &amp; LeVeque (1979): counts add, means are count-weighted,
     * {@code M2 = M2a + M2b + δ²·na·nb/n}.
     */
    void mergeLowestPair() {
        long na = count[0];
        long nb = count[1];
        long n = na + nb;
        double lnA = meanLnD2(0);
        double lnB = meanLnD2(1);
        double fb = (double) nb / n;
        double delta = mean[1] - mean[0];
        m2[0] = m2[0] + m2[1] + delta * delta * ((double) na * nb / n);
        mean[0] = mean[0] + delta * fb;
        lnOffset[0] = (float) (lnA + (lnB - lnA) * fb - lo[0] * step);
        hi[0] = hi[1];
        count[0] = n;
        knownLr[0] |= knownLr[1];
        shift(2, 1, size - 2);
        size--;
        lastHit = 0;
    }

    int lo(int i) {
        return lo[i];
    }

    int hi(int i) {
        return hi[i];
    }

    long count(int i) {
        return count[i];
    }

    boolean knownLr(int i) {
        return knownLr[i];
    }

    double meanLnD2(int i) {
        return lo[i] * step + lnOffset[i];
    }

    double meanLoss(int i) {
        return mean[i];
    }

    /** Sample variance of the loss ({@code M2/(n−1)}), 0 for a single point. */
    double varianceLoss(int i) {
        return count[i] > 1 ? m2[i] / (count[i] - 1) : 0.0;
    }

    /**
     * Sum of the bin counts.
     *
     * @throws ArithmeticException when it overflows (only for corrupt input)
     */
    long totalCount() {
        long t = 0;
        for (int i = 0; i < size; i++) {
            t = Math.addExact(t, count[i]);
        }
        return t;
    }

    CurveBins copy() {
        CurveBins c = new CurveBins(step, Math.max(size, INITIAL_CAPACITY));
        c.copyFrom(this);
        return c;
    }

    private void copyFrom(CurveBins src) {
        int n = src.size;
        System.arraycopy(src.lo, 0, lo, 0, n);
        System.arraycopy(src.hi, 0, hi, 0, n);
        System.arraycopy(src.knownLr, 0, knownLr, 0, n);
        System.arraycopy(src.count, 0, count, 0, n);
        System.arraycopy(src.lnOffset, 0, lnOffset, 0, n);
        System.arraycopy(src.mean, 0, mean, 0, n);
        System.arraycopy(src.m2, 0, m2, 0, n);
        size = n;
    }

    /** Exact bytes {@link #write} produces. */
    int serializedSize() {
        int bytes = CurveBytes.varLongSize(size);
        int prev = 0;
        for (int i = 0; i < size; i++) {
            bytes += CurveBytes.zigZagSize(lo[i] - prev)
                    + CurveBytes.varLongSize(hi[i] - lo[i])
                    + 1
                    + CurveBytes.varLongSize(count[i])
                    + Float.BYTES
                    + 2 * Double.BYTES;
            prev = hi[i];
        }
        return bytes;
    }

    void write(ByteBuffer buf) {
        CurveBytes.putVarLong(buf, size);
        int prev = 0;
        for (int i = 0; i < size; i++) {
            // Keys are written as gaps from the previous bin: small numbers, one byte each for a dense curve.
            CurveBytes.putZigZag(buf, lo[i] - prev);
            CurveBytes.putVarLong(buf, hi[i] - lo[i]);
            buf.put(knownLr[i] ? FLAG_KNOWN_LR : 0);
            CurveBytes.putVarLong(buf, count[i]);
            buf.putFloat(lnOffset[i]);
            buf.putDouble(mean[i]);
            buf.putDouble(m2[i]);
            prev = hi[i];
        }
    }

    /**
     * Reads bins written by {@link #write}, checking order, counts and values.
     *
     * @param minKey lowest key a positive finite D2 can have
     * @param maxKey highest key a finite D2 can have
     * @throws IllegalArgumentException on corrupt input
     */
    static CurveBins read(ByteBuffer buf, double step, int maxBins, int minKey, int maxKey, String kind) {
        int n = CurveBytes.getVarInt(buf, maxBins, kind + " bin count");
        CurveBins bins = new CurveBins(step, Math.max(n, INITIAL_CAPACITY));
        int prev = 0;
        for (int i = 0; i < n; i++) {
            long lowKey = (long) prev + CurveBytes.getZigZag(buf, kind + " bin key");
            int span = CurveBytes.getVarInt(buf, maxKey - minKey, kind + " bin span");
            if (lowKey < minKey || lowKey + span > maxKey || (i > 0 && lowKey <= prev)) {
                throw new IllegalArgumentException(kind + " bin " + i + " has keys out of order or range");
            }
            int low = (int) lowKey;
            byte flags = buf.get();
            if ((flags & ~FLAG_KNOWN_LR) != 0) {
                throw new IllegalArgumentException(kind + " bin " + i + " has unknown flags " + flags);
            }
            long c = CurveBytes.getVarLong(buf);
            float off = buf.getFloat();
            double m = buf.getDouble();
            double q = buf.getDouble();
            // Offsets a little outside [0, width] come from rounding at bin edges; far outside is corruption.
            if (c < 1
                    || !(off >= -step && off <= (span + 2) * step)
                    || !(m > 0)
                    || m == Double.POSITIVE_INFINITY
                    || !(q >= 0)
                    || q == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(kind + " bin " + i + " has invalid statistics");
            }
            bins.lo[i] = low;
            bins.hi[i] = low + span;
            bins.knownLr[i] = flags == FLAG_KNOWN_LR;
            bins.count[i] = c;
            bins.lnOffset[i] = off;
            bins.mean[i] = m;
            bins.m2[i] = q;
            prev = low + span;
        }
        bins.size = n;
        return bins;
    }

    private void grow() {
        int cap = lo.length * 2;
        lo = Arrays.copyOf(lo, cap);
        hi = Arrays.copyOf(hi, cap);
        knownLr = Arrays.copyOf(knownLr, cap);
        count = Arrays.copyOf(count, cap);
        lnOffset = Arrays.copyOf(lnOffset, cap);
        mean = Arrays.copyOf(mean, cap);
        m2 = Arrays.copyOf(m2, cap);
    }

    private void shift(int from, int to, int length) {
        if (length <= 0) {
            return;
        }
        System.arraycopy(lo, from, lo, to, length);
        System.arraycopy(hi, from, hi, to, length);
        System.arraycopy(knownLr, from, knownLr, to, length);
        System.arraycopy(count, from, count, to, length);
        System.arraycopy(lnOffset, from, lnOffset, to, length);
        System.arraycopy(mean, from, mean, to, length);
        System.arraycopy(m2, from, m2, to, length);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CurveBins other) || size != other.size || step != other.step) {
            return false;
        }
        return Arrays.equals(lo, 0, size, other.lo, 0, size)
                && Arrays.equals(hi, 0, size, other.hi, 0, size)
                && Arrays.equals(knownLr, 0, size, other.knownLr, 0, size)
                && Arrays.equals(count, 0, size, other.count, 0, size)
                && Arrays.equals(lnOffset, 0, size, other.lnOffset, 0, size)
                && Arrays.equals(mean, 0, size, other.mean, 0, size)
                && Arrays.equals(m2, 0, size, other.m2, 0, size);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + lo[i];
            h = 31 * h + hi[i];
            h = 31 * h + Long.hashCode(count[i]);
            h = 31 * h + Double.hashCode(mean[i]);
        }
        return h;
    }

    /**
     * The fit points of these bins: each unmerged bin whose mean ln D2 is at least {@code lnMin}, x in billions of
     * tokens; {@link FitPoints#EMPTY} when none qualifies ({@code rawPoints} saturates at {@link Integer#MAX_VALUE}).
     */
    FitPoints fitPoints(double lnMin) {
        double[] x = new double[size()];
        double[] y = new double[size()];
        double[] w = new double[size()];
        double[] ss = new double[size()];
        int m = 0;
        long raw = 0;
        for (int i = 0; i < size(); i++) {
            double lnD2 = meanLnD2(i);
            if (hi(i) != lo(i) || lnD2 < lnMin) {
                continue;
            }
            x[m] = Math.exp(lnD2) / Numbers.TOKENS_PER_BILLION;
            y[m] = meanLoss(i);
            w[m] = count(i);
            ss[m] = count(i) > 1 ? varianceLoss(i) * (count(i) - 1) : 0.0;
            raw += count(i);
            m++;
        }
        if (m == 0) {
            return FitPoints.EMPTY;
        }
        return new FitPoints(
                Arrays.copyOf(x, m),
                Arrays.copyOf(y, m),
                Arrays.copyOf(w, m),
                (int) Math.min(raw, Integer.MAX_VALUE),
                Arrays.copyOf(ss, m));
    }
}
