package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.satwatch.serde.ApiJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/events}: a body of JSON lines (DESIGN §3 events). Every non-blank line is published to
 * {@code satwatch.events}: a valid event keyed by its run id, an invalid one keyed null so that the app dead-letters
 * it (nothing is lost). Answers {@code 202 {"published":n,"rejected":[{"line":k,"reason":"..."}]}}, where
 * {@code published} counts the valid lines and {@code line} is 1-based; 413 over the body cap, 503 when the broker
 * did not take the lines. Thread-safe.
 */
final class IngestHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

    private final EventSink sink;
    private final HttpCounters counters;
    private final String token;
    private final int maxBodyBytes;

    IngestHandler(EventSink sink, HttpCounters counters, String token, int maxBodyBytes) {
        this.sink = sink;
        this.counters = counters;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!Exchanges.authorized(ex, token)) {
            return;
        }
        if (!ex.getRequestURI().getPath().equals("/api/events")) {
            Exchanges.error(ex, 404, "no such endpoint: " + ex.getRequestURI().getPath());
            return;
        }
        if (!Exchanges.method(ex, "POST")) {
            return;
        }
        if (sink == null) {
            Exchanges.error(ex, 503, "ingest is not enabled on this instance");
            return;
        }
        String body = new String(Exchanges.readBody(ex, maxBodyBytes), StandardCharsets.UTF_8);
        List<ApiJson.IngestLine> lines = new ArrayList<>();
        List<ApiJson.IngestLine> rejected = new ArrayList<>();
        String[] texts = body.split("\r?\n", -1);
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].isBlank()) {
                continue;
            }
            ApiJson.IngestLine line = ApiJson.ingestLine(i + 1, texts[i]);
            lines.add(line);
            if (!line.valid()) {
                rejected.add(line);
            }
        }
        try {
            sink.publish(lines);
        } catch (EventSink.EventSinkException e) {
            LOG.warn("ingest of {} line(s) failed: {}", lines.size(), e.getMessage());
            Exchanges.error(ex, 503, "could not publish the events: " + e.getMessage());
            return;
        }
        int published = lines.size() - rejected.size();
        counters.ingested(published, rejected.size());
        Exchanges.json(ex, 202, ApiJson.ingestAnswer(published, rejected));
    }
}
