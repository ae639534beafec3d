package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.http.EventSink;
import dev.satwatch.http.RunSource;
import dev.satwatch.http.SatwatchHttpServer;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import dev.satwatch.track.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tail --http}: a file's events posted to a real {@link SatwatchHttpServer}'s {@code POST /api/events} (the
 * server's sink collects what it would publish to Kafka), with the server's retryable and final refusals.
 */
class TailHttpTest {

    @TempDir
    Path dir;

    private final List<ApiJson.IngestLine> published = Collections.synchronizedList(new ArrayList<>());
    private final List<SatwatchHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(SatwatchHttpServer::close);
    }

    @Test
    void shouldPostEveryEventOfTheFileAndCountWhatTheServerRejected() throws Exception {
        Path file = dir.resolve("run.jsonl");
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"run_started\",\"run_id\":\"r1\",\"target_d2_tokens\":1e9}");
        for (int i = 1; i <= 1200; i++) {
            lines.add("{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":" + i + ",\"d2_tokens\":" + i * 1e5 + ",\"loss\":"
                    + (2 + 1.0 / i) + "}");
        }
        lines.add("{\"type\":\"run_finished\",\"run_id\":\"r1\",\"status\":\"completed\"}");
        Files.write(file, lines);
        String url = start(published::addAll);

        CliRunner.Result r = CliRunner.run("tail", "--file", file.toString(), "--http", url, "--idle-exit", "PT0.5S");

        assertThat(r.exitCode()).as(r.err()).isZero();
        // 1,202 events: three POSTs of at most 500 (HttpPublisher.MAX_BATCH).
        assertThat(published).hasSize(lines.size());
        assertThat(published).allMatch(l -> l.runId().equals("r1"));
        assertThat(EventCodec.parse(published.get(5).value())).isInstanceOf(ParseResult.Ok.class);
        assertThat(r.err()).contains("→ " + url + "/api/events", "published 1202 events", "1202 accepted, 0 rejected");
    }

    @Test
    void shouldRetryWhileTheServersBrokerIsDownAndFailWithItsReasonWhenItStaysDown() throws Exception {
        Path file = dir.resolve("run.jsonl");
        Files.write(file, List.of("{\"type\":\"run_started\",\"run_id\":\"r1\"}"));
        AtomicInteger refusals = new AtomicInteger();
        String flaky = start(batch -> {
            if (refusals.incrementAndGet() <= 2) {
                throw new EventSink.EventSinkException("broker down", null);
            }
            published.addAll(batch);
        });

        CliRunner.Result ok =
                CliRunner.run("tail", "--file", file.toString(), "--http", flaky, "--idle-exit", "PT0.2S");

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(refusals.get()).isEqualTo(3);
        assertThat(published).hasSize(1);

        String down = start(batch -> {
            throw new EventSink.EventSinkException("broker down", null);
        });
        CliRunner.Result failed =
                CliRunner.run("tail", "--file", file.toString(), "--http", down, "--idle-exit", "PT0.2S");

        assertThat(failed.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(failed.err()).contains("after 6 attempts", "HTTP 503", "broker down");
    }

    @Test
    void shouldSayWhereTheTokenComesFromWhenTheServerWantsOne() throws Exception {
        Path file = dir.resolve("run.jsonl");
        Files.write(file, List.of("{\"type\":\"run_started\",\"run_id\":\"r1\"}"));
        SatwatchHttpServer s = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(new NoRuns())
                .events(published::addAll)
                .token("s3cret")
                .start();
        servers.add(s);

        CliRunner.Result r =
                CliRunner.run("tail", "--file", file.toString(), "--http", s.baseUrl(), "--idle-exit", "PT0.2S");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("HTTP 401", "SATWATCH_HTTP_TOKEN");
        assertThat(published).isEmpty();
    }

    private String start(EventSink sink) throws Exception {
        SatwatchHttpServer s = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(new NoRuns())
                .events(sink)
                .start();
        servers.add(s);
        return "http://127.0.0.1:" + s.port();
    }

    /** A server with no runs: these tests only post. */
    private static final class NoRuns implements RunSource {
        @Override
        public List<RunState> localRuns() {
            return List.of();
        }

        @Override
        public Optional<RunState> localRun(String runId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> remoteOwner(String runId) {
            return Optional.empty();
        }

        @Override
        public List<String> otherInstances() {
            return List.of();
        }

        @Override
        public Optional<ReuseLaw> law(String setting) {
            return Optional.empty();
        }

        @Override
        public String streamsState() {
            return "RUNNING";
        }
    }
}
