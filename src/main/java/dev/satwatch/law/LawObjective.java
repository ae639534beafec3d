package dev.satwatch.law;

import dev.satwatch.fit.Huber;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * The calibration objective {@code Σ wᵢ·Huber_δ(rᵢ)} with log residuals {@code rᵢ = ln Lᵢ − ln
 * M(D1ᵢ, D2ᵢ)} and {@code M = A·D1^(−α1)·D2^(−α2+α3·ln D1) + E}, in the optimiser's unconstrained
 * parameters {@code θ = (ln A, α1, α2, α3, u)} with {@code E = minL·sigmoid(u)} so that A &gt; 0 and
 * E ∈ (0, min L) always hold.
 *
 * <p>Levenberg–Marquardt runs on {@code √w·h(r)}, h the Huber pseudo-residual ({@link Huber#pseudoResidual}), so it
 * minimises the summed Huber objective itself, with an analytic Jacobian. Stateless apart from the data; thread-safe
 * when the data are not modified.
 */
final class LawObjective implements MultivariateJacobianFunction {
    /** Number of parameters of the joint law. */
    static final int PARAMS = 5;

    /** Exponent cap: keeps A·D1^(−α1)·D2^(−α) finite however far a bad start wanders. */
    private static final double MAX_EXPONENT = 600.0;

    private final LawData data;
    private final double delta;

    LawObjective(LawData data, double delta) {
        this.data = data;
        this.delta = delta;
    }

    /** Number of residuals (usable points). */
    int size() {
        return data.n;
    }

    static double sigmoid(double u) {
        return 1.0 / (1.0 + Math.exp(-u));
    }

    static double logit(double p) {
        return Math.log(p / (1.0 - p));
    }

    /** Irreducible loss E for the unconstrained parameter {@code u}. */
    double eOf(double u) {
        return data.minLoss * sigmoid(u);
    }

    /** Optimiser parameters for a start. */
    double[] theta(LawStart start) {
        // E = 0 or E = min L would put u at ±∞: keep starts a hair inside the interval.
        double f = Math.min(Math.max(start.eFraction(), 1e-4), 1 - 1e-4);
        return new double[] {start.lnA(), start.alpha1(), start.alpha2(), start.alpha3(), logit(f)};
    }

    /** The law in its original constants for optimiser parameters {@code t}. */
    ReuseLaw law(double[] t) {
        return new ReuseLaw(Math.exp(t[0]), t[1], t[2], t[3], eOf(t[4]));
    }

    /** {@code A·D1^(−α1)·D2^(−α2+α3·ln D1)} at point i, from ln A in {@code t[0]}. */
    private double power(double[] t, int i) {
        double x = data.x[i];
        double y = data.y[i];
        double z = t[0] - t[1] * x - t[2] * y + t[3] * x * y;
        return Math.exp(Math.min(z, MAX_EXPONENT));
    }

    /** Log residuals {@code ln L_obs − ln L_model} at parameters {@code t}. */
    double[] residuals(double[] t) {
        double e = eOf(t[4]);
        double[] r = new double[data.n];
        for (int i = 0; i < data.n; i++) {
            r[i] = data.lnL[i] - Math.log(power(t, i) + e);
        }
        return r;
    }

    /** Huber loss of one residual. */
    double huber(double r) {
        return Huber.loss(r, delta);
    }

    /** Huber's ψ (the loss's derivative), used by the standard errors. */
    double psi(double r) {
        return Huber.psi(r, delta);
    }

    boolean inQuadraticZone(double r) {
        return Math.abs(r) <= delta;
    }

    /** The objective {@code Σ wᵢ·Huber_δ(rᵢ)} (summed, not averaged: Besiroglu et al. 2024). */
    double objective(double[] t) {
        double[] r = residuals(t);
        double sum = 0;
        for (int i = 0; i < data.n; i++) {
            sum += data.w[i] * huber(r[i]);
        }
        return Double.isNaN(sum) ? Double.POSITIVE_INFINITY : sum;
    }

    @Override
    public Pair<RealVector, RealMatrix> value(RealVector point) {
        double[] t = point.toArray();
        double s = sigmoid(t[4]);
        double e = data.minLoss * s;
        double dEdu = e * (1 - s);
        double[] value = new double[data.n];
        double[][] jac = new double[data.n][PARAMS];
        for (int i = 0; i < data.n; i++) {
            double p = power(t, i);
            double m = p + e;
            double r = data.lnL[i] - Math.log(m);
            double sw = Math.sqrt(data.w[i]);
            value[i] = sw * Huber.pseudoResidual(r, delta);
            // d value / dθ = √w·h'(r)·(−∂ ln M/∂θ)
            double g = -sw * Huber.pseudoResidualSlope(r, delta) / m;
            double x = data.x[i];
            double y = data.y[i];
            jac[i][0] = g * p;
            jac[i][1] = -g * p * x;
            jac[i][2] = -g * p * y;
            jac[i][3] = g * p * x * y;
            jac[i][4] = g * dEdu;
        }
        return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jac, false));
    }

    /**
     * Rows {@code ∂ ln M/∂(A, α1, α2, α3, E)} in the law's original constants, for the covariance.
     */
    double[][] originalJacobian(ReuseLaw law) {
        double[][] jac = new double[data.n][PARAMS];
        for (int i = 0; i < data.n; i++) {
            double x = data.x[i];
            double y = data.y[i];
            double p = law.a() * Math.exp(-law.alpha1() * x - law.alpha2() * y + law.alpha3() * x * y);
            double m = p + law.e();
            jac[i][0] = p / (law.a() * m);
            jac[i][1] = -x * p / m;
            jac[i][2] = -y * p / m;
            jac[i][3] = x * y * p / m;
            jac[i][4] = 1.0 / m;
        }
        return jac;
    }
}
