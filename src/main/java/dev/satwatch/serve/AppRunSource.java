package dev.satwatch.serve;

import dev.satwatch.http.RunSource;
import dev.satwatch.http.StoreUnavailableException;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.track.RunState;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RunSource} over a running {@link SatwatchApp} (interactive queries of {@code run-state-store} and the
 * global {@code laws-store}). The app is {@linkplain #attach attached} after the server started, because the app
 * advertises the server's port: until then the stores are unavailable (503) and health is DOWN with streams
 * {@code NOT_STARTED}. Thread-safe.
 */
public final class AppRunSource implements RunSource {

    private volatile SatwatchApp app;

    /** A source with no app yet. */
    public AppRunSource() {}

    /** A source over {@code app}. */
    public AppRunSource(SatwatchApp app) {
        this.app = app;
    }

    /** Answers from {@code app} from now on. */
    public void attach(SatwatchApp app) {
        this.app = app;
    }

    private SatwatchApp app() {
        SatwatchApp a = app;
        if (a == null) {
            throw new StoreUnavailableException("the streaming app is starting", null);
        }
        return a;
    }

    @Override
    public List<RunState> localRuns() {
        try {
            return app().localRunStates();
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<RunState> localRun(String runId) {
        try {
            return app().localRunState(runId);
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> remoteOwner(String runId) {
        try {
            return app().remoteOwner(runId);
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public List<String> otherInstances() {
        try {
            return app().otherInstances();
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<ReuseLaw> law(String setting) {
        try {
            return app().law(setting);
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    @Override
    public String streamsState() {
        SatwatchApp a = app;
        return a == null ? "NOT_STARTED" : a.state().name();
    }
}
