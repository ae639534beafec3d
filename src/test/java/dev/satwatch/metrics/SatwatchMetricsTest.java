package dev.satwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder on its own: names, tags, descriptions, units, NaN, bounds, grace, concurrency. */
class SatwatchMetricsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(T0);
    private final StreamCounters counters = new StreamCounters();
    private PrometheusMeterRegistry registry;
    private SatwatchMetrics metrics;

    @BeforeEach
    void bind() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = SatwatchMetrics.bind(registry, counters, new MetricsConfig(3, GRACE), clock);
    }

    @AfterEach
    void close() {
        metrics.close();
        registry.close();
    }

    /** A fit of run {@code runId} with a few distinct numbers and the rest NaN-free. */
    static FitUpdate fit(String runId, String setting, long seq, double alpha, double alphaPredicted, double d2) {
        return new FitUpdate(
                runId,
                setting,
                "val",
                T0,
                seq,
                300e9,
                200e9,
                d2,
                2.5 + 1 / d2 * 1e9,
                100,
                alpha,
                alpha - 0.05,
                alpha + 0.05,
                1.8,
                0.7,
                alpha + 0.01,
                alpha - 0.02,
                alphaPredicted,
                2.31,
                2.30,
                2.32,
                4e-4,
                0.02,
                0.004,
                0.008,
                20e9,
                true,
                true,
                "reliable");
    }

    static Alert alert(String runId, String setting, AlertType type, Alert.State state) {
        return new Alert(runId, setting, type, Alert.Severity.WARNING, state, 1, T0, 1e9, Map.of(), Double.NaN, "m");
    }

    private static Map<String, String> run(String runId, String setting) {
        return Map.of("run", runId, "setting", setting);
    }

    @Test
    void shouldExposeEveryContractNameInThePrometheusScrape() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.onAlert(alert("r1", "s", AlertType.DIMINISHING_RETURNS, Alert.State.OPEN));
        metrics.onRefit(Duration.ofMillis(12));
        metrics.recordWebhookDelivery(true);
        metrics.recordIngest(3, 1);

        String text = metrics.scrape();

        // The Prometheus names of the issue-4 contract, which PromQL and the Grafana dashboards use.
        List<String> names = List.of(
                "satwatch_run_loss",
                "satwatch_run_alpha",
                "satwatch_run_alpha_ci_low",
                "satwatch_run_alpha_ci_high",
                "satwatch_run_alpha_loglog",
                "satwatch_run_alpha_local",
                "satwatch_run_alpha_predicted",
                "satwatch_run_gain_per_billion_tokens",
                "satwatch_run_projected_loss",
                "satwatch_run_d2_tokens",
                "satwatch_run_alerts_open",
                "satwatch_events_total",
                "satwatch_alerts_total",
                "satwatch_fits_total",
                "satwatch_fit_seconds_count",
                "satwatch_fit_seconds_sum",
                "satwatch_fit_seconds_max",
                "satwatch_runs_tracked",
                "satwatch_runs_dropped_total",
                "satwatch_runs_evicted_total",
                "satwatch_laws_published_total",
                "satwatch_webhook_deliveries_total",
                "satwatch_ingest_events_total",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "process_uptime_seconds",
                "system_cpu_count");
        List<String> present =
                Scrapes.samples(text).stream().map(Scrapes.Sample::name).toList();
        assertThat(present).containsAll(names);
        assertThat(present).filteredOn(n -> n.startsWith("satwatch_")).allSatisfy(n -> assertThat(names)
                .anySatisfy(c -> assertThat(n).startsWith(c)));

        assertThat(Scrapes.value(text, "satwatch_run_alpha", run("r1", "s"))).isEqualTo(0.3);
        assertThat(Scrapes.value(text, "satwatch_run_d2_tokens", run("r1", "s")))
                .isEqualTo(5e9);
        assertThat(Scrapes.value(
                        text,
                        "satwatch_run_alerts_open",
                        Map.of("run", "r1", "setting", "s", "type", "DIMINISHING_RETURNS")))
                .isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_events_total", Map.of("result", "accepted")))
                .isZero();
        assertThat(Scrapes.find(text, "satwatch_events_total", Map.of()))
                .extracting(s -> s.labels().get("result"))
                .containsExactlyInAnyOrder("accepted", "duplicate", "invalid");
        assertThat(Scrapes.find(text, "satwatch_alerts_total", Map.of()))
                .hasSize(2 * AlertType.values().length)
                .allSatisfy(s -> assertThat(s.labels().get("state")).isIn("open", "resolved"));
        assertThat(Scrapes.value(text, "satwatch_fit_seconds_count", Map.of())).isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_fit_seconds_sum", Map.of())).isCloseTo(0.012, within(1e-9));
        assertThat(Scrapes.value(text, "satwatch_runs_tracked", Map.of())).isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_webhook_deliveries_total", Map.of("result", "ok")))
                .isEqualTo(1.0);
        assertThat(Scrapes.value(text, "satwatch_webhook_deliveries_total", Map.of("result", "failed")))
                .isZero();
        assertThat(Scrapes.value(text, "satwatch_ingest_events_total", Map.of("result", "published")))
                .isEqualTo(3.0);
        assertThat(Scrapes.value(text, "satwatch_ingest_events_total", Map.of("result", "rejected")))
                .isEqualTo(1.0);
        assertThat(text).contains("# HELP satwatch_run_alpha Fitted exponent alpha");
    }

    @Test
    void shouldGiveEverySatwatchMeterALowercaseDottedNameAndADescription() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.onAlert(alert("r1", "s", AlertType.STALLED, Alert.State.OPEN));

        List<Meter> ours = registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("satwatch."))
                .toList();

        assertThat(ours).hasSizeGreaterThan(30);
        assertThat(ours).allSatisfy(m -> {
            assertThat(m.getId().getName()).matches("satwatch(\\.[a-z0-9]+)+");
            assertThat(m.getId().getDescription()).isNotBlank();
        });
        assertThat(registry.get(SatwatchMetrics.RUN_D2).gauge().getId().getBaseUnit())
                .isEqualTo("tokens");
        assertThat(registry.get(SatwatchMetrics.EVENTS)
                        .functionCounter()
                        .getId()
                        .getBaseUnit())
                .isEqualTo("events");
        assertThat(registry.get(SatwatchMetrics.ALERTS)
                        .functionCounter()
                        .getId()
                        .getBaseUnit())
                .isEqualTo("alerts");
    }

    @Test
    void shouldExportTheNumbersOfTheLatestFitOnly() {
        metrics.onFit(fit("r1", "s", 1, 0.30, 0.35, 5e9));
        metrics.onFit(fit("r1", "s", 2, 0.27, 0.35, 6e9));

        assertThat(gauge(SatwatchMetrics.RUN_ALPHA, "r1", "s")).isEqualTo(0.27);
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_CI_LOW, "r1", "s")).isCloseTo(0.22, within(1e-12));
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_CI_HIGH, "r1", "s")).isCloseTo(0.32, within(1e-12));
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_LOGLOG, "r1", "s")).isCloseTo(0.28, within(1e-12));
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_LOCAL, "r1", "s")).isCloseTo(0.25, within(1e-12));
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_PREDICTED, "r1", "s")).isEqualTo(0.35);
        assertThat(gauge(SatwatchMetrics.RUN_GAIN_PER_BILLION_TOKENS, "r1", "s"))
                .isEqualTo(4e-4);
        assertThat(gauge(SatwatchMetrics.RUN_PROJECTED_LOSS, "r1", "s")).isEqualTo(2.31);
        assertThat(gauge(SatwatchMetrics.RUN_D2, "r1", "s")).isEqualTo(6e9);
        assertThat(gauge(SatwatchMetrics.RUN_LOSS, "r1", "s")).isCloseTo(2.5 + 1 / 6.0, within(1e-12));
        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).gauges()).hasSize(1);
    }

    @Test
    void shouldExportNaNWhenTheFitCouldNotComputeAValueAndKeepTheSeries() {
        metrics.onFit(fit("r1", "s", 1, Double.NaN, Double.NaN, 5e9));

        assertThat(gauge(SatwatchMetrics.RUN_ALPHA, "r1", "s")).isNaN();
        assertThat(gauge(SatwatchMetrics.RUN_ALPHA_PREDICTED, "r1", "s")).isNaN();
        String text = metrics.scrape();
        assertThat(Scrapes.value(text, "satwatch_run_alpha_predicted", run("r1", "s")))
                .isNaN();
        assertThat(text).contains("satwatch_run_alpha_predicted{run=\"r1\",setting=\"s\"} NaN");
    }

    @Test
    void shouldTagRunsWithoutASettingAsDefault() {
        metrics.onFit(fit("r1", null, 1, 0.3, 0.35, 5e9));
        metrics.onAlert(alert("r1", null, AlertType.LOSS_SPIKE, Alert.State.OPEN));

        assertThat(gauge(SatwatchMetrics.RUN_ALPHA, "r1", "default")).isEqualTo(0.3);
        assertThat(registry.get(SatwatchMetrics.RUN_ALERTS_OPEN)
                        .tags("run", "r1", "setting", "default", "type", "LOSS_SPIKE")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    @Test
    void shouldMoveARunsSeriesToItsNewSettingWhenTheSettingChanges() {
        metrics.onFit(fit("r1", null, 1, 0.3, 0.35, 5e9));
        metrics.onFit(fit("r1", "s", 2, 0.3, 0.35, 6e9));

        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA)
                        .tag("setting", "default")
                        .gauges())
                .isEmpty();
        assertThat(gauge(SatwatchMetrics.RUN_D2, "r1", "s")).isEqualTo(6e9);
        assertThat(metrics.trackedRuns()).isEqualTo(1);
    }

    @Test
    void shouldExportAnAlertWhileOpenAndRemoveItsSeriesWhenItResolves() {
        metrics.onAlert(alert("r1", "s", AlertType.DIVERGENCE, Alert.State.OPEN));
        metrics.onAlert(alert("r1", "s", AlertType.DIVERGENCE, Alert.State.OPEN));
        metrics.onAlert(alert("r1", "s", AlertType.LOSS_SPIKE, Alert.State.OPEN));
        assertThat(registry.find(SatwatchMetrics.RUN_ALERTS_OPEN).gauges()).hasSize(2);

        metrics.onAlert(alert("r1", "s", AlertType.DIVERGENCE, Alert.State.RESOLVED));

        assertThat(registry.find(SatwatchMetrics.RUN_ALERTS_OPEN).gauges())
                .extracting(g -> g.getId().getTag("type"))
                .containsExactly("LOSS_SPIKE");
        assertThat(Scrapes.find(metrics.scrape(), "satwatch_run_alerts_open", Map.of("type", "DIVERGENCE")))
                .isEmpty();
    }

    @Test
    void shouldExportAtMostMaxRunsAndCountEachDroppedRunOnce() {
        for (int i = 1; i <= 3; i++) {
            metrics.onFit(fit("r" + i, "s", 1, 0.3, 0.35, 5e9));
        }
        metrics.onFit(fit("r4", "s", 1, 0.3, 0.35, 5e9));
        metrics.onFit(fit("r4", "s", 2, 0.3, 0.35, 6e9));
        metrics.onAlert(alert("r4", "s", AlertType.STALLED, Alert.State.OPEN));
        metrics.onFit(fit("r5", "s", 1, 0.3, 0.35, 5e9));

        assertThat(metrics.trackedRuns()).isEqualTo(3);
        assertThat(registry.get(SatwatchMetrics.RUNS_DROPPED).counter().count()).isEqualTo(2.0);
        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).tag("run", "r4").gauges())
                .isEmpty();
        assertThat(registry.find(SatwatchMetrics.RUN_ALERTS_OPEN).gauges()).isEmpty();
        assertThat(registry.get(SatwatchMetrics.RUNS_TRACKED).gauge().value()).isEqualTo(3.0);

        // A slot frees when a finished run's grace has passed; the dropped run takes it at its next update.
        metrics.onRunFinished("r1");
        clock.advance(GRACE);
        metrics.onFit(fit("r4", "s", 3, 0.25, 0.35, 7e9));

        assertThat(gauge(SatwatchMetrics.RUN_D2, "r4", "s")).isEqualTo(7e9);
        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).tag("run", "r1").gauges())
                .isEmpty();
        assertThat(registry.get(SatwatchMetrics.RUNS_DROPPED).counter().count()).isEqualTo(2.0);
        assertThat(metrics.trackedRuns()).isEqualTo(3);
    }

    @Test
    void shouldExportNoPerRunSeriesWhenMaxRunsIsZero() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        try (SatwatchMetrics none =
                SatwatchMetrics.bind(simple, new StreamCounters(), new MetricsConfig(0, GRACE), clock)) {
            none.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
            assertThat(simple.find(SatwatchMetrics.RUN_ALPHA).gauges()).isEmpty();
            assertThat(simple.get(SatwatchMetrics.RUNS_DROPPED).counter().count())
                    .isEqualTo(1.0);
            assertThatThrownBy(none::scrape).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldRemoveAFinishedRunsSeriesOnceTheGraceHasPassed() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.onAlert(alert("r1", "s", AlertType.STALLED, Alert.State.OPEN));
        metrics.onFit(fit("r2", "s", 1, 0.3, 0.35, 5e9));
        metrics.onRunFinished("r1");

        clock.advance(GRACE.minusSeconds(1));
        metrics.sweep();
        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).tag("run", "r1").gauges())
                .hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        String text = metrics.scrape();

        assertThat(Scrapes.find(text, "satwatch_run_alpha", Map.of("run", "r1")))
                .isEmpty();
        assertThat(Scrapes.find(text, "satwatch_run_alerts_open", Map.of("run", "r1")))
                .isEmpty();
        assertThat(Scrapes.find(text, "satwatch_run_alpha", Map.of("run", "r2")))
                .hasSize(1);
        assertThat(registry.getMeters().stream()
                        .filter(m -> "r1".equals(m.getId().getTag("run"))))
                .isEmpty();
        assertThat(metrics.trackedRuns()).isEqualTo(1);
    }

    @Test
    void shouldKeepARunThatResumedAfterFinishingBySilence() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.onRunFinished("r1");
        metrics.onRunResumed("r1");

        clock.advance(GRACE.multipliedBy(3));
        metrics.sweep();

        assertThat(gauge(SatwatchMetrics.RUN_ALPHA, "r1", "s")).isEqualTo(0.3);
    }

    @Test
    void shouldCountTheGraceFromTheLastFinishWhenARunFinishesTwice() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.onFit(fit("r2", "s", 1, 0.3, 0.35, 5e9));
        metrics.onRunFinished("r1");
        clock.advance(Duration.ofMinutes(1));
        metrics.onRunFinished("r2");
        metrics.onRunResumed("r1");
        clock.advance(Duration.ofMinutes(5));
        metrics.onRunFinished("r1");

        clock.advance(GRACE.minusMinutes(2));
        metrics.sweep();

        // r2 finished 13 minutes ago: gone. r1 finished again 8 minutes ago: still there (behind r2 in order).
        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).gauges())
                .extracting(g -> g.getId().getTag("run"))
                .containsExactly("r1");
    }

    @Test
    void shouldRecordRefitDurationsInTheFitTimer() {
        metrics.onRefit(Duration.ofMillis(5));
        metrics.onRefit(Duration.ofMillis(15));

        assertThat(registry.get(SatwatchMetrics.FIT).timer().count()).isEqualTo(2);
        assertThat(registry.get(SatwatchMetrics.FIT).timer().totalTime(TimeUnit.MILLISECONDS))
                .isCloseTo(20.0, within(1e-9));
    }

    @Test
    void shouldRefuseASecondRegistryAndUseBeforeBinding() {
        assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);
        SatwatchMetrics unbound = SatwatchMetrics.create(new StreamCounters(), MetricsConfig.defaults(), clock);
        assertThatThrownBy(() -> unbound.recordWebhookDelivery(true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> metrics.recordIngest(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStopListeningAndRemovePerRunSeriesWhenClosed() {
        metrics.onFit(fit("r1", "s", 1, 0.3, 0.35, 5e9));
        metrics.close();

        assertThat(registry.find(SatwatchMetrics.RUN_ALPHA).gauges()).isEmpty();
        assertThat(metrics.trackedRuns()).isZero();
    }

    @Test
    void shouldStayConsistentWhenStreamThreadsUpdateWhileAScraperScrapes() throws Exception {
        // 4 writer threads x 25 runs each, more runs than slots (bound 60): every run gets 20 fits and an alert
        // opened and resolved, and the first 10 runs of each thread finish. The main thread scrapes meanwhile.
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamCounters c = new StreamCounters();
        try (SatwatchMetrics m = SatwatchMetrics.bind(r, c, new MetricsConfig(60, GRACE), clock)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 25; i++) {
                        String runId = "t" + thread + "-" + i;
                        for (int seq = 1; seq <= 20; seq++) {
                            m.onFit(fit(runId, "s" + thread, seq, 0.3, 0.35, seq * 1e9));
                        }
                        m.onAlert(alert(runId, "s" + thread, AlertType.LOSS_SPIKE, Alert.State.OPEN));
                        m.onAlert(alert(runId, "s" + thread, AlertType.LOSS_SPIKE, Alert.State.RESOLVED));
                        m.onRefit(Duration.ofMillis(1));
                        if (i < 10) {
                            m.onRunFinished(runId);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            int scrapes = 0;
            while (!writers.stream().allMatch(Future::isDone) || scrapes < 5) {
                assertThat(m.scrape()).contains("satwatch_runs_tracked");
                scrapes++;
            }
            for (Future<?> f : writers) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            String text = m.scrape();
            List<Scrapes.Sample> d2 = Scrapes.find(text, "satwatch_run_d2_tokens", Map.of());
            assertThat(d2).hasSize(60).allSatisfy(s -> assertThat(s.value()).isEqualTo(20e9));
            assertThat(Scrapes.value(text, "satwatch_runs_tracked", Map.of())).isEqualTo(60.0);
            assertThat(Scrapes.value(text, "satwatch_runs_dropped_total", Map.of()))
                    .isEqualTo(40.0);
            assertThat(Scrapes.find(text, "satwatch_run_alerts_open", Map.of())).isEmpty();
            assertThat(Scrapes.value(text, "satwatch_fit_seconds_count", Map.of()))
                    .isEqualTo(100.0);
        } finally {
            r.close();
        }
    }

    @Test
    void shouldValidateTheConfig() {
        assertThat(MetricsConfig.defaults()).isEqualTo(new MetricsConfig(500, Duration.ofMinutes(10)));
        assertThatThrownBy(() -> new MetricsConfig(-1, GRACE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MetricsConfig(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private double gauge(String name, String runId, String setting) {
        Gauge g = registry.get(name).tags("run", runId, "setting", setting).gauge();
        return g.value();
    }
}
