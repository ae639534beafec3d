package dev.satwatch.law;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The usable points of a fleet, flattened into the arrays the objective works on: {@code x = ln D1},
 * {@code y = ln D2} (billions of tokens), {@code lnL = ln loss} and weights. Runs whose D1 is not
 * finite and positive and points with a non-finite or non-positive D2, loss or weight are dropped
 * here, so the optimiser never sees a bad number. Immutable after construction; not shared.
 */
final class LawData {
    final double[] x;
    final double[] y;
    final double[] lnL;
    final double[] w;
    final int n;
    final int runsUsed;
    final int distinctD1;
    final double minLoss;

    private LawData(
            double[] x, double[] y, double[] lnL, double[] w, int n, int runsUsed, int distinctD1, double minLoss) {
        this.x = x;
        this.y = y;
        this.lnL = lnL;
        this.w = w;
        this.n = n;
        this.runsUsed = runsUsed;
        this.distinctD1 = distinctD1;
        this.minLoss = minLoss;
    }

    static LawData of(List<CalibrationRun> runs) {
        int capacity = 0;
        for (CalibrationRun run : runs) {
            if (run != null && run.hasUsableD1()) {
                capacity += run.size();
            }
        }
        double[] x = new double[capacity];
        double[] y = new double[capacity];
        double[] lnL = new double[capacity];
        double[] w = new double[capacity];
        int n = 0;
        int runsUsed = 0;
        Set<Double> d1Values = new HashSet<>();
        double minLoss = Double.POSITIVE_INFINITY;
        for (CalibrationRun run : runs) {
            if (run == null || !run.hasUsableD1()) {
                continue;
            }
            double lnD1 = Math.log(run.d1());
            int before = n;
            for (int i = 0; i < run.size(); i++) {
                if (!run.isUsablePoint(i)) {
                    continue;
                }
                x[n] = lnD1;
                y[n] = Math.log(run.d2At(i));
                lnL[n] = Math.log(run.lossAt(i));
                w[n] = run.weightAt(i);
                minLoss = Math.min(minLoss, run.lossAt(i));
                n++;
            }
            if (n > before) {
                runsUsed++;
                d1Values.add(run.d1());
            }
        }
        return new LawData(x, y, lnL, w, n, runsUsed, d1Values.size(), minLoss);
    }
}
