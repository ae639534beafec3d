package dev.satwatch.track;

import java.util.List;

/**
 * The amplitude of a cooldown's gain (the multi-power law's B) where a branch's cooldown starts, from the setting's
 * other cooldowns: a Nadaraya–Watson kernel regression of their own B_j on where each started, with a Gaussian
 * kernel in two coordinates and the bandwidths chosen by leave-one-out cross-validation over those cooldowns.
 *
 * <ul>
 *   <li>{@code x = ln D2} at the cooldown's start: how far into this stage of training. On reuse-curves a 10 %
 *       cooldown at 20 % of the budget gains 0.7–5.5 % over the constant-LR run at the same tokens, at 60 %
 *       3.9–5.7 %.
 *   <li>{@code y = ln(D1 + D2)}: how far into the model's whole training (D1 = 0 from scratch). Past the same D2, a
 *       more trained base gains less (cpu-cpt at 60 %: 5.2 % at D1 = 0.95M, 4.1–4.2 % at 7.6–15M).
 * </ul>
 *
 * Each bandwidth comes from {@link #BANDWIDTHS} (+∞ ignores that coordinate; both +∞ is the plain mean of the
 * B_j): the pair whose leave-one-out predictions of the calibration cooldowns' own B_j have the least squared error
 * in {@code ln B}, the wider pair on ties. No constant is tuned to a dataset: the data of each setting choose.
 * Pure and thread-safe.
 */
final class CooldownAmplitude {

    /** Candidate bandwidths in ln tokens, widest first (ties keep the wider). */
    static final double[] BANDWIDTHS = {Double.POSITIVE_INFINITY, 1, 0.5, 0.3, 0.2, 0.1};

    private CooldownAmplitude() {}

    /**
     * One calibration cooldown.
     *
     * @param x ln D2 at its start
     * @param y ln(D1 + D2) at its start
     * @param b its own amplitude (positive, finite)
     */
    record Sample(double x, double y, double b) {}

    /**
     * The chosen bandwidths and the amplitude at the target.
     *
     * @param b the amplitude; NaN when there is no sample
     * @param hx bandwidth in x
     * @param hy bandwidth in y
     */
    record Estimate(double b, double hx, double hy) {}

    /** The amplitude at ({@code x}, {@code y}) from the samples. */
    static Estimate at(List<Sample> samples, double x, double y) {
        if (samples.isEmpty()) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        double hx = Double.POSITIVE_INFINITY;
        double hy = Double.POSITIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        if (samples.size() >= 3) {
            for (double cx : BANDWIDTHS) {
                for (double cy : BANDWIDTHS) {
                    double err = looError(samples, cx, cy);
                    if (err < best * (1 - 1e-12)) {
                        best = err;
                        hx = cx;
                        hy = cy;
                    }
                }
            }
        }
        double b = smooth(samples, -1, x, y, hx, hy);
        if (Double.isNaN(b)) {
            b = smooth(samples, -1, x, y, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
            hx = Double.POSITIVE_INFINITY;
            hy = Double.POSITIVE_INFINITY;
        }
        return new Estimate(b, hx, hy);
    }

    private static double looError(List<Sample> samples, double hx, double hy) {
        double err = 0;
        for (int j = 0; j < samples.size(); j++) {
            Sample s = samples.get(j);
            double e = smooth(samples, j, s.x(), s.y(), hx, hy);
            if (Double.isNaN(e)) {
                return Double.POSITIVE_INFINITY;
            }
            double d = Math.log(e / s.b());
            err += d * d;
        }
        return err;
    }

    /** The kernel-weighted mean of the samples' b at (x, y), leaving out {@code skip}; NaN when no weight. */
    private static double smooth(List<Sample> samples, int skip, double x, double y, double hx, double hy) {
        double sum = 0;
        double weight = 0;
        for (int j = 0; j < samples.size(); j++) {
            if (j == skip) {
                continue;
            }
            Sample s = samples.get(j);
            double zx = Double.isInfinite(hx) ? 0 : (s.x() - x) / hx;
            double zy = Double.isInfinite(hy) ? 0 : (s.y() - y) / hy;
            double w = Math.exp(-0.5 * (zx * zx + zy * zy));
            sum += w * s.b();
            weight += w;
        }
        return weight > 1e-300 ? sum / weight : Double.NaN;
    }
}
