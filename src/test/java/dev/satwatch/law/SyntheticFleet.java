package dev.satwatch.law;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded synthetic fleets drawn from a known {@link ReuseLaw}, for calibration tests. */
final class SyntheticFleet {

    /** The truth of the tests: α(D1) = 0.45 − 0.04·ln D1 stays ≥ 0.146 up to D1 = 2000 billion. */
    static final ReuseLaw TRUTH = new ReuseLaw(8.0, 0.15, 0.45, 0.04, 1.7);

    /** Base sizes (billions of tokens) log-spaced from 10 to 2000. */
    static final double[] D1 = {10, 18, 32, 60, 110, 200, 360, 650, 1100, 2000};

    private SyntheticFleet() {}

    /**
     * One run per D1 value with {@code points} log-spaced D2 values from 0.5 to 100 billion and
     * multiplicative noise {@code exp(σ·z)}, z standard normal.
     */
    static List<CalibrationRun> fleet(ReuseLaw law, double[] d1s, int points, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CalibrationRun> runs = new ArrayList<>();
        for (double d1 : d1s) {
            double[] d2 = new double[points];
            double[] loss = new double[points];
            for (int i = 0; i < points; i++) {
                d2[i] = 0.5 * Math.pow(200.0, i / (points - 1.0));
                loss[i] = law.loss(d1, d2[i]) * Math.exp(sigma * gaussian(random));
            }
            runs.add(CalibrationRun.of("run-d1-" + (long) d1 + "b", d1, d2, loss));
        }
        return runs;
    }

    /** Standard normal draw by Box–Muller (SplittableRandom has no nextGaussian on Java 17). */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
