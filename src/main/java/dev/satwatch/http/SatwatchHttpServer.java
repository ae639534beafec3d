package dev.satwatch.http;

import com.sun.net.httpserver.HttpServer;
import dev.satwatch.serde.ApiJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * satwatch's HTTP server (JDK {@code com.sun.net.httpserver}): the dashboard, {@code /metrics}, {@code /health}, the
 * JSON API and ingest of the issue 4 contract.
 *
 * <pre>{@code
 * try (SatwatchHttpServer server = SatwatchHttpServer.builder("127.0.0.1", 0)
 *         .runs(runSource).events(sink).metrics(registry::scrape).start()) {
 *     System.out.println("dashboard: " + server.baseUrl());
 * }
 * }</pre>
 *
 * <p>Binds {@code 127.0.0.1} unless told otherwise; port 0 takes any free port ({@link #port()} reports it).
 * Requests run on a small bounded pool ({@value #THREADS} threads, {@value #QUEUE} queued; beyond that the accepting
 * thread runs the request itself, which slows accepting instead of dropping). Bodies over {@link
 * Builder#maxBodyBytes} are refused with 413. With a token, {@code /api/**} needs {@code Authorization: Bearer
 * <token>}; the dashboard, {@code /health} and {@code /metrics} stay open. Errors are {@code {"error":"..."}}, never
 * a stack trace. Thread-safe.
 */
public final class SatwatchHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SatwatchHttpServer.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 64;

    /** Default cap of a request body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private SatwatchHttpServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A builder for a server on {@code bind:port} (port 0: any free port). */
    public static Builder builder(String bind, int port) {
        return new Builder(bind, port);
    }

    /** Settings of a server; not thread-safe. */
    public static final class Builder {
        private final String bind;
        private final int port;
        private RunSource runs;
        private EventSink events;
        private Supplier<String> metrics;
        private HttpCounters counters = HttpCounters.NONE;
        private String token = "";
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration remoteTimeout = Duration.ofSeconds(5);

        private Builder(String bind, int port) {
            this.bind = Objects.requireNonNull(bind, "bind");
            this.port = port;
        }

        /** Where the API reads runs (required). */
        public Builder runs(RunSource runs) {
            this.runs = runs;
            return this;
        }

        /** Where POST /api/events publishes; without one it answers 503. */
        public Builder events(EventSink events) {
            this.events = events;
            return this;
        }

        /** The Prometheus text of /metrics; without one /metrics is 404. */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = scrape;
            return this;
        }

        /** Counters of the HTTP layer. */
        public Builder counters(HttpCounters counters) {
            this.counters = Objects.requireNonNull(counters, "counters");
            return this;
        }

        /** The bearer token of /api/**; null or empty for none. */
        public Builder token(String token) {
            this.token = token == null ? "" : token;
            return this;
        }

        /** The request body cap in bytes. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be positive");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Timeout of a request to another instance. */
        public Builder remoteTimeout(Duration timeout) {
            this.remoteTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Binds and starts the server.
         *
         * @throws IOException when the address cannot be bound (port taken...)
         */
        public SatwatchHttpServer start() throws IOException {
            Objects.requireNonNull(runs, "runs");
            HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor executor = new ThreadPoolExecutor(
                    THREADS,
                    THREADS,
                    60,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE),
                    r -> {
                        Thread t = new Thread(r, "satwatch-http-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    },
                    new ThreadPoolExecutor.CallerRunsPolicy());
            server.setExecutor(executor);
            server.createContext("/", new Guarded(new StaticHandler()));
            server.createContext("/health", new Guarded(ex -> {
                if (!exact(ex, "/health") || !Exchanges.method(ex, "GET")) {
                    return;
                }
                boolean up = runs.healthy();
                Exchanges.json(ex, up ? 200 : 503, ApiJson.health(up, runs.streamsState()));
            }));
            Supplier<String> scrape = metrics;
            server.createContext("/metrics", new Guarded(ex -> {
                if (!exact(ex, "/metrics") || !Exchanges.method(ex, "GET")) {
                    return;
                }
                if (scrape == null) {
                    Exchanges.error(ex, 404, "metrics are not enabled");
                    return;
                }
                Exchanges.send(
                        ex,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        scrape.get().getBytes(StandardCharsets.UTF_8));
            }));
            server.createContext(
                    "/api/", new Guarded(new ApiHandler(runs, new RemoteInstances(remoteTimeout, token), token)));
            server.createContext("/api/events", new Guarded(new IngestHandler(events, counters, token, maxBodyBytes)));
            server.start();
            SatwatchHttpServer s = new SatwatchHttpServer(server, executor);
            LOG.info("HTTP server on {}{}", s.baseUrl(), token.isEmpty() ? "" : " (bearer token required on /api)");
            return s;
        }
    }

    private static boolean exact(com.sun.net.httpserver.HttpExchange ex, String path) throws IOException {
        if (ex.getRequestURI().getPath().equals(path)) {
            return true;
        }
        Exchanges.error(ex, 404, "no such endpoint: " + ex.getRequestURI().getPath());
        return false;
    }

    /** The port bound (the free port chosen when 0 was asked). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address bound, as given (e.g. {@code 127.0.0.1}). */
    public String host() {
        return server.getAddress().getHostString();
    }

    /** {@code http://host:port/}. */
    public String baseUrl() {
        return "http://" + host() + ":" + port() + "/";
    }

    /** Stops accepting, lets running exchanges finish for up to a second, and stops the pool. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
    }
}
