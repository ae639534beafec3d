package dev.satwatch.cli;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.http.AppRunSource;
import dev.satwatch.http.SatwatchHttpServer;
import dev.satwatch.notify.WebhookCounters;
import dev.satwatch.notify.WebhookNotifier;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.stream.AlertFeed;
import dev.satwatch.stream.KafkaEventSink;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The streaming app with its HTTP server, as {@code run} and {@code demo} start them: the server binds first
 * ({@code http.bind}:{@code http.port}, port 0 = any free port), then the app starts advertising that address as
 * {@code application.server} so that other instances can forward queries to this one. Closing stops the server,
 * the app and the ingest producer, in that order. Not thread-safe (one owner).
 */
final class ServingApp implements AutoCloseable {

    private final SatwatchHttpServer server;
    private final SatwatchApp app;
    private final KafkaEventSink sink;
    private final WebhookNotifier notifier;
    private final AlertFeed feed;

    private ServingApp(
            SatwatchHttpServer server, SatwatchApp app, KafkaEventSink sink, WebhookNotifier notifier, AlertFeed feed) {
        this.server = server;
        this.app = app;
        this.sink = sink;
        this.notifier = notifier;
        this.feed = feed;
    }

    /**
     * Starts the server and then the app (without waiting for RUNNING).
     *
     * @throws IOException when the HTTP address cannot be bound
     */
    static ServingApp start(SatwatchConfig config, StreamCounters counters)
            throws IOException, LawFileException, InterruptedException {
        AppRunSource runs = new AppRunSource();
        KafkaEventSink sink = new KafkaEventSink(config);
        SatwatchHttpServer server;
        try {
            server = SatwatchHttpServer.builder(config.httpBind(), config.httpPort())
                    .runs(runs)
                    .events(sink)
                    .token(config.httpToken())
                    .start();
        } catch (IOException | RuntimeException e) {
            sink.close();
            throw e;
        }
        SatwatchApp app;
        try {
            app = SatwatchApp.start(config, counters, advertised(config.httpBind(), server.port()));
        } catch (LawFileException | InterruptedException | RuntimeException e) {
            server.close();
            sink.close();
            throw e;
        }
        runs.attach(app);
        WebhookNotifier notifier = null;
        AlertFeed feed = null;
        if (!config.webhookUrls().isEmpty()) {
            notifier = WebhookNotifier.create(
                    config.webhookUrls(), config.webhookMaxAttempts(), config.webhookTimeout(), WebhookCounters.NONE);
            feed = AlertFeed.start(config, notifier::submit);
        }
        return new ServingApp(server, app, sink, notifier, feed);
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

    SatwatchApp app() {
        return app;
    }

    SatwatchHttpServer server() {
        return server;
    }

    /** {@code http://127.0.0.1:PORT/} (the local URL a user opens). */
    String dashboardUrl() {
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
        }
    }
}
