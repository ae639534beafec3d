package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.track.RunState;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only JSON API under {@code /api/} (issue 4 contract):
 *
 * <ul>
 *   <li>{@code /api/runs}, {@code /api/alerts}: this instance's answer merged with every other instance's
 *       {@code /api/local/runs}, {@code /api/local/alerts}; an unreachable instance is left out, logged, and named
 *       in the {@code X-Satwatch-Partial} header;
 *   <li>{@code /api/runs/{id}}, {@code /api/runs/{id}/decision}: from the owning instance (its {@code /api/local}
 *       twin) when another instance owns the run, else from the local store; 404 when unknown;
 *   <li>{@code /api/local/...}: this instance only (what other instances call, so forwarding never loops).
 * </ul>
 *
 * Run ids are percent-decoded path segments. Thread-safe.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final RunSource runs;
    private final RemoteInstances remote;
    private final String token;

    ApiHandler(RunSource runs, RemoteInstances remote, String token) {
        this.runs = runs;
        this.remote = remote;
        this.token = token;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!Exchanges.authorized(ex, token)) {
            return;
        }
        List<String> seg;
        try {
            seg = segments(ex.getRequestURI().getRawPath());
        } catch (IllegalArgumentException e) {
            Exchanges.error(ex, 400, "bad percent-encoding in the path");
            return;
        }
        if (seg.size() < 2 || !seg.get(0).equals("api")) {
            notFound(ex);
            return;
        }
        boolean local = seg.get(1).equals("local");
        List<String> rest = local ? seg.subList(2, seg.size()) : seg.subList(1, seg.size());
        if (rest.isEmpty()) {
            notFound(ex);
            return;
        }
        String first = rest.get(0);
        if (rest.size() == 1 && first.equals("runs")) {
            if (Exchanges.method(ex, "GET")) {
                listing(ex, local, "runs", ApiJson.runs(runs.localRuns()), "run_id");
            }
        } else if (rest.size() == 1 && first.equals("alerts")) {
            if (Exchanges.method(ex, "GET")) {
                listing(ex, local, "alerts", ApiJson.alerts(runs.localRuns()), "run_id", "type");
            }
        } else if (first.equals("runs")
                && (rest.size() == 2 || rest.size() == 3 && rest.get(2).equals("decision"))) {
            if (Exchanges.method(ex, "GET")) {
                run(ex, local, rest.get(1), rest.size() == 3);
            }
        } else {
            notFound(ex);
        }
    }

    private void listing(HttpExchange ex, boolean local, String field, byte[] mine, String... sortKeys)
            throws IOException {
        if (local) {
            Exchanges.json(ex, 200, mine);
            return;
        }
        List<byte[]> docs = new ArrayList<>();
        docs.add(mine);
        List<String> missing = new ArrayList<>();
        for (String instance : runs.otherInstances()) {
            try {
                RemoteInstances.Answer a = remote.get(instance, "/api/local/" + field);
                if (a.status() == 200) {
                    docs.add(a.body());
                } else {
                    LOG.warn("instance {} answered {} to /api/local/{}", instance, a.status(), field);
                    missing.add(instance);
                }
            } catch (IOException e) {
                LOG.warn("instance {} unreachable for /api/local/{}: {}", instance, field, e.toString());
                missing.add(instance);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
        byte[] merged;
        try {
            merged = docs.size() == 1 ? mine : ApiJson.merge(field, docs, sortKeys);
        } catch (IllegalArgumentException e) {
            LOG.warn("an instance sent an unreadable /api/local/{} answer: {}", field, e.getMessage());
            merged = mine;
            missing.add("unreadable answer");
        }
        if (!missing.isEmpty()) {
            ex.getResponseHeaders().set("X-Satwatch-Partial", String.join(",", missing));
        }
        Exchanges.json(ex, 200, merged);
    }

    private void run(HttpExchange ex, boolean local, String runId, boolean decision) throws IOException {
        if (!local) {
            Optional<String> owner = runs.remoteOwner(runId);
            if (owner.isPresent()) {
                forward(ex, owner.get(), runId, decision);
                return;
            }
        }
        Optional<RunState> state = runs.localRun(runId);
        if (state.isEmpty()) {
            Exchanges.error(ex, 404, "no run '" + runId + "'");
            return;
        }
        RunState s = state.get();
        if (decision) {
            Exchanges.json(ex, 200, ApiJson.decision(Decisions.of(s)));
            return;
        }
        String setting = s.meta().setting();
        Exchanges.json(
                ex,
                200,
                ApiJson.runDetail(
                        s,
                        Curves.fitted(s),
                        Curves.predicted(
                                s, setting == null ? null : runs.law(setting).orElse(null)),
                        Curves.schedule(s)));
    }

    private void forward(HttpExchange ex, String owner, String runId, boolean decision) throws IOException {
        String path = "/api/local/runs/"
                + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20") + (decision ? "/decision" : "");
        try {
            RemoteInstances.Answer a = remote.get(owner, path);
            Exchanges.json(ex, a.status(), a.body());
        } catch (IOException e) {
            LOG.warn("instance {} owning run {} unreachable: {}", owner, runId, e.toString());
            Exchanges.error(ex, 503, "the instance holding run '" + runId + "' (" + owner + ") is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Exchanges.error(ex, 503, "interrupted");
        }
    }

    private static void notFound(HttpExchange ex) throws IOException {
        Exchanges.error(ex, 404, "no such endpoint: " + ex.getRequestURI().getPath());
    }

    /** The percent-decoded, non-empty segments of a raw path. */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                // '+' is a literal plus in a path (URLDecoder follows form encoding, where it means a space).
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
