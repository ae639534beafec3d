package dev.satwatch.detect;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.Numbers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the {@link Alert} of a transition, and formats the numbers its sentence quotes. Stateless. */
final class AlertEmit {

    private AlertEmit() {}

    static List<Alert> emit(
            AlertState state,
            Transition t,
            AlertContext ctx,
            AlertType type,
            Alert.Severity severity,
            Map<String, Double> values,
            double tokensSaved,
            String message) {
        if (t == Transition.NONE) {
            return List.of();
        }
        Map<String, Double> clean = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                clean.put(k, v);
            }
        });
        Alert.State s = t == Transition.OPENED ? Alert.State.OPEN : Alert.State.RESOLVED;
        return List.of(new Alert(
                ctx.runId(),
                ctx.setting(),
                type,
                severity,
                s,
                state.sequence(type),
                ctx.ts(),
                ctx.d2Tokens(),
                clean,
                s == Alert.State.OPEN ? tokensSaved : Double.NaN,
                message));
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String tokens(double v) {
        return Numbers.tokens(v);
    }
}
