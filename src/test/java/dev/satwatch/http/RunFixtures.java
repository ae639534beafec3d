package dev.satwatch.http;

import dev.satwatch.event.LossPoint;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.sim.SyntheticRun;
import dev.satwatch.track.LawLookup;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunTracker;
import dev.satwatch.track.TrackerConfig;
import java.time.Instant;

/** Run states built by the real tracker from seeded synthetic curves, for the HTTP tests. */
final class RunFixtures {

    /**
     * α(300 B) = 0.321 − 0.03·ln 300 ≈ 0.15 with B = 0.5: the gain per billion tokens falls under the default 5e-4
     * threshold near 70 B tokens of a 200 B budget, so DIMINISHING_RETURNS opens (as in SatwatchTopologyAlertTest).
     */
    static final ReuseLaw FLAT = new ReuseLaw(0.5, 0.0, 0.321, 0.03, 1.8);

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static final RunTracker TRACKER = RunTracker.create(TrackerConfig.defaults());

    private RunFixtures() {}

    /** A run 80 % through a 200 B budget on a flat curve: DIMINISHING_RETURNS open, fits done. */
    static RunState flatRun(String runId) {
        SyntheticRun run = SyntheticRun.typical(runId, FLAT, 300e9, 200e9, 26);
        LawLookup laws = setting -> setting != null && setting.equals(run.setting()) ? FLAT : null;
        RunState state = RunState.create(runId);
        TRACKER.onEvent(state, run.started(T0), laws, T0);
        Instant t = T0;
        for (LossPoint p : run.points(0.8)) {
            t = t.plusSeconds(1);
            TRACKER.onEvent(state, p, laws, t);
        }
        return state;
    }

    /** A run that only started. */
    static RunState freshRun(String runId) {
        SyntheticRun run = SyntheticRun.typical(runId, FLAT, 300e9, 200e9, 7);
        RunState state = RunState.create(runId);
        TRACKER.onEvent(state, run.started(T0), setting -> null, T0);
        return state;
    }
}
