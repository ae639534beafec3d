package dev.satwatch.fit;

/**
 * Huber's robust loss with threshold δ, shared by the per-run fit ({@link PowerLawFitter}) and the law calibration:
 * quadratic for {@code |r| ≤ δ}, linear beyond.
 *
 * <p>Levenberg–Marquardt minimises a sum of squares, so a residual r is fed to it as the pseudo-residual {@code h(r) =
 * r} for {@code |r| ≤ δ} and {@code sign(r)·√(2δ|r| − δ²)} beyond: {@code h² = ρ_δ(r) = 2·Huber_δ(r)} exactly, so LM on
 * h minimises the Huber sum itself (the square-rooted robust cost of Triggs et al., "Bundle adjustment — a modern
 * synthesis", 2000, §4.3; the same cost, up to the factor 2, as SciPy's {@code least_squares(loss='huber',
 * f_scale=δ)}). Stateless; thread-safe.
 */
public final class Huber {

    private Huber() {}

    /** The pseudo-residual {@code h(r)}: r inside δ, {@code sign(r)·√(2δ|r| − δ²)} beyond. */
    public static double pseudoResidual(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? r : Math.copySign(Math.sqrt(2 * delta * abs - delta * delta), r);
    }

    /** {@code h'(r)}: 1 inside δ, {@code δ / √(2δ|r| − δ²)} beyond. */
    public static double pseudoResidualSlope(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? 1.0 : delta / Math.sqrt(2 * delta * abs - delta * delta);
    }

    /** {@code ρ_δ(r) = h(r)²}: {@code r²} inside δ, {@code 2δ|r| − δ²} beyond (twice Huber's loss). */
    public static double cost(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? r * r : 2 * delta * abs - delta * delta;
    }

    /** Huber's loss: {@code r²/2} inside δ, {@code δ·(|r| − δ/2)} beyond (half of {@link #cost}). */
    public static double loss(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
    }

    /** Huber's ψ, the loss's derivative: r clamped to [−δ, δ]. */
    public static double psi(double r, double delta) {
        return Math.max(-delta, Math.min(delta, r));
    }

    /** The IRLS weight {@code ψ(r)/r = min(1, δ/|r|)} of a residual at the Huber optimum. */
    public static double weight(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? 1.0 : delta / abs;
    }
}
