package dev.satwatch.serve;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.http.SatwatchHttpServer;
import dev.satwatch.metrics.MetricsConfig;
import dev.satwatch.metrics.SatwatchMetrics;
import dev.satwatch.notify.WebhookCounters;
import dev.satwatch.notify.WebhookNotifier;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/**
 * The streaming app with its HTTP server, as {@code run} and {@code demo} start them: the server binds first
 * ({@code http.bind}:{@code http.port}, port 0 = any free port), then the app starts advertising that address as
 * {@code application.server} so that other instances can forward queries to this one. Metrics (Prometheus registry, {@link
 * SatwatchMetrics}) back {@code /metrics}; webhooks run when {@code webhooks.urls} is set. Closing stops the server,
 * the webhooks, the app, the ingest producer and the metrics, in that order. Not thread-safe (one owner).
 */
public final class ServingApp implements AutoCloseable {

    private final SatwatchHttpServer server;
    private final SatwatchApp app;
    private final KafkaEventSink sink;
    private final WebhookNotifier notifier;
    private final AlertFeed feed;
    private final SatwatchMetrics metrics;

    private ServingApp(
            SatwatchHttpServer server,
            SatwatchApp app,
            KafkaEventSink sink,
            WebhookNotifier notifier,
            AlertFeed feed,
            SatwatchMetrics metrics) {
        this.server = server;
        this.app = app;
        this.sink = sink;
        this.notifier = notifier;
        this.feed = feed;
        this.metrics = metrics;
    }

    /**
     * Starts the server and then the app (without waiting for RUNNING).
     *
     * @throws IOException when the HTTP address cannot be bound
     */
    public static ServingApp start(SatwatchConfig config, StreamCounters counters)
            throws IOException, LawFileException, InterruptedException {
        AppRunSource runs = new AppRunSource();
        SatwatchMetrics metrics = SatwatchMetrics.bind(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                counters,
                new MetricsConfig(config.metricsMaxRuns(), config.metricsFinishedGrace()),
                Clock.systemUTC());
        KafkaEventSink sink = new KafkaEventSink(config);
        SatwatchHttpServer server;
        try {
            server = SatwatchHttpServer.builder(config.httpBind(), config.httpPort())
                    .runs(runs)
                    .events(sink)
                    .metrics(metrics::scrape)
                    .counters(metrics::recordIngest)
                    .token(config.httpToken())
                    .start();
        } catch (IOException | RuntimeException e) {
            sink.close();
            metrics.close();
            throw e;
        }
        SatwatchApp app;
        try {
            app = SatwatchApp.start(config, counters, advertised(config.httpBind(), server.port()));
        } catch (LawFileException | InterruptedException | RuntimeException e) {
            server.close();
            sink.close();
            metrics.close();
            throw e;
        }
        metrics.bindStreams(app.streams());
        runs.attach(app);
        WebhookNotifier notifier = null;
        AlertFeed feed = null;
        if (!config.webhookUrls().isEmpty()) {
            notifier = WebhookNotifier.create(
                    config.webhookUrls(), config.webhookMaxAttempts(), config.webhookTimeout(), new WebhookCounters() {
                        @Override
                        public void delivered() {
                            metrics.recordWebhookDelivery(true);
                        }

                        @Override
                        public void failed() {
                            metrics.recordWebhookDelivery(false);
                        }
                    });
            feed = AlertFeed.start(config, notifier::submit);
        }
        return new ServingApp(server, app, sink, notifier, feed, metrics);
    }

    /** The address other instances use: the bind address, or this host's name when bound to every interface. */
    static String advertised(String bind, int port) {
        String host = bind;
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return host + ":" + port;
    }

    public SatwatchApp app() {
        return app;
    }

    public SatwatchHttpServer server() {
        return server;
    }

    /** {@code http://127.0.0.1:PORT/} (the local URL a user opens). */
    public String dashboardUrl() {
        String host = server.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + server.port() + "/";
    }

    @Override
    public void close() {
        server.close();
        try {
            if (feed != null) {
                feed.close();
                notifier.close();
            }
            app.close();
        } finally {
            sink.close();
            metrics.close();
        }
    }
}
