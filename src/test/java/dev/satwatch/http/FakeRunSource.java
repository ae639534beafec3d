package dev.satwatch.http;

import dev.satwatch.law.ReuseLaw;
import dev.satwatch.track.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link RunSource} with fixed answers; thread-safe. */
final class FakeRunSource implements RunSource {

    final Map<String, RunState> runs = new ConcurrentHashMap<>();
    final Map<String, String> owners = new ConcurrentHashMap<>();
    final List<String> others = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, ReuseLaw> laws = new ConcurrentHashMap<>();
    volatile String state = "RUNNING";
    volatile boolean unavailable;

    FakeRunSource with(RunState... states) {
        for (RunState s : states) {
            runs.put(s.runId(), s);
        }
        return this;
    }

    private void check() {
        if (unavailable) {
            throw new StoreUnavailableException("the run stores are not queryable now (streams REBALANCING)", null);
        }
    }

    @Override
    public List<RunState> localRuns() {
        check();
        return new ArrayList<>(runs.values());
    }

    @Override
    public Optional<RunState> localRun(String runId) {
        check();
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public Optional<String> remoteOwner(String runId) {
        return Optional.ofNullable(owners.get(runId));
    }

    @Override
    public List<String> otherInstances() {
        return List.copyOf(others);
    }

    @Override
    public Optional<ReuseLaw> law(String setting) {
        return Optional.ofNullable(laws.get(setting));
    }

    @Override
    public String streamsState() {
        return state;
    }
}
