package dev.satwatch.http;

import dev.satwatch.law.ReuseLaw;
import dev.satwatch.track.RunState;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTP API reads: this instance's runs (the local part of {@code run-state-store}), where other runs live,
 * and the laws. {@code AppRunSource} answers from a running {@code SatwatchApp}; tests give fixed answers.
 * Implementations must be thread-safe: handlers call them from several threads.
 */
public interface RunSource {

    /** The runs this instance holds, in no particular order. */
    List<RunState> localRuns();

    /** The run from this instance's store, empty when this instance does not hold it. */
    Optional<RunState> localRun(String runId);

    /**
     * The {@code host:port} of the other instance that owns {@code runId}, empty when this instance owns it or no
     * instance is known to (then the answer comes from the local store).
     */
    Optional<String> remoteOwner(String runId);

    /** The {@code host:port} of every other instance of the application. */
    List<String> otherInstances();

    /** The law of a setting, empty when none is known. */
    Optional<ReuseLaw> law(String setting);

    /** The Kafka Streams state name (RUNNING, REBALANCING, ...). */
    String streamsState();

    /** Whether the app can answer: Kafka Streams is RUNNING or REBALANCING. */
    default boolean healthy() {
        String s = streamsState();
        return "RUNNING".equals(s) || "REBALANCING".equals(s);
    }
}
