package dev.satwatch.detect;

import static dev.satwatch.detect.AlertEmit.emit;
import static dev.satwatch.detect.AlertEmit.num;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.Numbers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-point rules of {@link AlertRules}: LOSS_SPIKE (a point far above the run's curve, in robust scales) and
 * DIVERGENCE (a non-finite loss, or a sustained in-order rise). Immutable and thread-safe.
 */
final class PointRules {

    private final DetectConfig config;

    PointRules(DetectConfig config) {
        this.config = config;
    }

    /**
     * LOSS_SPIKE and the sustained-rise part of DIVERGENCE for one finite loss point.
     *
     * @param loss the point's loss
     * @param expected the loss the run's curve expects at this D2 (NaN when unknown: no spike check)
     * @param robustScale robust scale of recent log residuals (NaN when unknown: no spike check)
     * @param risingPoints consecutive in-order rises ending at this point (0 when it did not rise)
     * @param riseRel total relative rise over those points
     */
    public List<Alert> onPoint(
            AlertState state,
            AlertContext ctx,
            double loss,
            double expected,
            double robustScale,
            int risingPoints,
            double riseRel) {
        List<Alert> out = new ArrayList<>();
        if (expected > 0 && Double.isFinite(expected) && robustScale >= 0 && Double.isFinite(loss)) {
            double residual = Math.log(loss / expected);
            double rel = loss / expected - 1;
            boolean spike = isSpike(loss, expected, robustScale);
            Transition t = state.observe(AlertType.LOSS_SPIKE, spike, 1, config.resolveAfter());
            // This runs for every point: build the numbers and the sentence only for a transition.
            if (t != Transition.NONE) {
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("loss", loss);
                values.put("expected_loss", expected);
                values.put("log_residual", residual);
                values.put("robust_scale", robustScale);
                values.put("k", config.spikeMadK());
                String msg = t == Transition.OPENED
                        ? String.format(
                                Locale.ROOT,
                                "Loss spike at %s tokens: loss %s is %s above the expected %s (%s robust scales).",
                                num(ctx.d2Tokens()),
                                num(loss),
                                Numbers.percent(rel),
                                num(expected),
                                num(robustScale > 0 ? residual / robustScale : Double.POSITIVE_INFINITY))
                        : String.format(
                                Locale.ROOT,
                                "Loss back within its band after %s clean points (last %s vs expected %s, %s robust"
                                        + " scales off).",
                                config.resolveAfter(),
                                num(loss),
                                num(expected),
                                num(robustScale > 0 ? Math.abs(residual) / robustScale : 0));
                out.addAll(emit(state, t, ctx, AlertType.LOSS_SPIKE, Alert.Severity.WARNING, values, Double.NaN, msg));
            }
        }
        // With a known noise scale the rise must also exceed the spike band, so noisy curves need a larger rise.
        boolean rising = risingPoints >= config.divergenceRisePoints()
                && riseRel > config.divergenceRiseRel()
                && !(Math.log1p(riseRel) <= config.spikeMadK() * robustScale);
        Transition t = state.observe(AlertType.DIVERGENCE, rising, 1, config.resolveAfter());
        if (t == Transition.NONE) {
            return out;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("rising_points", (double) risingPoints);
        values.put("rise", riseRel);
        String msg = t == Transition.OPENED
                ? String.format(
                        Locale.ROOT,
                        "Loss diverging: it rose on %s consecutive points by %s in total, to %s at %s tokens.",
                        risingPoints,
                        Numbers.percent(riseRel),
                        num(loss),
                        num(ctx.d2Tokens()))
                : String.format(
                        Locale.ROOT,
                        "Loss stable again: %s at %s tokens after %s non-rising points.",
                        num(loss),
                        num(ctx.d2Tokens()),
                        config.resolveAfter());
        out.addAll(emit(state, t, ctx, AlertType.DIVERGENCE, Alert.Severity.CRITICAL, values, Double.NaN, msg));
        return out;
    }

    /** DIVERGENCE at once for a non-finite loss. */
    public List<Alert> onNonFiniteLoss(AlertState state, AlertContext ctx, double loss, long step) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("step", (double) step);
        // Reset the streak so that resolving needs resolveAfter clean points counted from here.
        state.observe(AlertType.DIVERGENCE, true, Integer.MAX_VALUE, 1);
        Transition t = state.open(AlertType.DIVERGENCE);
        String msg = String.format(
                Locale.ROOT,
                "Loss diverged: non-finite loss %s at step %s (%s tokens); check the run now.",
                loss,
                step,
                num(ctx.d2Tokens()));
        return emit(state, t, ctx, AlertType.DIVERGENCE, Alert.Severity.CRITICAL, values, Double.NaN, msg);
    }

    /**
     * Whether a point counts as a spike (the LOSS_SPIKE condition of {@link #onPoint}); false when any number is
     * missing.
     */
    public boolean isSpike(double loss, double expected, double robustScale) {
        if (!(expected > 0 && Double.isFinite(expected) && robustScale >= 0 && Double.isFinite(loss))) {
            return false;
        }
        return Math.log(loss / expected) > config.spikeMadK() * robustScale
                && loss / expected - 1 > config.spikeMinRel();
    }
}
