package dev.satwatch.fit;

import java.util.Arrays;

/**
 * The multi-power law of Luo et al. 2025 (arXiv 2503.12811, Eqs. 1, 2, 15; {@code shared/research/schedule-laws.md}
 * §2), in the form the cooldown backtest fits:
 *
 * <pre>
 *   y(t)  = L0 + A·S1(t)^(−α) − B·LD(t)
 *   LD(t) = Σ_k (η_{k−1} − η_k) · G(η_k^(−γ) · S_k(t)),   S_k(t) = Σ_{τ=k..t} η_τ,   G(x) = 1 − (C·x + 1)^(−β)
 * </pre>
 *
 * S1 is the LR sum of {@link ScheduleState} (the warmup's area included, where the paper adds {@code S_W = ½·η_max·W};
 * both are an offset of the LR sum). B is factored out of the paper's {@code LD} so that, for fixed {@code (α, C, β,
 * γ)}, the law is linear in {@code (L0, A, B)}. Each LR drop adds a loss reduction proportional to the drop that
 * saturates as a power law in the LR area accumulated since the drop, which the annealing law's {@code C·S2} (linear
 * in the drop, never levelling off) does not.
 *
 * <p>{@link Path} records the drops of an LR path logged at points (the LR moving linearly between them, as in
 * {@link ScheduleState}): each logged interval's drop is split into {@value #PIECES} pieces. Within a piece the
 * per-step drops are spread evenly over its range of {@code S1(k−1)} and {@code η_k^(−γ)} is taken at its middle
 * step, so the piece's share of LD is the drop times the mean of G over that range, in closed form
 * ({@link #meanKernel}); this stays accurate right after a drop, where G changes fastest ({@code MultiPowerLawTest}
 * bounds the error against the per-step sum). {@code LD} at a point costs a few {@code exp/log} per drop piece before
 * it, so it is O(K) for K pieces (none during a constant-LR phase), not O(1) like S2.
 */
public final class MultiPowerLaw {

    /** Pieces each logged interval's LR drop is split into. */
    static final int PIECES = 4;

    private MultiPowerLaw() {}

    /**
     * The saturating kernel {@code G(x) = 1 − (C·x + 1)^(−β)}; {@code x = +∞} (a drop to LR 0) gives 1.
     *
     * @param x {@code η_k^(−γ)·S_k(t)}, ≥ 0
     * @param c the kernel's scale C
     * @param beta the kernel's exponent β
     */
    public static double kernel(double x, double c, double beta) {
        if (!(x > 0)) {
            return 0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 1;
        }
        return -Math.expm1(-beta * Math.log1p(c * x));
    }

    /**
     * The mean of {@code G(a·u)} over {@code u ∈ [u1, u1 + du]}:
     * {@code 1 − [(1 + a(u1 + du))^(1−β) − (1 + a·u1)^(1−β)] / (a(1 − β)·du)}, computed without cancellation;
     * {@code G(a·u1)} when {@code du = 0}.
     *
     * @param a {@code C·η^(−γ)} (may be +∞ for a drop to LR 0)
     * @param u1 the LR area since the piece's end, ≥ 0
     * @param du the piece's own LR area, ≥ 0
     * @param beta the kernel's exponent, in (0, 1)
     */
    public static double meanKernel(double a, double u1, double du, double beta) {
        if (a == Double.POSITIVE_INFINITY) {
            return u1 + du > 0 ? 1 : 0;
        }
        double l1 = Math.log1p(a * u1);
        double x = a * du;
        if (!(x > 1e-300)) {
            return -Math.expm1(-beta * l1);
        }
        double delta = Math.log1p(x / (1 + a * u1));
        return meanKernelOfLogs(l1, delta, x, beta);
    }

    /** {@link #meanKernel(double, double, double, double)} from {@code l1 = ln(1 + a·u1)}, {@code delta}, {@code x = a·du}. */
    static double meanKernelOfLogs(double l1, double delta, double x, double beta) {
        if (!(x > 1e-300)) {
            return -Math.expm1(-beta * l1);
        }
        double ob = 1 - beta;
        double ratio = Math.abs(ob) < 1e-9 ? delta / x : Math.expm1(ob * delta) / (ob * x);
        return 1 - Math.exp(ob * l1) * ratio;
    }

    /**
     * The LR drops of a path, recorded as pieces {@code (S1 before its first and before its last step, LR at its middle step, drop)}. Same
     * conventions as {@link ScheduleState#advance}: a constant LR before the first point, a missing LR keeps the
     * previous one, a rise to a new maximum is warmup (no drop), a rise below the maximum is a negative drop. Not
     * thread-safe.
     */
    public static final class Path {
        private double step;
        private double lr = Double.NaN;
        private double maxLr;
        private double s1;
        private double[] nodeS1 = new double[32];
        private double[] nodeS1End = new double[32];
        private double[] nodeLr = new double[32];
        private double[] nodeDrop = new double[32];
        private int nodes;

        /** An empty path at step 0. */
        public Path() {}

        /**
         * Advances to a logged point.
         *
         * @param toStep the point's optimizer step
         * @param lrAtStep the LR there; NaN keeps the previous one
         */
        public void advance(double toStep, double lrAtStep) {
            double q = Double.isNaN(lrAtStep) ? (Double.isNaN(lr) ? 1.0 : lr) : lrAtStep;
            if (Double.isNaN(lr)) {
                lr = q;
                maxLr = q;
                s1 = Math.max(0, toStep) * q;
                step = Math.max(0, toStep);
                return;
            }
            double n = toStep - step;
            boolean warmup = q > maxLr;
            if (!(n > 0)) {
                if (!warmup && q != lr) {
                    add(s1, s1, q, lr - q);
                }
                maxLr = Math.max(maxLr, q);
                lr = q;
                return;
            }
            double d = (lr - q) / n;
            if (!warmup && d != 0) {
                int pieces = (int) Math.max(1, Math.min(PIECES, Math.floor(n)));
                double len = n / pieces;
                for (int j = 0; j < pieces; j++) {
                    // The piece's steps k run from p + j·len + 1 to p + (j + 1)·len; S1(k − 1) sums r = k − 1 − p
                    // steps, from r0 = j·len to r1 = (j + 1)·len − 1; η_k^(−γ) is taken at the middle step.
                    double r0 = j * len;
                    double r1 = Math.max(r0, (j + 1) * len - 1);
                    double lrK = lr - d * ((j + 0.5) * len + 0.5);
                    add(s1 + r0 * lr - d * r0 * (r0 + 1) / 2, s1 + r1 * lr - d * r1 * (r1 + 1) / 2, lrK, d * len);
                }
            }
            s1 += n * lr - d * n * (n + 1) / 2;
            maxLr = Math.max(maxLr, q);
            lr = q;
            step = toStep;
        }

        private void add(double fromS1, double toS1, double atLr, double drop) {
            if (nodes == nodeS1.length) {
                nodeS1 = Arrays.copyOf(nodeS1, 2 * nodes);
                nodeS1End = Arrays.copyOf(nodeS1End, 2 * nodes);
                nodeLr = Arrays.copyOf(nodeLr, 2 * nodes);
                nodeDrop = Arrays.copyOf(nodeDrop, 2 * nodes);
            }
            nodeS1[nodes] = fromS1;
            nodeS1End[nodes] = toS1;
            nodeLr[nodes] = atLr;
            nodeDrop[nodes] = drop;
            nodes++;
        }

        /** The LR sum S1 so far (equal to {@link ScheduleState#s1()} on the same points). */
        public double s1() {
            return s1;
        }

        /** Drop pieces recorded so far: a point's mark, with {@link #s1()}, for {@link #ld}. */
        public int pieces() {
            return nodes;
        }

        /** The step of the last point. */
        public double step() {
            return step;
        }

        /** S1 before piece {@code i}'s first step. */
        public double pieceS1(int i) {
            return nodeS1[i];
        }

        /** S1 before piece {@code i}'s last step (equal to {@link #pieceS1} for a drop at one step). */
        public double pieceS1End(int i) {
            return nodeS1End[i];
        }

        /** The LR at piece {@code i}'s middle step (after its drop). */
        public double pieceLr(int i) {
            return nodeLr[i];
        }

        /** The LR drop of piece {@code i} (negative for a re-warm). */
        public double pieceDrop(int i) {
            return nodeDrop[i];
        }

        /**
         * {@code LD} (without B) at a point whose mark was {@code (s1Now, pieces)}.
         *
         * @param s1Now the point's S1
         * @param pieceCount the pieces recorded when the point was reached
         */
        public double ld(double s1Now, int pieceCount, double c, double beta, double gamma) {
            double sum = 0;
            for (int i = 0; i < pieceCount; i++) {
                double a = nodeLr[i] > 0 ? c * Math.exp(-gamma * Math.log(nodeLr[i])) : Double.POSITIVE_INFINITY;
                double u1 = Math.max(0, s1Now - nodeS1End[i]);
                double du = Math.max(0, nodeS1End[i] - nodeS1[i]);
                sum += nodeDrop[i] * meanKernel(a, u1, du, beta);
            }
            return sum;
        }
    }
}
