package dev.satwatch.http;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.track.RunState;

/**
 * Renders the early-stop decision of DESIGN §5 (the policy is {@code detect.EarlyStop}; this class only reads its
 * result): stop while {@code DIMINISHING_RETURNS} is open. {@code EXPONENT_BELOW_PREDICTION} is a warning and never
 * a stop by itself. The reason is the alert's sentence, {@code since} when it opened; the numbers — the relative loss
 * given up {@code g}, its upper bound {@code g⁺}, tokens saved net of the cooldown and cost saved — come from the
 * alert, else from the last refit (so a "continue" answer still says how much is left to gain). Stateless and
 * thread-safe.
 */
public final class Decisions {

    private Decisions() {}

    /** The decision for a run's current state. */
    public static ApiJson.Decision of(RunState state) {
        FitUpdate fit = state.lastFit();
        double g = fit == null ? Double.NaN : fit.lossGivenUp();
        double upper = fit == null ? Double.NaN : fit.lossGivenUpUpper();
        double saved = fit == null ? Double.NaN : fit.tokensSaved();
        if (!state.alertState().isOpen(AlertType.DIMINISHING_RETURNS)) {
            return new ApiJson.Decision(false, null, null, saved, null, g, upper, Double.NaN);
        }
        Alert opened = null;
        for (Alert a : state.openAlertTransitions()) {
            if (a.type() == AlertType.DIMINISHING_RETURNS) {
                opened = a;
            }
        }
        String reason =
                opened != null && opened.message() != null ? opened.message() : AlertType.DIMINISHING_RETURNS.name();
        double cost = opened == null ? Double.NaN : value(opened, "cost_saved");
        if (opened != null && Double.isFinite(opened.tokensSaved())) {
            saved = opened.tokensSaved();
        }
        if (opened != null && Double.isFinite(value(opened, "loss_given_up_upper"))) {
            g = value(opened, "loss_given_up");
            upper = value(opened, "loss_given_up_upper");
        }
        return new ApiJson.Decision(
                true,
                reason,
                AlertType.DIMINISHING_RETURNS,
                saved,
                opened == null ? null : opened.ts(),
                g,
                upper,
                cost);
    }

    private static double value(Alert a, String key) {
        Double v = a.values() == null ? null : a.values().get(key);
        return v == null ? Double.NaN : v;
    }
}
