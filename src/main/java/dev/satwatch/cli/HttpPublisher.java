package dev.satwatch.cli;

import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.serde.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Posts events as JSON lines to a satwatch server's {@code POST /api/events} (for machines that reach the server but
 * not Kafka), in batches of up to {@value #MAX_BATCH} events. A batch is retried on 503 (the server's broker did not
 * take it), 429 and connection errors, with doubling backoff up to {@value #MAX_ATTEMPTS} attempts; any other answer
 * fails the command with the server's reason. Lines the server rejects are still published by it (and dead-lettered
 * by the app), and are counted here. The bearer token, when the server has {@code http.token}, comes from the
 * environment ({@code SATWATCH_HTTP_TOKEN}), never from the command line. Not thread-safe.
 */
final class HttpPublisher implements Publisher {

    /** Events per POST: well under the server's default body cap at a few hundred bytes per event. */
    static final int MAX_BATCH = 500;

    private static final int MAX_ATTEMPTS = 6;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
    private int batched;
    private long sent;
    private long accepted;
    private long rejected;
    private String firstRejection;

    /**
     * @param server the server's base URL, e.g. {@code http://satwatch:8080}
     * @param token the bearer token, or null/blank for none
     */
    HttpPublisher(URI server, String token) {
        String base = server.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/events");
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public void send(RunEvent event) {
        batch.writeBytes(EventCodec.toJson(event));
        batch.write('\n');
        batched++;
        sent++;
        if (batched >= MAX_BATCH) {
            flush();
        }
    }

    @Override
    public void flush() {
        if (batched == 0) {
            return;
        }
        byte[] body = batch.toByteArray();
        int lines = batched;
        post(body, lines);
        batch.reset();
        batched = 0;
    }

    private void post(byte[] body, int lines) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        Duration backoff = FIRST_BACKOFF;
        String last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 202 || status == 200) {
                    count(response.body(), lines);
                    return;
                }
                last = "HTTP " + status + " " + clip(response.body());
                if (status != 503 && status != 429) {
                    throw new CliException(
                            ExitCodes.UNAVAILABLE,
                            endpoint + " refused " + lines + " events: " + last
                                    + (status == 401 ? " (set SATWATCH_HTTP_TOKEN to the server's http.token)" : ""));
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while posting to " + endpoint);
            }
            if (attempt < MAX_ATTEMPTS) {
                pause(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new CliException(
                ExitCodes.UNAVAILABLE, "cannot post to " + endpoint + " after " + MAX_ATTEMPTS + " attempts: " + last);
    }

    /** Waits out a retry backoff on a monitor (no busy wait); an interrupt ends the command. */
    private void pause(Duration backoff) {
        Object monitor = new Object();
        synchronized (monitor) {
            try {
                monitor.wait(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while retrying " + endpoint);
            }
        }
    }

    private void count(String body, int lines) {
        ApiJson.IngestAnswer answer;
        try {
            answer = ApiJson.readIngestAnswer(body);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.UNAVAILABLE, endpoint + " answered " + lines + " events with " + e.getMessage());
        }
        accepted += answer.published();
        rejected += answer.rejected().size();
        if (firstRejection == null && !answer.rejected().isEmpty()) {
            firstRejection = answer.rejected().get(0);
        }
    }

    @Override
    public String finish(String verb) {
        flush();
        return String.format(
                Locale.ROOT,
                "%s %d events to %s (%d accepted, %d rejected by the server%s)",
                verb,
                sent,
                endpoint,
                accepted,
                rejected,
                firstRejection == null ? "" : "; first: " + firstRejection);
    }

    @Override
    public String target() {
        return endpoint.toString();
    }

    @Override
    public void close() {
        // HttpClient holds no resources that need closing on Java 17.
    }

    private static String clip(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
