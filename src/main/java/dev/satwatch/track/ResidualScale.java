package dev.satwatch.track;

import dev.satwatch.fit.PowerLaw;
import dev.satwatch.law.ReuseLaw;
import java.util.Arrays;

/**
 * The noise scale the spike rule measures a point's log residual from the run's decision curve against: the larger of
 * 1.4826 × the median absolute deviation of the recent points (robust to a spike among them) and sqrt(π/2) × the
 * running mean |residual| of past non-spike points (about 30 points of memory). The running mean keeps the scale from
 * collapsing when a handful of recent points happen to lie close together, which at 2 % noise made the 8-point MAD
 * alone flag healthy points as spikes. NaN while neither is known (fewer than 3 recent points, no running mean).
 * Stateless; the {@link SplitTrack} passed in holds the running mean.
 */
final class ResidualScale {

    /** Scale factor turning a median absolute deviation into a normal standard deviation. */
    private static final double MAD_TO_SIGMA = 1.4826;

    /** Scale factor turning a mean absolute deviation into a normal standard deviation: sqrt(π/2). */
    private static final double MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);

    /** Weight of the newest point in the running mean |residual|: a memory of about 30 points. */
    private static final double EWMA_WEIGHT = 1.0 / 30;

    private ResidualScale() {}

    /** The loss the decision curve expects at {@code d2Tokens} raw tokens. */
    static double expected(PowerLaw curve, double d2Tokens) {
        return curve.at(ReuseLaw.billions(d2Tokens));
    }

    /** The noise scale of the split's log residuals from {@code curve} (see the class comment). */
    static double robustScale(PowerLaw curve, SplitTrack track) {
        double mad = recentMadScale(curve, track);
        double running = MEAN_ABS_TO_SIGMA * track.absResidualEwma;
        if (Double.isNaN(mad)) {
            return running;
        }
        return Double.isNaN(running) ? mad : Math.max(mad, running);
    }

    /** Adds a non-spike point's |log residual| to the split's running mean. */
    static void remember(SplitTrack track, double loss, double expected) {
        double r = Math.abs(Math.log(loss / expected));
        track.absResidualEwma = Double.isNaN(track.absResidualEwma)
                ? r
                : track.absResidualEwma + EWMA_WEIGHT * (r - track.absResidualEwma);
    }

    private static double recentMadScale(PowerLaw curve, SplitTrack track) {
        double[] losses = track.summary.recentLosses();
        double[] d2s = track.summary.recentD2Tokens();
        int n = Math.min(losses.length, d2s.length);
        if (n < 3) {
            return Double.NaN;
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = Math.log(losses[i] / expected(curve, d2s[i]));
        }
        double med = median(r);
        for (int i = 0; i < n; i++) {
            r[i] = Math.abs(r[i] - med);
        }
        return MAD_TO_SIGMA * median(r);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
