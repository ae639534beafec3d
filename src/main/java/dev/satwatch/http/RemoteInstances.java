package dev.satwatch.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches answers from other instances' {@code /api/local/...} endpoints (multi-instance queries). Sends the same
 * bearer token (every instance of one application shares its configuration). Thread-safe.
 */
final class RemoteInstances {

    /** A remote answer: HTTP status and body. */
    record Answer(int status, byte[] body) {}

    private final HttpClient client;
    private final Duration timeout;
    private final String token;

    RemoteInstances(Duration timeout, String token) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
        this.token = token;
    }

    /**
     * GETs {@code path} (already URL-encoded) from {@code hostPort}.
     *
     * @throws IOException when the instance cannot be reached or does not answer in time
     */
    Answer get(String hostPort, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                .timeout(timeout)
                .GET();
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.body());
    }
}
