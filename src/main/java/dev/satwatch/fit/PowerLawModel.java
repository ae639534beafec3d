package dev.satwatch.fit;

/**
 * The model {@code L(x) = E + B · x^(−α)} and its log-scale derivatives, in the original parameters
 * (E, B, α) and in the unconstrained parameters (u, v, a) the optimizer moves:
 *
 * <pre>
 *   E = M · σ(u),  σ(u) = 1 / (1 + e^(−u)),   M = min y   (so 0 &lt; E &lt; min y)
 *   B = e^v,  α = e^a                                     (so B, α &gt; 0)
 * </pre>
 *
 * <p>For the log residual {@code r = ln y − ln m}, {@code m = E + B·p}, {@code p = x^(−α)}:
 *
 * <pre>
 *   ∂ln m/∂E = 1/m,   ∂ln m/∂B = p/m,   ∂ln m/∂α = −B·p·ln x / m
 *   ∂E/∂u = E·(1 − σ(u)),   ∂B/∂v = B,   ∂α/∂a = α
 * </pre>
 *
 * Stateless; thread-safe.
 */
final class PowerLawModel {

    private PowerLawModel() {}

    /** The model value at ln x. */
    static double value(double lnX, double e, double b, double alpha) {
        return e + b * Math.exp(-alpha * lnX);
    }

    /** Logistic function, written to stay finite for large |u|. */
    static double sigmoid(double u) {
        if (u >= 0) {
            return 1.0 / (1.0 + Math.exp(-u));
        }
        double z = Math.exp(u);
        return z / (1.0 + z);
    }

    /** Inverse of {@link #sigmoid}, for fractions strictly inside (0, 1). */
    static double logit(double f) {
        return Math.log(f / (1.0 - f));
    }

    /** E from u, for a curve whose smallest loss is {@code minY}. */
    static double eOf(double u, double minY) {
        return minY * sigmoid(u);
    }

    /**
     * Writes {@code ∂ln m/∂(E, B, α)} at one point into {@code out[0..2]} and returns m.
     */
    static double logGradient(double lnX, double e, double b, double alpha, double[] out) {
        double p = Math.exp(-alpha * lnX);
        double m = e + b * p;
        out[0] = 1.0 / m;
        out[1] = p / m;
        out[2] = -b * p * lnX / m;
        return m;
    }
}
