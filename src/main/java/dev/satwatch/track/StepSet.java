package dev.satwatch.track;

import java.util.Arrays;

/**
 * A bounded set of non-negative longs (optimizer steps, or D2 token counts for points without a step) for
 * duplicate detection.
 *
 * <p>Stored as disjoint, sorted arithmetic runs {@code start, start + stride, …} ({@code count} members each): a
 * run logged every k steps, in order, is one run however long it is. Out-of-order values open new runs that merge
 * back when the gaps fill. At most {@link #MAX_RUNS} runs are kept; beyond that the lowest run is folded into a
 * <em>watermark</em> below which nothing is remembered. That is the documented fallback: a very late value at or
 * below the watermark is <em>accepted</em> (not tracked) rather than reported as a duplicate, because it is far
 * more likely a real late point than a retry (producer retries repeat recent steps, which are tracked exactly),
 * and dropping real data is worse than counting a rare very late retry twice in its bin. Two single values
 * join into a run only when their distance is the finest spacing seen (the GCD of all differences), so shuffled
 * arrivals of a regularly logged run merge back into one run. Serialized size is at most
 * {@code 30 + MAX_RUNS × 30} bytes.
 *
 * <p>Mutable, not thread-safe (one owner).
 */
final class StepSet {

    /** Most runs kept before the lowest folds into the watermark. */
    static final int MAX_RUNS = 16;

    private long watermark = -1;
    /** The first value added (−1 before any): differences from it give {@link #gcd}. */
    private long anchor = -1;
    /** GCD of all differences from the anchor: the finest spacing seen, 0 before a second value. */
    private long gcd;

    private long[] start = new long[4];
    private long[] stride = new long[4];
    private long[] count = new long[4];
    private int size;

    /** Whether {@code v} was added and is still tracked (values at or below the watermark are not). */
    boolean contains(long v) {
        if (v <= watermark) {
            return false;
        }
        int i = floorRun(v);
        return i >= 0 && member(i, v);
    }

    /**
     * Adds {@code v}.
     *
     * @return false when it was already present; true for a new value, and for any value at or below the
     *     watermark (accepted without being tracked)
     */
    boolean add(long v) {
        if (v <= watermark) {
            return true;
        }
        if (contains(v)) {
            return false;
        }
        if (anchor < 0) {
            anchor = v;
        } else {
            gcd = gcd(gcd, Math.abs(v - anchor));
        }
        int i = floorRun(v);
        int at;
        if (i >= 0 && v < last(i)) {
            at = split(i, v);
        } else {
            at = i + 1;
            insert(at, v, 1, 1);
        }
        // Join the neighbours when the new value continues them: left first, so that an in-order fill extends
        // the run before it rather than pairing with a far-away value after it.
        while (at > 0 && merge(at - 1)) {
            at--;
        }
        while (at + 1 < size && merge(at)) {
            // Keep absorbing runs the grown run now reaches.
        }
        while (size > MAX_RUNS) {
            watermark = Math.max(watermark, last(0));
            remove(0);
        }
        return true;
    }

    /** Splits run i around a non-member v inside its span; returns the index of the new single-value run. */
    private int split(int i, long v) {
        long k = (v - start[i]) / stride[i];
        long restStart = start[i] + (k + 1) * stride[i];
        long restCount = count[i] - k - 1;
        count[i] = k + 1;
        insert(i + 1, v, 1, 1);
        insert(i + 2, restStart, stride[i], restCount);
        return i + 1;
    }

    /**
     * Merges runs i and i + 1 when the result is one arithmetic run; two single values pair up only at the tail
     * (in-order logging) and with the stride of the run before, so that out-of-order values do not pair across gaps
     * that later points will fill.
     */
    private boolean merge(int i) {
        int j = i + 1;
        boolean pairI = count[i] == 1;
        boolean pairJ = count[j] == 1;
        if (pairI && pairJ) {
            // Two single values pair up only at the finest spacing seen so far: a wider pair would straddle a gap
            // that later values fill (it would then be split again).
            if (start[j] - start[i] != gcd) {
                return false;
            }
            stride[i] = start[j] - start[i];
            count[i] = 2;
        } else if (pairJ) {
            if (start[j] != last(i) + stride[i]) {
                return false;
            }
            count[i]++;
        } else if (pairI) {
            if (start[j] - stride[j] != start[i]) {
                return false;
            }
            stride[i] = stride[j];
            count[i] = count[j] + 1;
        } else {
            if (stride[i] != stride[j] || start[j] != last(i) + stride[i]) {
                return false;
            }
            count[i] += count[j];
        }
        remove(j);
        return true;
    }

    private static long gcd(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return x;
    }

    /** Number of arithmetic runs held. */
    int runs() {
        return size;
    }

    long watermark() {
        return watermark;
    }

    private long last(int i) {
        return start[i] + stride[i] * (count[i] - 1);
    }

    private boolean member(int i, long v) {
        if (v < start[i] || v > last(i)) {
            return false;
        }
        return count[i] == 1 ? v == start[i] : (v - start[i]) % stride[i] == 0;
    }

    /** Index of the last run whose start is ≤ v, or −1. */
    private int floorRun(long v) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= v) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void insert(int at, long v, long runStride, long runCount) {
        if (size == start.length) {
            int n = size * 2;
            start = Arrays.copyOf(start, n);
            stride = Arrays.copyOf(stride, n);
            count = Arrays.copyOf(count, n);
        }
        System.arraycopy(start, at, start, at + 1, size - at);
        System.arraycopy(stride, at, stride, at + 1, size - at);
        System.arraycopy(count, at, count, at + 1, size - at);
        start[at] = v;
        stride[at] = runStride;
        count[at] = runCount;
        size++;
    }

    private void remove(int at) {
        System.arraycopy(start, at + 1, start, at, size - at - 1);
        System.arraycopy(stride, at + 1, stride, at, size - at - 1);
        System.arraycopy(count, at + 1, count, at, size - at - 1);
        size--;
    }

    void writeTo(Bytes.Writer w) {
        w.putSignedVarLong(watermark).putSignedVarLong(anchor).putVarLong(gcd);
        w.putVarLong(size);
        for (int i = 0; i < size; i++) {
            w.putVarLong(start[i]).putVarLong(stride[i]).putVarLong(count[i]);
        }
    }

    static StepSet readFrom(Bytes.Reader r) {
        StepSet s = new StepSet();
        s.watermark = r.getSignedVarLong();
        s.anchor = r.getSignedVarLong();
        s.gcd = r.getNonNegative(Long.MAX_VALUE);
        int n = (int) r.getNonNegative(MAX_RUNS);
        long prevLast = s.watermark;
        for (int i = 0; i < n; i++) {
            long st = r.getVarLong();
            long sd = r.getVarLong();
            long c = r.getVarLong();
            if (st < 0 || st <= prevLast || sd < 1 || c < 1) {
                throw new IllegalArgumentException("run state: bad step run");
            }
            s.insert(i, st, sd, c);
            prevLast = s.last(i);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StepSet other)
                || other.size != size
                || other.watermark != watermark
                || other.anchor != anchor
                || other.gcd != gcd) {
            return false;
        }
        return Arrays.equals(start, 0, size, other.start, 0, size)
                && Arrays.equals(stride, 0, size, other.stride, 0, size)
                && Arrays.equals(count, 0, size, other.count, 0, size);
    }

    @Override
    public int hashCode() {
        int h = 31 * Long.hashCode(watermark) + Long.hashCode(gcd);
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(start[i]) + 7 * Long.hashCode(stride[i]) + 13 * Long.hashCode(count[i]);
        }
        return h;
    }
}
