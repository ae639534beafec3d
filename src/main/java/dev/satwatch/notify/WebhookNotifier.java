package dev.satwatch.notify;

import dev.satwatch.event.Alert;
import dev.satwatch.serde.AlertJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs alert transitions ({@link AlertJson}, {@code Content-Type: application/json}) to every configured URL.
 *
 * <pre>{@code
 * try (WebhookNotifier n = WebhookNotifier.create(urls, 5, Duration.ofSeconds(5), counters)) {
 *     n.submit(alert);   // returns at once
 * }
 * }</pre>
 *
 * <h2>Delivery</h2>
 *
 * Each URL has its own bounded queue ({@value #QUEUE_CAPACITY} transitions) and its own worker thread, so a slow or
 * failing endpoint delays only itself; {@link #submit} never blocks. A worker delivers its transitions in order: an
 * attempt that fails (no answer within the timeout, or a non-2xx status) is retried after {@code initialBackoff ×
 * 2^(n−1)} (capped at {@value #MAX_BACKOFF_SECONDS} s), up to {@code maxAttempts} attempts; then the transition is
 * counted failed and logged, and the next one goes. A transition arriving at a full queue is counted failed at once.
 * Delivery is at most once per submit and in memory only: transitions queued at {@link #close} are dropped.
 *
 * <p>Thread-safe.
 */
public final class WebhookNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    /** Transitions queued per URL before new ones are refused. */
    public static final int QUEUE_CAPACITY = 1000;

    private static final long MAX_BACKOFF_SECONDS = 60;

    private final List<Endpoint> endpoints;

    private WebhookNotifier(List<Endpoint> endpoints) {
        this.endpoints = endpoints;
    }

    /** A notifier with a one-second initial backoff. */
    public static WebhookNotifier create(
            List<String> urls, int maxAttempts, Duration timeout, WebhookCounters counters) {
        return create(urls, maxAttempts, timeout, Duration.ofSeconds(1), counters);
    }

    /**
     * A notifier.
     *
     * @param urls absolute http(s) URLs (may be empty: then {@link #submit} does nothing)
     * @param maxAttempts attempts per transition and URL, ≥ 1
     * @param timeout timeout of one attempt (connect and answer)
     * @param initialBackoff wait before the second attempt; doubles after each failure
     * @param counters where outcomes are counted
     * @throws IllegalArgumentException when a URL is not absolute http(s) or maxAttempts < 1
     */
    public static WebhookNotifier create(
            List<String> urls, int maxAttempts, Duration timeout, Duration initialBackoff, WebhookCounters counters) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(counters, "counters");
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            URI uri = URI.create(urls.get(i));
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("not an absolute http(s) URL: " + urls.get(i));
            }
            endpoints.add(new Endpoint(uri, i, client, maxAttempts, timeout, initialBackoff, counters));
        }
        return new WebhookNotifier(List.copyOf(endpoints));
    }

    /** Queues one transition for every URL; never blocks. */
    public void submit(Alert alert) {
        byte[] body = AlertJson.toJson(alert);
        for (Endpoint e : endpoints) {
            e.offer(alert.alertId() + " " + alert.state(), body);
        }
    }

    /** Stops the workers; transitions still queued or being retried are dropped. */
    @Override
    public void close() {
        for (Endpoint e : endpoints) {
            e.close();
        }
    }

    /** One URL: its queue and its single worker thread, which alone touches {@code current} and {@code pending}. */
    private static final class Endpoint {
        private final URI uri;
        /** What logs name: scheme, host and port only (webhook paths often embed a secret). */
        private final String label;

        private final HttpClient client;
        private final int maxAttempts;
        private final Duration timeout;
        private final Duration initialBackoff;
        private final WebhookCounters counters;
        private final ScheduledExecutorService worker;
        private final Queue<Delivery> pending = new ArrayDeque<>();
        private Delivery current;

        Endpoint(
                URI uri,
                int index,
                HttpClient client,
                int maxAttempts,
                Duration timeout,
                Duration initialBackoff,
                WebhookCounters counters) {
            this.uri = uri;
            this.label = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + "/… (#" + index + ")";
            this.client = client;
            this.maxAttempts = maxAttempts;
            this.timeout = timeout;
            this.initialBackoff = initialBackoff;
            this.counters = counters;
            this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "satwatch-webhook-" + index);
                t.setDaemon(true);
                return t;
            });
        }

        void offer(String what, byte[] body) {
            try {
                worker.execute(() -> enqueue(new Delivery(what, body)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                counters.failed();
                LOG.warn("webhook {}: notifier closed; {} not delivered", label, what);
            }
        }

        private void enqueue(Delivery d) {
            if (pending.size() >= QUEUE_CAPACITY) {
                counters.failed();
                LOG.warn("webhook {}: queue full ({}); {} not delivered", label, QUEUE_CAPACITY, d.what);
                return;
            }
            pending.add(d);
            next();
        }

        private void next() {
            if (current != null) {
                return;
            }
            current = pending.poll();
            if (current != null) {
                attempt();
            }
        }

        private void attempt() {
            Delivery d = current;
            d.attempts++;
            String problem;
            try {
                HttpResponse<Void> r = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(timeout)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    counters.delivered();
                    current = null;
                    next();
                    return;
                }
                problem = "HTTP " + r.statusCode();
            } catch (IOException e) {
                problem = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                // close() interrupts the worker: stop quietly.
                Thread.currentThread().interrupt();
                return;
            }
            if (d.attempts >= maxAttempts) {
                counters.failed();
                LOG.warn("webhook {}: {} failed after {} attempt(s), last: {}", label, d.what, d.attempts, problem);
                current = null;
                next();
                return;
            }
            long backoffMs =
                    Math.min(initialBackoff.toMillis() << Math.min(d.attempts - 1, 20), MAX_BACKOFF_SECONDS * 1000);
            LOG.debug(
                    "webhook {}: attempt {} of {} failed ({}); retrying in {} ms",
                    label,
                    d.attempts,
                    d.what,
                    problem,
                    backoffMs);
            worker.schedule(this::attempt, backoffMs, TimeUnit.MILLISECONDS);
        }

        void close() {
            worker.shutdownNow();
        }
    }

    /** One transition for one URL. */
    private static final class Delivery {
        final String what;
        final byte[] body;
        int attempts;

        Delivery(String what, byte[] body) {
            this.what = what;
            this.body = body;
        }
    }
}
