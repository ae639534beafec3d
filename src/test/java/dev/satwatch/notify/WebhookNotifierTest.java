package dev.satwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.serde.AlertJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

    private static final Alert OPENED = new Alert(
            "run-1",
            "cpt-code",
            AlertType.DIMINISHING_RETURNS,
            Alert.Severity.WARNING,
            Alert.State.OPEN,
            1,
            Instant.parse("2026-11-26T10:00:00Z"),
            3.1e10,
            Map.of("gain_per_billion_tokens", 4e-4),
            1.9e10,
            "gain per billion tokens 4.0e-4 is below 5.0e-4");

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final WebhookCounters counters = new WebhookCounters() {
        @Override
        public void delivered() {
            delivered.incrementAndGet();
        }

        @Override
        public void failed() {
            failed.incrementAndGet();
        }
    };

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }

    /** An endpoint on 127.0.0.1 that answers {@code failFirst} requests with 500, then 204; records the bodies. */
    private String endpoint(int failFirst, List<byte[]> bodies, AtomicInteger hits) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/hook", ex -> {
            bodies.add(ex.getRequestBody().readAllBytes());
            int n = hits.incrementAndGet();
            ex.sendResponseHeaders(n <= failFirst ? 500 : 204, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort() + "/hook";
    }

    /** An endpoint that holds every request until the test ends. */
    private String stuckEndpoint() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/stuck", ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort() + "/stuck";
    }

    @Test
    void shouldRetryAFailingEndpointWithBackoffUntilItAccepts() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger hits = new AtomicInteger();
        String url = endpoint(2, bodies, hits);
        // Backoff 50 ms then 100 ms: the third attempt lands within a second.
        try (WebhookNotifier n =
                WebhookNotifier.create(List.of(url), 5, Duration.ofSeconds(2), Duration.ofMillis(50), counters)) {
            long t0 = System.nanoTime();
            n.submit(OPENED);

            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == 1);
            assertThat(System.nanoTime() - t0).as("waited the two backoffs").isGreaterThan(150_000_000L);
        }
        assertThat(hits).hasValue(3);
        assertThat(failed).hasValue(0);
        assertThat(bodies).allSatisfy(b -> assertThat(AlertJson.parse(b)).isEqualTo(OPENED));
    }

    @Test
    void shouldCountAFailureAfterTheLastAttempt() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        String url = endpoint(Integer.MAX_VALUE, new CopyOnWriteArrayList<>(), hits);
        try (WebhookNotifier n =
                WebhookNotifier.create(List.of(url), 3, Duration.ofSeconds(2), Duration.ofMillis(10), counters)) {
            n.submit(OPENED);

            await().atMost(Duration.ofSeconds(10)).until(() -> failed.get() == 1);
        }
        assertThat(hits).hasValue(3);
        assertThat(delivered).hasValue(0);
    }

    @Test
    void shouldDeliverToAHealthyEndpointWhileAnotherHangs() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger hits = new AtomicInteger();
        String healthy = endpoint(0, bodies, hits);
        try (WebhookNotifier n = WebhookNotifier.create(
                List.of(stuckEndpoint(), healthy), 1, Duration.ofSeconds(20), Duration.ofMillis(10), counters)) {
            for (int i = 0; i < 5; i++) {
                n.submit(OPENED);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> hits.get() == 5);
            assertThat(delivered).as("only the healthy endpoint answered").hasValue(5);
        }
    }

    @Test
    void shouldDeliverOneEndpointsTransitionsInOrder() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        String url = endpoint(1, bodies, new AtomicInteger());
        Alert resolved = new Alert(
                OPENED.runId(),
                OPENED.setting(),
                OPENED.type(),
                OPENED.severity(),
                Alert.State.RESOLVED,
                1,
                OPENED.ts().plusSeconds(60),
                OPENED.d2Tokens(),
                Map.of(),
                Double.NaN,
                "recovered");
        try (WebhookNotifier n =
                WebhookNotifier.create(List.of(url), 3, Duration.ofSeconds(2), Duration.ofMillis(20), counters)) {
            n.submit(OPENED);
            n.submit(resolved);

            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == 2);
        }
        // The first attempt of OPENED failed: it is retried before RESOLVED goes.
        assertThat(bodies)
                .extracting(b -> AlertJson.parse(b).state())
                .containsExactly(Alert.State.OPEN, Alert.State.OPEN, Alert.State.RESOLVED);
    }

    @Test
    void shouldRefuseAUrlThatIsNotAbsoluteHttp() {
        assertThatThrownBy(() -> WebhookNotifier.create(List.of("ftp://x/y"), 1, Duration.ofSeconds(1), counters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://x/y");
    }
}
