package dev.satwatch.fit;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Assembles the robust least-squares problem of {@link PowerLawFitter} for Commons Math's
 * Levenberg–Marquardt optimizer.
 *
 * <p>The objective is the Huber cost of the weighted log residuals,
 *
 * <pre>
 *   C(u, v, a) = Σ ρ_δ(s_i),   s_i = sqrt(w_i) · (ln m_i − ln y_i),
 *   ρ_δ(s) = s²  when |s| ≤ δ,   2δ|s| − δ²  otherwise,
 * </pre>
 *
 * a sum, not a mean (Besiroglu et al. 2024 found that averaging stopped the Chinchilla optimiser
 * early). It is handed to the least-squares optimizer through the square-rooted residuals
 * {@code h(s) = sign(s)·sqrt(ρ_δ(s))} ({@link Huber}), so that {@code Σ h² = C} exactly and one LM run minimises the
 * Huber cost (the same cost, up to the factor 2 of the textbook Huber, as SciPy's
 * {@code least_squares(loss='huber', f_scale=δ)}). Its Jacobian is {@code h'(s)·∂s/∂θ} with
 * {@code h'(s) = 1} inside the band and {@code δ/|h(s)|} outside; h is continuously differentiable.
 *
 * <p>Parameters are clamped to a box wide enough never to bind on sane data (|u| ≤ 40, |v| ≤ 50,
 * a ≤ ln 20): it keeps exp() finite when a trial step overshoots. Stateless; thread-safe.
 */
final class PowerLawProblem {

    /** Bounds of the unconstrained parameters, see the class comment. */
    static final double U_BOUND = 40;

    static final double V_BOUND = 50;
    static final double A_MIN = -30;
    static final double A_MAX = Math.log(20);

    private PowerLawProblem() {}

    /** The least-squares problem on {@code data} from the unconstrained start {@code (u, v, a)}. */
    static LeastSquaresProblem build(PowerLawData data, double delta, double[] start, int maxIterations) {
        return new LeastSquaresBuilder()
                .start(start)
                .model(jacobianFunction(data, delta))
                .target(new double[data.n])
                .parameterValidator(PowerLawProblem::clamp)
                .lazyEvaluation(false)
                .maxIterations(maxIterations)
                .maxEvaluations(10 * maxIterations)
                .build();
    }

    private static RealVector clamp(RealVector p) {
        double u = Math.max(-U_BOUND, Math.min(U_BOUND, p.getEntry(0)));
        double v = Math.max(-V_BOUND, Math.min(V_BOUND, p.getEntry(1)));
        double a = Math.max(A_MIN, Math.min(A_MAX, p.getEntry(2)));
        return new ArrayRealVector(new double[] {u, v, a}, false);
    }

    /** Residual values {@code h(s_i)} and their analytic Jacobian in (u, v, a). */
    static MultivariateJacobianFunction jacobianFunction(PowerLawData data, double delta) {
        return point -> {
            double u = point.getEntry(0);
            double sig = PowerLawModel.sigmoid(u);
            double e = data.minY * sig;
            double b = Math.exp(point.getEntry(1));
            double alpha = Math.exp(point.getEntry(2));
            double dEdU = e * (1.0 - sig);
            double[] values = new double[data.n];
            double[][] jac = new double[data.n][3];
            double[] g = new double[3];
            for (int i = 0; i < data.n; i++) {
                double m = PowerLawModel.logGradient(data.lnX[i], e, b, alpha, g);
                double sw = data.sqrtW[i];
                double s = sw * (Math.log(m) - data.lnY[i]);
                double h = Huber.pseudoResidual(s, delta);
                double dh = Huber.pseudoResidualSlope(s, delta) * sw;
                values[i] = h;
                jac[i][0] = dh * g[0] * dEdU;
                jac[i][1] = dh * g[1] * b;
                jac[i][2] = dh * g[2] * alpha;
            }
            return new Pair<RealVector, RealMatrix>(
                    new ArrayRealVector(values, false), new Array2DRowRealMatrix(jac, false));
        };
    }
}
