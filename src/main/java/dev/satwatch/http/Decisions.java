package dev.satwatch.http;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.track.RunState;

/**
 * The early-stop rule of the issue 4 contract: stop while a {@code DIMINISHING_RETURNS} or
 * {@code EXPONENT_BELOW_PREDICTION} alert is open (DIMINISHING_RETURNS preferred when both are). The reason is that
 * alert's message, {@code since} when it opened, and {@code tokens_saved = target D2 − D2 now} (NaN without a
 * target; never negative). Otherwise {@link ApiJson.Decision#CONTINUE}. Stateless and thread-safe.
 */
public final class Decisions {

    private static final AlertType[] STOP_TYPES = {AlertType.DIMINISHING_RETURNS, AlertType.EXPONENT_BELOW_PREDICTION};

    private Decisions() {}

    /** The decision for a run's current state. */
    public static ApiJson.Decision of(RunState state) {
        for (AlertType type : STOP_TYPES) {
            if (!state.alertState().isOpen(type)) {
                continue;
            }
            Alert opened = null;
            for (Alert a : state.openAlertTransitions()) {
                if (a.type() == type) {
                    opened = a;
                }
            }
            String reason = opened != null && opened.message() != null ? opened.message() : type.name();
            return new ApiJson.Decision(true, reason, type, tokensSaved(state), opened == null ? null : opened.ts());
        }
        return ApiJson.Decision.CONTINUE;
    }

    private static double tokensSaved(RunState state) {
        double target = state.meta().targetD2Tokens();
        CurveSummary summary = state.fitSplit() == null ? null : state.summary(state.fitSplit());
        double now = summary == null ? Double.NaN : summary.maxD2Tokens();
        if (!(target > 0) || !Double.isFinite(now)) {
            return Double.NaN;
        }
        return Math.max(0, target - now);
    }
}
