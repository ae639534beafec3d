package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.RunEvent;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.Outcome;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an undisturbed app must write for an input: {@link RunTracker} driven directly over each run's events, in
 * publication order, with the app's tracker settings and laws, the state passed through {@link RunState#toBytes()}
 * between events as the run processor stores it. Valid for inputs without wall-clock effects (no run silent for
 * {@code detect.stalled.after}) and with laws that do not change during the run.
 *
 * @param fits every fit, run by run, in sequence order
 * @param alerts every alert transition, run by run, in emission order
 */
record StreamingReference(List<FitUpdate> fits, List<Alert> alerts) {

    /** The reference for {@code events} under {@code config}, with {@code laws} by setting. */
    static StreamingReference of(SatwatchConfig config, Map<String, ReuseLaw> laws, List<TimedEvent> events) {
        RunTracker tracker = RunTracker.create(config.tracker());
        LawLookup lookup = laws::get;
        List<String> runIds =
                events.stream().map(e -> e.event().runId()).distinct().toList();
        List<FitUpdate> fits = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        for (String runId : runIds) {
            byte[] stored = RunState.create(runId).toBytes();
            for (RunEvent event : StreamingFixture.eventsOf(events, runId)) {
                RunState state = RunState.fromBytes(stored);
                // Processing time only feeds STALLED, which these inputs never reach.
                Outcome outcome = tracker.onEvent(state, event, lookup, Instant.now());
                fits.addAll(outcome.fits());
                alerts.addAll(outcome.alerts());
                stored = state.toBytes();
            }
        }
        return new StreamingReference(List.copyOf(fits), List.copyOf(alerts));
    }

    /** The transitions of {@link #alerts()}. */
    List<StreamingOutputs.Transition> transitions() {
        return alerts.stream().map(StreamingOutputs.Transition::of).toList();
    }
}
