package dev.satwatch.fit;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;

/**
 * The floor-free annealing model {@code ln L = b0 − a·ln S1 − c·S2}, fitted by weighted linear least squares: the
 * E-free log-log line of DESIGN §5 with the annealing term. Without a floor it overstates what more forward area
 * gains when the loss has one, which is what a bound on the loss given up wants (the schedule-aware decision takes
 * the larger of its bound and the annealing law's). Stateless.
 */
public final class FloorFreeAnnealing {

    private FloorFreeAnnealing() {}

    /**
     * The upper bound of {@code L(cd)/L(end) − 1}, the relative loss a cooldown ending at {@code cd} gives up against
     * a plan ending at {@code end}, under the floor-free model fitted on {@code pts} at the λ of {@code li}.
     *
     * @param z the normal quantile of the one-sided bound (1.645 for 95 %)
     * @return the bound; NaN with fewer than 5 points or a singular design
     */
    public static double upper(AnnealingPoints pts, int li, ScheduleState cd, ScheduleState end, double z) {
        int n = pts.size();
        if (n < 5) {
            return Double.NaN;
        }
        double[][] xtx = new double[3][3];
        double[] xty = new double[3];
        for (int i = 0; i < n; i++) {
            double[] x = {1, -Math.log(pts.s1(i)), -pts.s2(li, i)};
            double y = Math.log(pts.y(i));
            double w = pts.w(i);
            for (int r = 0; r < 3; r++) {
                xty[r] += w * x[r] * y;
                for (int c = 0; c < 3; c++) {
                    xtx[r][c] += w * x[r] * x[c];
                }
            }
        }
        DecompositionSolver solver = new LUDecomposition(new Array2DRowRealMatrix(xtx)).getSolver();
        if (!solver.isNonSingular()) {
            return Double.NaN;
        }
        double[] beta = solver.solve(new ArrayRealVector(xty)).toArray();
        double rss = 0;
        for (int i = 0; i < n; i++) {
            double fit = beta[0] - beta[1] * Math.log(pts.s1(i)) - beta[2] * pts.s2(li, i);
            double r = Math.log(pts.y(i)) - fit;
            rss += pts.w(i) * r * r;
        }
        double sigma2 = rss / (n - 3);
        double[][] inv = solver.getInverse().getData();
        double[] grad = {0, -(Math.log(cd.s1()) - Math.log(end.s1())), -(cd.s2(li) - end.s2(li))};
        double delta = -beta[1] * (Math.log(cd.s1()) - Math.log(end.s1())) - beta[2] * (cd.s2(li) - end.s2(li));
        double v = 0;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                v += grad[r] * inv[r][c] * grad[c];
            }
        }
        double se = Math.sqrt(Math.max(0, sigma2 * v));
        return Math.exp(delta + z * se) - 1;
    }
}
