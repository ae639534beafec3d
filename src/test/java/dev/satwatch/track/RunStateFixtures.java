package dev.satwatch.track;

import dev.satwatch.event.ScheduleForecast;

/** Package access to a run state's latest fit for tests outside {@code track} (the tracker sets it otherwise). */
public final class RunStateFixtures {

    private RunStateFixtures() {}

    /**
     * A copy of {@code s} (by its own serialization) whose latest fit carries {@code forecast}.
     *
     * @throws IllegalStateException when {@code s} has no fit yet
     */
    public static RunState withSchedule(RunState s, ScheduleForecast forecast) {
        RunState copy = RunState.fromBytes(s.toBytes());
        if (copy.lastFit == null) {
            throw new IllegalStateException("run " + s.runId() + " has no fit to carry a schedule forecast");
        }
        copy.lastFit = copy.lastFit.withSchedule(forecast);
        return copy;
    }
}
