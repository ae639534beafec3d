package dev.satwatch.fit;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The schedule-aware part of one split's state (DESIGN §4b): the {@link ScheduleState} (S1, momentum and S2 for every
 * λ) advanced in O(1) per point, and bounded bins over D2 holding, per bin, the number of points and the means of S1,
 * of S2 for every λ and of the loss. Every point after the warmup enters a bin, whatever the LR does (stable, cosine,
 * linear decay, WSD cooldown, a CPT re-warm): the annealing law {@code L = L0 + A·S1^(−α) − C·S2} is linear in S2
 * and nearly linear in S1 over one bin, so the law at the bin's mean sums is the bin's mean loss.
 *
 * <p>Points: a point at a step before the last one (out of order) cannot move the sums back; it is counted in
 * {@link #outOfOrder()} and not binned. A point that raises the LR to a new maximum ({@link ScheduleState#rising()})
 * is warmup: it advances the sums but is not binned. Points without an LR keep the LR as it was (a run that never
 * logs one runs at a unit LR and S1 counts steps, so C cannot be fitted: {@link #decayed()} is false).
 *
 * <p>Bound: at most {@link #MAX_BINS} bins; one more merges the two lowest-D2 bins (weighted means, exact up to
 * rounding), so the high-D2 end, where the predictions start, keeps full resolution. {@link #toBytes()} is at most
 * {@link #MAX_SERIALIZED_BYTES} bytes.
 *
 * <p>Mutable, not thread-safe (one owner, the stream task of its run); {@link #copy()} for another thread.
 */
public final class ScheduleSummary {

    /** Most bins kept. */
    public static final int MAX_BINS = 40;

    /** Bins per decade of D2: 24 keep a short run (70 logged points) at 6 bins by 20 % of its budget. */
    public static final int BINS_PER_DECADE = 24;

    /** An LR below this fraction of the peak, after the peak, shows a decay: C becomes identifiable. */
    public static final double DECAYED_BELOW = 0.9;

    /** Format version, the first byte of {@link #toBytes()}. */
    public static final byte FORMAT_VERSION = 1;

    private static final int LAMBDAS = ScheduleState.LAMBDA_COUNT;

    /**
     * Bytes per bin: key (short), count (int), and the means of S1, loss and S2 as floats: 7 significant digits, far
     * below the noise of a logged loss, and kept as floats in memory too, so a state and its bytes fit the same.
     */
    private static final int BIN_BYTES = Short.BYTES + Integer.BYTES + (2 + LAMBDAS) * Float.BYTES;

    /** Upper bound of {@link #toBytes()}'s length. */
    public static final int MAX_SERIALIZED_BYTES = 1
            + ScheduleState.ARRAY_LENGTH * Double.BYTES
            + 2 * Long.BYTES
            + 2 * Double.BYTES
            + Integer.BYTES
            + MAX_BINS * BIN_BYTES;

    private static final double LOG10_KEYS = BINS_PER_DECADE / Math.log(10);

    private ScheduleState state = new ScheduleState();
    private final int[] key = new int[MAX_BINS];
    private final int[] count = new int[MAX_BINS];
    private final float[] s1 = new float[MAX_BINS];
    private final float[] loss = new float[MAX_BINS];
    /** S2 means are kept as floats (7 digits) in memory too, so a state and its bytes fit the same. */
    private final float[][] s2 = new float[MAX_BINS][LAMBDAS];

    private int bins;
    private long binned;
    private long outOfOrder;
    private double minLrAfterPeak = Double.NaN;
    private double maxD2 = Double.NaN;

    /** An empty summary. */
    public ScheduleSummary() {}

    /**
     * Adds one point.
     *
     * @param step the optimizer step (fractional allowed, e.g. D2 / tokens per step)
     * @param d2 tokens seen, for the bin
     * @param lossValue the loss
     * @param lr the LR at the point, NaN when not logged
     * @return whether the point opened a new bin
     */
    public boolean add(double step, double d2, double lossValue, double lr) {
        if (!(step >= 0) || !(d2 > 0) || !(lossValue > 0) || !Double.isFinite(step + d2 + lossValue)) {
            return false;
        }
        if (state.lr() == state.lr() && step < state.step()) {
            outOfOrder++;
            return false;
        }
        state.advance(step, lr);
        maxD2 = Double.isNaN(maxD2) ? d2 : Math.max(maxD2, d2);
        if (state.rising()) {
            minLrAfterPeak = Double.NaN;
            return false;
        }
        double now = state.lr();
        minLrAfterPeak = Double.isNaN(minLrAfterPeak) ? now : Math.min(minLrAfterPeak, now);
        if (!(state.s1() > 0)) {
            return false;
        }
        int k = (int) Math.floor(Math.log(d2) * LOG10_KEYS + 1e-9);
        int i = find(k);
        boolean opened = false;
        if (i < 0) {
            i = open(k);
            opened = true;
        }
        if (count[i] == Integer.MAX_VALUE) {
            return false;
        }
        int n = ++count[i];
        s1[i] = (float) (s1[i] + (state.s1() - s1[i]) / n);
        loss[i] = (float) (loss[i] + (lossValue - loss[i]) / n);
        for (int j = 0; j < LAMBDAS; j++) {
            s2[i][j] = (float) (s2[i][j] + (state.s2(j) - s2[i][j]) / n);
        }
        binned++;
        return opened;
    }

    private int find(int k) {
        for (int i = bins - 1; i >= 0; i--) {
            if (key[i] == k) {
                return i;
            }
            if (key[i] < k) {
                return -1;
            }
        }
        return -1;
    }

    /** Opens the bin of key k (keys only grow for in-order points, but keep the order in any case). */
    private int open(int k) {
        if (bins == MAX_BINS) {
            mergeLowest();
        }
        int pos = bins;
        while (pos > 0 && key[pos - 1] > k) {
            pos--;
        }
        for (int i = bins; i > pos; i--) {
            copyBin(i - 1, i);
        }
        key[pos] = k;
        count[pos] = 0;
        s1[pos] = 0;
        loss[pos] = 0;
        Arrays.fill(s2[pos], 0);
        bins++;
        return pos;
    }

    private void copyBin(int from, int to) {
        key[to] = key[from];
        count[to] = count[from];
        s1[to] = s1[from];
        loss[to] = loss[from];
        System.arraycopy(s2[from], 0, s2[to], 0, LAMBDAS);
    }

    private void mergeLowest() {
        long total = (long) count[0] + count[1];
        int n = (int) Math.min(Integer.MAX_VALUE, total);
        double fa = (double) count[0] / total;
        double fb = 1 - fa;
        s1[1] = (float) (fa * s1[0] + fb * s1[1]);
        loss[1] = (float) (fa * loss[0] + fb * loss[1]);
        for (int j = 0; j < LAMBDAS; j++) {
            s2[1][j] = (float) (fa * s2[0][j] + fb * s2[1][j]);
        }
        count[1] = n;
        for (int i = 1; i < bins; i++) {
            copyBin(i, i - 1);
        }
        bins--;
    }

    /** The bins as fit points (mean sums and mean loss, weighted by the number of points). */
    public AnnealingPoints points() {
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        double[] row = new double[LAMBDAS];
        for (int i = 0; i < bins; i++) {
            for (int j = 0; j < LAMBDAS; j++) {
                row[j] = s2[i][j];
            }
            b.add(s1[i], row, loss[i], count[i]);
        }
        return b.build();
    }

    /** A copy of the sums at the last point. */
    public ScheduleState state() {
        return state.copy();
    }

    /** Number of bins. */
    public int binCount() {
        return bins;
    }

    /** Points binned (after the warmup, in order). */
    public long binnedPoints() {
        return binned;
    }

    /** Points that arrived at a step before the last one and were not binned. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Largest D2 seen; NaN before the first point. */
    public double maxD2Tokens() {
        return maxD2;
    }

    /**
     * Whether the LR has fallen below {@link #DECAYED_BELOW} × its peak since the warmup: the fit then sees the
     * annealing term and can estimate C.
     */
    public boolean decayed() {
        return state.hasLr() && minLrAfterPeak < DECAYED_BELOW * state.maxLr();
    }

    /** An independent copy. */
    public ScheduleSummary copy() {
        return fromBytes(toBytes());
    }

    /** The versioned binary form. */
    public byte[] toBytes() {
        ByteBuffer buf = ByteBuffer.allocate(1
                + ScheduleState.ARRAY_LENGTH * Double.BYTES
                + 2 * Long.BYTES
                + 2 * Double.BYTES
                + Integer.BYTES
                + bins * BIN_BYTES);
        buf.put(FORMAT_VERSION);
        for (double v : state.toArray()) {
            buf.putDouble(v);
        }
        buf.putLong(binned).putLong(outOfOrder).putDouble(minLrAfterPeak).putDouble(maxD2);
        buf.putInt(bins);
        for (int i = 0; i < bins; i++) {
            buf.putShort((short) key[i]).putInt(count[i]).putFloat(s1[i]).putFloat(loss[i]);
            for (int j = 0; j < LAMBDAS; j++) {
                buf.putFloat(s2[i][j]);
            }
        }
        return buf.array();
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException on bytes it did not write (truncated, another version, inconsistent)
     */
    public static ScheduleSummary fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 1) {
            throw new IllegalArgumentException("schedule summary: no bytes");
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            byte version = buf.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("schedule summary: unknown format version " + version);
            }
            double[] a = new double[ScheduleState.ARRAY_LENGTH];
            for (int i = 0; i < a.length; i++) {
                a[i] = buf.getDouble();
            }
            ScheduleSummary s = new ScheduleSummary();
            s.state = ScheduleState.fromArray(a);
            s.binned = buf.getLong();
            s.outOfOrder = buf.getLong();
            s.minLrAfterPeak = buf.getDouble();
            s.maxD2 = buf.getDouble();
            int n = buf.getInt();
            if (n < 0 || n > MAX_BINS || s.binned < 0 || s.outOfOrder < 0) {
                throw new IllegalArgumentException("schedule summary: bad counts");
            }
            s.bins = n;
            for (int i = 0; i < n; i++) {
                s.key[i] = buf.getShort();
                s.count[i] = buf.getInt();
                s.s1[i] = buf.getFloat();
                s.loss[i] = buf.getFloat();
                for (int j = 0; j < LAMBDAS; j++) {
                    s.s2[i][j] = buf.getFloat();
                }
                if (s.count[i] <= 0 || (i > 0 && s.key[i] <= s.key[i - 1])) {
                    throw new IllegalArgumentException("schedule summary: bad bin " + i);
                }
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("schedule summary: " + buf.remaining() + " trailing bytes");
            }
            return s;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("schedule summary: truncated", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScheduleSummary other && Arrays.equals(toBytes(), other.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
