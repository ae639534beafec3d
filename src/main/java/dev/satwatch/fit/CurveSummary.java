package dev.satwatch.fit;

import dev.satwatch.event.Numbers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Bounded summary of one loss series (one run, one split): the per-run state kept in the stream
 * processor's state store, updated in O(1) per point, from which the fit set is read.
 *
 * <h2>What it keeps</h2>
 *
 * <ul>
 *   <li><b>Bins</b> log-spaced over D2: a point with D2 tokens falls in key {@code
 *       floor(log10(D2)·binsPerDecade)}. Each bin keeps Welford statistics: count, mean of ln D2,
 *       mean loss and M2 of the loss. Stable-phase points (and points without an LR) go into one set
 *       of bins, warmup and anneal points into two others, so the fit set holds stable points only
 *       while {@link #bins()} still shows everything.
 *   <li><b>LR phase</b>: while the LR keeps rising above its peak so far, points are {@link
 *       LrPhase#WARMUP}; once an in-order point stops rising, {@code stableLr} = the peak; a point with
 *       {@code lr < annealLrRatio × stableLr} is {@link LrPhase#ANNEAL} (WSD decay, cosine tail). An
 *       in-order point rising above the peak again starts a new warmup. Out-of-order points (D2 below
 *       the max seen) are classified by their own LR and do not move the phase; a low-LR out-of-order
 *       point before the peak's D2 is warmup, after it anneal. The first point with an LR counts as
 *       warmup, since nothing shows yet whether the LR still rises. A NaN, negative or infinite LR is
 *       unknown: the point is summarised as stable and the phase does not change.
 *   <li>Max D2, min loss, the last point by arrival, and a ring buffer ({@link RecentPoints}) of the last {@code
 *       recentPoints} points for spike checks.
 * </ul>
 *
 * <h2>Fit set</h2>
 *
 * {@link #fitPoints(double)} returns the stable bins whose mean D2 is at least {@code burnInFraction}
 * × the target D2 (or × the max D2 seen when no target is known): DESIGN §4 and the Hitchhiker's
 * Guide to Scaling Law Estimation (Choshen et al. 2024), where dropping the start of a run cuts the
 * prediction error. Merged bins (see below) are left out: they average the loss over a wide D2 span,
 * which biases the curve because the loss is convex in ln D2.
 *
 * <h2>Bound</h2>
 *
 * At most {@link #MAX_BINS} bins exist. When a new bin would exceed that, the kind (stable, warmup,
 * anneal) holding most bins merges its two lowest-D2 bins (Chan, Golub &amp; LeVeque 1979 pairwise
 * update: counts, weighted means and M2 are preserved exactly up to rounding). The high-D2 end,
 * where the fit and the local slope live, keeps full resolution. Hence, for a run of any length,
 * any D2 range and any arrival order, {@link #serializedSize()} ≤ {@link #MAX_SERIALIZED_BYTES}
 * (4048) ≤ 4096 bytes: 19 bytes of settings, 57 of phase and extremes, at most 1 + 16 ×
 * {@value SummaryConfig#MAX_RECENT_POINTS} of recent points, 3 bin counts and at most 36 bytes for
 * each of the {@value #MAX_BINS} bins (a 9-byte count included).
 *
 * <h2>Rejected points</h2>
 *
 * Non-finite or non-positive D2 or loss give {@link AddResult#REJECTED} and change nothing;
 * divergence (a non-finite loss) is detected by the caller.
 *
 * <h2>Cost and thread safety</h2>
 *
 * {@link #add} is O(1): one logarithm, a bin lookup (last-hit cache, else a binary search over at
 * most {@value #MAX_BINS} bins) and a Welford update; opening a bin shifts at most {@value #MAX_BINS}
 * entries (and, at the cap, merges two). It allocates nothing unless a bin array grows.
 * Mutable and <b>not thread-safe</b>: it has one owner, the stream task of its run. Use {@link #copy()}
 * to hand a snapshot to another thread. Equality and hash code are by content, so a summary equals
 * its {@link #toBytes()} round trip.
 */
public final class CurveSummary {

    /** Most bins a summary holds, over all phases. */
    public static final int MAX_BINS = 96;

    /** Format version written as the first byte of {@link #toBytes()}. */
    public static final byte FORMAT_VERSION = 1;

    static final int SETTINGS_BYTES = 1 + 1 + 2 * Double.BYTES + 1;
    static final int STATE_BYTES = 1 + 7 * Double.BYTES;
    static final int MAX_RING_BYTES = 1 + SummaryConfig.MAX_RECENT_POINTS * 2 * Double.BYTES;
    static final int KINDS = 3;

    /** Upper bound of {@link #serializedSize()}: every field at its widest, every bin at its widest. */
    public static final int MAX_SERIALIZED_BYTES =
            SETTINGS_BYTES + STATE_BYTES + MAX_RING_BYTES + KINDS + MAX_BINS * CurveBins.MAX_BIN_BYTES;

    static final int STABLE = 0;
    static final int WARMUP = 1;
    static final int ANNEAL = 2;
    static final String[] KIND_NAMES = {"stable", "warmup", "anneal"};

    /** Relative LR increase that counts as rising: absorbs float jitter of a logged constant LR. */
    private static final double RISE_TOLERANCE = 1e-6;

    /**
     * Added to the key before flooring so that exact powers of ten (1e9 tokens) open their bin even
     * though ln rounds them a hair low; moves bin edges by ~1e-10 relative.
     */
    private static final double KEY_NUDGE = 1e-9;

    private static final double LN10 = Math.log(10);
    static final LrPhase[] PHASES = LrPhase.values();

    final SummaryConfig config;
    final double step;
    final double keysPerLn;
    final CurveBins[] bins;

    LrPhase phase = LrPhase.UNKNOWN;
    double peakLr = Double.NaN;
    double peakD2 = Double.NaN;
    double stableLr = Double.NaN;
    double maxD2 = Double.NaN;
    double minLoss = Double.NaN;
    double lastD2 = Double.NaN;
    double lastLoss = Double.NaN;
    long totalPoints;
    long fittedPoints;

    final RecentPoints recent;

    CurveSummary(SummaryConfig config) {
        this.config = config;
        this.step = LN10 / config.binsPerDecade();
        this.keysPerLn = config.binsPerDecade() / LN10;
        this.bins = new CurveBins[] {new CurveBins(step), new CurveBins(step), new CurveBins(step)};
        this.recent = new RecentPoints(config.recentPoints());
    }

    /**
     * An empty summary.
     *
     * @throws NullPointerException when config is null
     */
    public static CurveSummary create(SummaryConfig config) {
        if (config == null) {
            throw new NullPointerException("config");
        }
        return new CurveSummary(config);
    }

    /** The settings. */
    public SummaryConfig config() {
        return config;
    }

    /**
     * Adds one point. O(1), allocation-free in steady state.
     *
     * @param d2Tokens second-stage tokens (raw tokens, not billions); must be finite and positive
     * @param loss the loss; must be finite and positive
     * @param lr the learning rate at this point; NaN when unknown
     * @return what happened to the point; {@link AddResult#REJECTED} leaves the summary unchanged
     */
    public AddResult add(double d2Tokens, double loss, double lr) {
        if (!(d2Tokens > 0 && d2Tokens < Double.POSITIVE_INFINITY && loss > 0 && loss < Double.POSITIVE_INFINITY)) {
            return AddResult.REJECTED;
        }
        boolean lrKnown = lr >= 0 && lr < Double.POSITIVE_INFINITY;
        int kind = lrKnown ? classify(d2Tokens, lr) : STABLE;
        double lnD2 = Math.log(d2Tokens);
        int key = (int) Math.floor(lnD2 * keysPerLn + KEY_NUDGE);
        CurveBins b = bins[kind];
        int i = b.find(key);
        boolean created = false;
        if (i < 0 && binCount() >= MAX_BINS) {
            makeRoom();
            i = b.find(key);
        }
        if (i >= 0) {
            b.update(i, lnD2, loss, lrKnown);
        } else {
            b.insert(-i - 1, key, lnD2, loss, lrKnown);
            created = true;
        }
        totalPoints++;
        if (kind == STABLE) {
            fittedPoints++;
        }
        if (!(d2Tokens <= maxD2)) {
            maxD2 = d2Tokens;
        }
        if (!(loss >= minLoss)) {
            minLoss = loss;
        }
        lastD2 = d2Tokens;
        lastLoss = loss;
        recent.add(d2Tokens, loss);
        if (kind == WARMUP) {
            return AddResult.WARMUP;
        }
        if (kind == ANNEAL) {
            return AddResult.ANNEAL;
        }
        return created ? AddResult.NEW_BIN : AddResult.UPDATED;
    }

    /** Classifies a point with a known LR and advances the phase machine on in-order points. */
    private int classify(double d2Tokens, double lr) {
        boolean inOrder = !(d2Tokens < maxD2);
        if (Double.isNaN(peakLr)) {
            peakLr = lr;
            peakD2 = d2Tokens;
            phase = LrPhase.WARMUP;
            return WARMUP;
        }
        if (inOrder) {
            if (lr > peakLr * (1 + RISE_TOLERANCE)) {
                peakLr = lr;
                peakD2 = d2Tokens;
                stableLr = Double.NaN;
                phase = LrPhase.WARMUP;
                return WARMUP;
            }
            if (Double.isNaN(stableLr)) {
                stableLr = peakLr;
            }
            boolean anneal = lr < config.annealLrRatio() * stableLr;
            phase = anneal ? LrPhase.ANNEAL : LrPhase.STABLE;
            return anneal ? ANNEAL : STABLE;
        }
        if (Double.isNaN(stableLr)) {
            // Still warming up: a point from before the newest one is warmup too.
            return WARMUP;
        }
        if (lr < config.annealLrRatio() * stableLr) {
            return d2Tokens < peakD2 ? WARMUP : ANNEAL;
        }
        return STABLE;
    }

    /** Frees one bin: the kind with most bins merges its two lowest (ties go to excluded kinds first). */
    private void makeRoom() {
        int victim = WARMUP;
        if (bins[ANNEAL].size() > bins[victim].size()) {
            victim = ANNEAL;
        }
        if (bins[STABLE].size() > bins[victim].size()) {
            victim = STABLE;
        }
        bins[victim].mergeLowestPair();
    }

    /**
     * The fit set: stable (and unknown-LR) bins whose mean D2 is at least {@code burnInFraction} ×
     * the reference D2, excluding merged bins, sorted by D2.
     *
     * @param targetD2Tokens the run's D2 budget in raw tokens; NaN (or non-positive, or infinite)
     *     when unknown, in which case the max D2 seen is the reference
     * @return the points with x in billions of tokens; {@link FitPoints#EMPTY} when nothing qualifies.
     *     {@code rawPoints} saturates at {@link Integer#MAX_VALUE}.
     */
    public FitPoints fitPoints(double targetD2Tokens) {
        if (totalPoints == 0) {
            return FitPoints.EMPTY;
        }
        double ref = targetD2Tokens > 0 && targetD2Tokens < Double.POSITIVE_INFINITY ? targetD2Tokens : maxD2;
        double lnMin = config.burnInFraction() > 0 ? Math.log(config.burnInFraction() * ref) : Double.NEGATIVE_INFINITY;
        return bins[STABLE].fitPoints(lnMin);
    }

    /**
     * Like {@link #fitPoints(double)} but with the anneal bins too, sorted by D2: every point after the warmup, whatever
     * the LR did since (a cosine or linear decay, a cooldown). For the E-free log-log line of a decaying run's decision
     * (DESIGN §5), which then also counts what annealing gained.
     */
    public FitPoints pastWarmupPoints(double targetD2Tokens) {
        if (totalPoints == 0) {
            return FitPoints.EMPTY;
        }
        double ref = targetD2Tokens > 0 && targetD2Tokens < Double.POSITIVE_INFINITY ? targetD2Tokens : maxD2;
        double lnMin = config.burnInFraction() > 0 ? Math.log(config.burnInFraction() * ref) : Double.NEGATIVE_INFINITY;
        FitPoints a = bins[STABLE].fitPoints(lnMin);
        FitPoints b = bins[ANNEAL].fitPoints(lnMin);
        int n = a.size() + b.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double[] ss = new double[n];
        double[] ax = a.x();
        double[] bx = b.x();
        int i = 0;
        int j = 0;
        for (int k = 0; k < n; k++) {
            boolean fromA = j >= bx.length || (i < ax.length && ax[i] <= bx[j]);
            FitPoints src = fromA ? a : b;
            int idx = fromA ? i++ : j++;
            x[k] = src.x()[idx];
            y[k] = src.y()[idx];
            w[k] = src.w()[idx];
            ss[k] = src.ss()[idx];
        }
        return n == 0
                ? FitPoints.EMPTY
                : new FitPoints(x, y, w, (int) Math.min((long) a.rawPoints() + b.rawPoints(), Integer.MAX_VALUE), ss);
    }

    /** Every bin (stable, unknown-LR, warmup and anneal), sorted by mean D2; for display. */
    public List<CurveBin> bins() {
        List<CurveBin> out = new ArrayList<>(binCount());
        for (int k = 0; k < KINDS; k++) {
            CurveBins b = bins[k];
            for (int i = 0; i < b.size(); i++) {
                LrPhase p = k == WARMUP ? LrPhase.WARMUP : k == ANNEAL ? LrPhase.ANNEAL : stablePhase(b, i);
                out.add(new CurveBin(
                        Math.exp(b.meanLnD2(i)) / Numbers.TOKENS_PER_BILLION,
                        b.meanLoss(i),
                        Math.sqrt(b.varianceLoss(i)),
                        b.count(i),
                        p));
            }
        }
        out.sort(Comparator.comparingDouble(CurveBin::d2));
        return out;
    }

    private static LrPhase stablePhase(CurveBins b, int i) {
        return b.knownLr(i) ? LrPhase.STABLE : LrPhase.UNKNOWN;
    }

    /** Number of bins over all phases, at most {@link #MAX_BINS}. */
    public int binCount() {
        return bins[STABLE].size() + bins[WARMUP].size() + bins[ANNEAL].size();
    }

    /** The phase of the latest in-order point with a known LR; {@link LrPhase#UNKNOWN} before any. */
    public LrPhase phase() {
        return phase;
    }

    /** The stable LR (the warmup peak); NaN until the LR has stopped rising. */
    public double stableLr() {
        return stableLr;
    }

    /** Largest D2 (raw tokens) over accepted points; NaN when none. */
    public double maxD2Tokens() {
        return maxD2;
    }

    /** Smallest loss over accepted points; NaN when none. */
    public double minLoss() {
        return minLoss;
    }

    /** Number of accepted points. */
    public long totalPoints() {
        return totalPoints;
    }

    /** Number of accepted points in stable (or unknown-LR) bins, before burn-in. */
    public long fittedPoints() {
        return fittedPoints;
    }

    /** D2 (raw tokens) of the most recent accepted point by arrival; NaN when none. */
    public double lastD2Tokens() {
        return lastD2;
    }

    /** Loss of the most recent accepted point by arrival; NaN when none. */
    public double lastLoss() {
        return lastLoss;
    }

    /** Losses of the last accepted points by arrival, oldest first (a copy). */
    public double[] recentLosses() {
        return recent.losses();
    }

    /** D2 (raw tokens) of the last accepted points by arrival, oldest first (a copy). */
    public double[] recentD2Tokens() {
        return recent.d2s();
    }

    /** An independent deep copy. */
    public CurveSummary copy() {
        CurveSummary c = new CurveSummary(config);
        for (int k = 0; k < KINDS; k++) {
            c.bins[k] = bins[k].copy();
        }
        c.copyScalarsFrom(this);
        recent.copyTo(c.recent);
        return c;
    }

    private void copyScalarsFrom(CurveSummary s) {
        phase = s.phase;
        peakLr = s.peakLr;
        peakD2 = s.peakD2;
        stableLr = s.stableLr;
        maxD2 = s.maxD2;
        minLoss = s.minLoss;
        lastD2 = s.lastD2;
        lastLoss = s.lastLoss;
        totalPoints = s.totalPoints;
        fittedPoints = s.fittedPoints;
    }

    /** Exact length of {@link #toBytes()}; never more than {@link #MAX_SERIALIZED_BYTES}. */
    public int serializedSize() {
        return CurveSummaryCodec.serializedSize(this);
    }

    /**
     * The compact binary form. Layout (big-endian; varint = LEB128): format version byte; settings
     * (varint binsPerDecade, double burnInFraction, double annealLrRatio, varint recentPoints); phase
     * ordinal byte; doubles peakLr, peakD2, stableLr, maxD2, minLoss, lastD2, lastLoss; varint ring
     * size and the ring's (d2, loss) doubles oldest first; then for stable, warmup and anneal bins a
     * varint bin count and per bin: zigzag varint key gap, varint span, flags byte, varint count,
     * float ln-D2 offset, double mean loss, double M2. Point counts are the sums of bin counts.
     */
    public byte[] toBytes() {
        byte[] out = new byte[serializedSize()];
        writeTo(ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Writes {@link #toBytes()}'s {@link #serializedSize()} bytes at {@code buf}'s position (for callers that embed
     * the summary in a larger record without an intermediate array).
     *
     * @throws java.nio.BufferOverflowException when fewer than {@link #serializedSize()} bytes remain
     */
    public void writeTo(ByteBuffer buf) {
        CurveSummaryCodec.write(this, buf);
    }

    /**
     * Reads the form written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the input is null, truncated, has trailing bytes, has
     *     an unknown format version, or holds inconsistent values
     */
    public static CurveSummary fromBytes(byte[] bytes) {
        return CurveSummaryCodec.fromBytes(bytes);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CurveSummary other)) {
            return false;
        }
        return config.equals(other.config)
                && phase == other.phase
                && totalPoints == other.totalPoints
                && fittedPoints == other.fittedPoints
                && same(peakLr, other.peakLr)
                && same(peakD2, other.peakD2)
                && same(stableLr, other.stableLr)
                && same(maxD2, other.maxD2)
                && same(minLoss, other.minLoss)
                && same(lastD2, other.lastD2)
                && same(lastLoss, other.lastLoss)
                && Arrays.equals(recentD2Tokens(), other.recentD2Tokens())
                && Arrays.equals(recentLosses(), other.recentLosses())
                && Arrays.equals(bins, other.bins);
    }

    private static boolean same(double a, double b) {
        return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
    }

    @Override
    public int hashCode() {
        int h = config.hashCode();
        h = 31 * h + phase.ordinal();
        h = 31 * h + Long.hashCode(totalPoints);
        h = 31 * h + Double.hashCode(maxD2);
        h = 31 * h + Double.hashCode(lastLoss);
        return 31 * h + Arrays.hashCode(bins);
    }

    @Override
    public String toString() {
        return "CurveSummary[points=" + totalPoints + ", fitted=" + fittedPoints + ", bins=" + binCount() + ", phase="
                + phase + ", stableLr=" + stableLr + ", maxD2=" + maxD2 + ", minLoss=" + minLoss + "]";
    }
}
