package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The schedule sums of the annealing law (Tissue et al. 2024, arXiv 2408.11029; DESIGN §4b) for one split,
 * updated in O(1) per logged point: the forward area {@code S1 = Σ η_i}, and for each decay factor λ of
 * {@link #LAMBDAS} the annealing momentum {@code m_i = λ·m_{i−1} + (η_{i−1} − η_i)} and the annealing area
 * {@code S2 = Σ m_i}, all per optimizer step.
 *
 * <p>Between two logged points p and q ({@code n = q − p} steps, possibly fractional) the LR is taken to move
 * linearly, by {@code d = (η_p − η_q)/n} per step, and the sums advance in closed form
 * ({@code shared/research/schedule-laws.md} §5.1):
 *
 * <pre>
 *   S1 += n·η_p − d·n(n+1)/2
 *   m   = λ^n·m + d·(1 − λ^n)/(1 − λ)
 *   S2 += m_p·λ(1 − λ^n)/(1 − λ) + d/(1 − λ)·(n − λ(1 − λ^n)/(1 − λ))
 * </pre>
 *
 * A rise of the LR does count as a negative drop (a continual-pretraining re-warm lowers S2), except a rise to a
 * new maximum: that is the warmup, which, as in Tissue et al. §3.4, feeds no momentum ({@code d = 0} over that
 * interval) but does add its area to S1. Before the first logged point the LR is taken as constant at that
 * point's LR (from step 0). A point without an LR ({@code NaN}) keeps the previous LR, i.e. a constant LR; a
 * run that never logs one runs at a unit LR, so S1 counts steps ({@link #hasLr()} says which). A point at the
 * same step as the previous one applies its LR drop at once (momentum, no area).
 *
 * <p>Not thread-safe (one instance per run and split, owned by one thread); {@link #copy()} gives an
 * independent state, e.g. to propagate a hypothetical cooldown.
 */
public final class ScheduleState {

    /** The grid of momentum decay factors λ (per optimizer step) the fit chooses from. */
    private static final double[] LAMBDA_GRID = {0.95, 0.99, 0.995, 0.998, 0.999, 0.9995};

    /** Number of λ values tracked. */
    public static final int LAMBDA_COUNT = LAMBDA_GRID.length;

    /** Relative LR increase that counts as a rise: absorbs float jitter of a logged constant LR. */
    private static final double RISE_TOLERANCE = 1e-6;

    private static final double[] LN_LAMBDA = new double[LAMBDA_COUNT];

    static {
        for (int k = 0; k < LAMBDA_COUNT; k++) {
            LN_LAMBDA[k] = Math.log(LAMBDA_GRID[k]);
        }
    }

    private double step;
    private double lr = Double.NaN;
    private double maxLr;
    private boolean hasLr;
    private double s1;
    private final double[] m = new double[LAMBDA_COUNT];
    private final double[] s2 = new double[LAMBDA_COUNT];
    /** λ^n for the last interval length n: logged steps are usually evenly spaced, so most updates reuse it. */
    private final double[] lastPow = new double[LAMBDA_COUNT];

    private double lastN = Double.NaN;

    /** The step at which the LR last rose to a new maximum (the end of the warmup so far); 0 before. */
    private double peakStep;

    /** Whether the last point raised the LR to a new maximum, i.e. is still in the warmup. */
    private boolean rising;

    /** A state at step 0 with nothing seen. */
    public ScheduleState() {}

    /** The decay factors, in the order of the {@code lambdaIndex} arguments. */
    public static double[] lambdas() {
        return LAMBDA_GRID.clone();
    }

    /** The decay factor of one index. */
    public static double lambda(int lambdaIndex) {
        return LAMBDA_GRID[lambdaIndex];
    }

    /**
     * Advances to a logged point.
     *
     * @param toStep the point's optimizer step (steps before it were taken at the interpolated LR); a step
     *     before the current one is treated as the current one
     * @param lrAtStep the LR at that step; NaN when not logged (the LR stays as it was)
     */
    public void advance(double toStep, double lrAtStep) {
        double q = Double.isNaN(lrAtStep) ? (Double.isNaN(lr) ? 1.0 : lr) : lrAtStep;
        if (!Double.isNaN(lrAtStep)) {
            hasLr = true;
        }
        if (Double.isNaN(lr)) {
            // First point: a constant LR from step 0.
            lr = q;
            maxLr = q;
            s1 = Math.max(0, toStep) * q;
            step = Math.max(0, toStep);
            peakStep = step;
            rising = true;
            return;
        }
        double n = toStep - step;
        if (!(n > 0)) {
            double drop = q > maxLr ? 0 : lr - q;
            for (int k = 0; k < LAMBDA_COUNT; k++) {
                m[k] += drop;
            }
            noteMax(q, step);
            lr = q;
            return;
        }
        double d = (lr - q) / n;
        s1 += n * lr - d * n * (n + 1) / 2;
        double drop = q > maxLr ? 0 : d; // a rise to a new maximum is warmup: no momentum
        if (n != lastN) {
            for (int k = 0; k < LAMBDA_COUNT; k++) {
                lastPow[k] = Math.exp(n * LN_LAMBDA[k]);
            }
            lastN = n;
        }
        for (int k = 0; k < LAMBDA_COUNT; k++) {
            double lam = LAMBDA_GRID[k];
            double oneMinus = 1 - lam;
            double geo = lam * (1 - lastPow[k]) / oneMinus; // Σ_{j=1..n} λ^j
            s2[k] += m[k] * geo + drop / oneMinus * (n - geo);
            m[k] = lastPow[k] * m[k] + drop * (1 - lastPow[k]) / oneMinus;
        }
        noteMax(q, toStep);
        lr = q;
        step = toStep;
    }

    private void noteMax(double q, double atStep) {
        rising = q > maxLr * (1 + RISE_TOLERANCE);
        if (q > maxLr) {
            maxLr = q;
            peakStep = atStep;
        }
    }

    /** The highest LR so far (the peak of the warmup); NaN before the first point. */
    public double maxLr() {
        return Double.isNaN(lr) ? Double.NaN : maxLr;
    }

    /** The step at which the LR last reached its maximum so far. */
    public double peakStep() {
        return peakStep;
    }

    /**
     * Whether the last point raised the LR above its maximum so far (by more than float jitter): the warmup, or a
     * re-warm to a new peak. The first point counts as rising.
     */
    public boolean rising() {
        return rising;
    }

    /** The state as numbers, for a run state's bytes ({@link #fromArray} reads them back). */
    public double[] toArray() {
        double[] a = new double[ARRAY_LENGTH];
        a[0] = step;
        a[1] = lr;
        a[2] = maxLr;
        a[3] = (hasLr ? 1 : 0) + (rising ? 2 : 0);
        a[4] = s1;
        a[5] = peakStep;
        System.arraycopy(m, 0, a, 6, LAMBDA_COUNT);
        System.arraycopy(s2, 0, a, 6 + LAMBDA_COUNT, LAMBDA_COUNT);
        return a;
    }

    /** Length of {@link #toArray()}. */
    public static final int ARRAY_LENGTH = 6 + 2 * LAMBDA_COUNT;

    /**
     * The state {@link #toArray()} wrote.
     *
     * @throws IllegalArgumentException when the array has the wrong length or bad flags
     */
    public static ScheduleState fromArray(double[] a) {
        if (a == null || a.length != ARRAY_LENGTH) {
            throw new IllegalArgumentException("schedule state: expected " + ARRAY_LENGTH + " numbers");
        }
        int flags = (int) a[3];
        if (flags != a[3] || flags < 0 || flags > 3) {
            throw new IllegalArgumentException("schedule state: bad flags " + a[3]);
        }
        ScheduleState c = new ScheduleState();
        c.step = a[0];
        c.lr = a[1];
        c.maxLr = a[2];
        c.hasLr = (flags & 1) != 0;
        c.rising = (flags & 2) != 0;
        c.s1 = a[4];
        c.peakStep = a[5];
        System.arraycopy(a, 6, c.m, 0, LAMBDA_COUNT);
        System.arraycopy(a, 6 + LAMBDA_COUNT, c.s2, 0, LAMBDA_COUNT);
        return c;
    }

    /** The forward area S1 (LR × steps) so far. */
    public double s1() {
        return s1;
    }

    /** The annealing area S2 for the λ of {@code lambdaIndex}. */
    public double s2(int lambdaIndex) {
        return s2[lambdaIndex];
    }

    /** The annealing momentum m for the λ of {@code lambdaIndex}. */
    public double momentum(int lambdaIndex) {
        return m[lambdaIndex];
    }

    /** The step of the last point. */
    public double step() {
        return step;
    }

    /** The LR at the last point; NaN before the first. */
    public double lr() {
        return lr;
    }

    /** Whether any point carried an LR (else S1 counts steps at a unit LR). */
    public boolean hasLr() {
        return hasLr;
    }

    /** An independent copy of this state. */
    public ScheduleState copy() {
        ScheduleState c = new ScheduleState();
        c.step = step;
        c.lr = lr;
        c.maxLr = maxLr;
        c.hasLr = hasLr;
        c.s1 = s1;
        System.arraycopy(m, 0, c.m, 0, LAMBDA_COUNT);
        System.arraycopy(s2, 0, c.s2, 0, LAMBDA_COUNT);
        System.arraycopy(lastPow, 0, c.lastPow, 0, LAMBDA_COUNT);
        c.lastN = lastN;
        c.peakStep = peakStep;
        c.rising = rising;
        return c;
    }

    @Override
    public String toString() {
        return "ScheduleState[step=" + step + ", lr=" + lr + ", s1=" + s1 + ", s2=" + Arrays.toString(s2) + "]";
    }
}
