package dev.satwatch.metrics;

import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.RunMeta;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every satwatch meter, in the Micrometer binder style: this class owns every meter name (lowercase, dotted, under
 * {@code satwatch.}); variation goes in tags; every meter has a description, and a base unit wherever one exists
 * and does not change the Prometheus names of the issue-4 contract (a Prometheus registry appends a gauge's or
 * counter's unit to its name unless the name already ends with it: {@code satwatch.run.d2} in {@code tokens} is
 * {@code satwatch_run_d2_tokens}; losses and exponents are dimensionless and have none).
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * StreamCounters counters = new StreamCounters();
 * SatwatchMetrics metrics = SatwatchMetrics.bind(registry, counters, MetricsConfig.defaults(), Clock.systemUTC());
 * SatwatchApp app = SatwatchApp.start(config, counters);
 * metrics.bindStreams(app.streams());
 * ... GET /metrics → metrics.scrape()
 * metrics.close();
 * }</pre>
 *
 * <h2>What is exported</h2>
 *
 * <ul>
 *   <li>Per run (tags {@code run}, {@code setting}): the numbers of the run's latest {@link FitUpdate} ({@link
 *       #RUN_LOSS} ... {@link #RUN_D2}). A value the fit could not compute is exported as NaN, which the
 *       Prometheus text format carries and Grafana draws as a gap; the series stays, so a run's set of series does
 *       not flicker as fits come and go. In particular {@link #RUN_ALPHA_PREDICTED} is NaN while the setting has no
 *       law. A run without a setting gets {@code setting="default"} ({@link RunMeta#DEFAULT_SETTING}); when a
 *       run's setting changes, its series are re-registered under the new tag.
 *   <li>Per open alert (tags {@code run}, {@code setting}, {@code type}): {@link #RUN_ALERTS_OPEN} = 1 while open;
 *       the series is removed when the alert resolves.
 *   <li>Counters read from {@link StreamCounters} ({@link FunctionCounter}s, so they reconcile with it exactly):
 *       events by result, alert transitions by type and state, fits, laws published; the refit {@link Timer}; runs
 *       tracked and dropped; webhook deliveries and ingested events (recorded through {@link
 *       #recordWebhookDelivery} and {@link #recordIngest}); JVM, process and, after {@link #bindStreams}, Kafka
 *       Streams binders.
 * </ul>
 *
 * <h2>Bounds</h2>
 *
 * A run takes an export slot with its first fit or opened alert. At most {@link MetricsConfig#maxRuns()} runs hold
 * a slot; a run arriving when all are taken is counted once in {@link #RUNS_DROPPED}, logged once, and exported as
 * soon as a slot is free at one of its later updates. A finished run's series (and slot) are removed {@link
 * MetricsConfig#finishedGrace()} after the stream reported it finished, measured on the {@link Clock} given; the
 * removal happens at the next update or {@link #sweep()} ({@link #scrape()} sweeps first), so it costs nothing
 * between scrapes. Runs the instance stops processing without finishing (a task moved to another instance) keep
 * their series until this instance sees them finish.
 *
 * <h2>Thread safety</h2>
 *
 * Stream threads call the {@link StreamCounters.Listener} methods concurrently while an HTTP thread scrapes.
 * Registration, removal and the slot bookkeeping happen under one lock (once per fit or alert transition: cheap);
 * gauges read a volatile reference to the latest fit without locking, so a scrape never waits for a stream thread
 * for long and sees, per run, the values of one fit. Every gauged object is held strongly here (the registry keeps
 * only weak references): this object must stay reachable for as long as its meters are scraped.
 *
 * <p>Reference: Micrometer's own binders ({@code io.micrometer.core.instrument.binder}), e.g. {@code
 * KafkaStreamsMetrics} and {@code JvmGcMetrics}.
 */
public final class SatwatchMetrics implements MeterBinder, StreamCounters.Listener, AutoCloseable {

    /** Latest loss of the run's fitted split. */
    public static final String RUN_LOSS = "satwatch.run.loss";
    /** Fitted exponent α of {@code L = E + B·D2^(−α)}. */
    public static final String RUN_ALPHA = "satwatch.run.alpha";
    /** Lower 95 % bound of α. */
    public static final String RUN_ALPHA_CI_LOW = "satwatch.run.alpha.ci.low";
    /** Upper 95 % bound of α. */
    public static final String RUN_ALPHA_CI_HIGH = "satwatch.run.alpha.ci.high";
    /** E-free log-log slope. */
    public static final String RUN_ALPHA_LOGLOG = "satwatch.run.alpha.loglog";
    /** Local slope at the newest bins. */
    public static final String RUN_ALPHA_LOCAL = "satwatch.run.alpha.local";
    /** The law's exponent α(D1). */
    public static final String RUN_ALPHA_PREDICTED = "satwatch.run.alpha.predicted";
    /** Loss removed per extra billion tokens now. */
    public static final String RUN_GAIN_PER_BILLION_TOKENS = "satwatch.run.gain.per.billion.tokens";
    /** Relative loss given up by stopping now (DESIGN §5). */
    public static final String RUN_LOSS_GIVEN_UP = "satwatch.run.loss.given.up";
    /** Upper 95 % bound of the loss given up by stopping now. */
    public static final String RUN_LOSS_GIVEN_UP_UPPER = "satwatch.run.loss.given.up.upper";
    /** The run's fit at its target D2. */
    public static final String RUN_PROJECTED_LOSS = "satwatch.run.projected.loss";
    /** Largest D2 seen, in tokens. */
    public static final String RUN_D2 = "satwatch.run.d2";
    /** 1 per open alert of a run and type. */
    public static final String RUN_ALERTS_OPEN = "satwatch.run.alerts.open";
    /** Input records by result. */
    public static final String EVENTS = "satwatch.events";
    /** Alert transitions by type and state. */
    public static final String ALERTS = "satwatch.alerts";
    /** Fit updates written. */
    public static final String FITS = "satwatch.fits";
    /** Duration of tracker calls that refitted. */
    public static final String FIT = "satwatch.fit";
    /** Runs holding an export slot. */
    public static final String RUNS_TRACKED = "satwatch.runs.tracked";
    /** Runs refused an export slot. */
    public static final String RUNS_DROPPED = "satwatch.runs.dropped";
    /** Laws the calibrator published. */
    public static final String LAWS_PUBLISHED = "satwatch.laws.published";
    /** Runs whose state was evicted to stay under limits.max.runs.per.partition. */
    public static final String RUNS_EVICTED = "satwatch.runs.evicted";
    /** Webhook deliveries by result. */
    public static final String WEBHOOK_DELIVERIES = "satwatch.webhook.deliveries";
    /** Events received over HTTP by result. */
    public static final String INGEST_EVENTS = "satwatch.ingest.events";

    /** Tag: the run id. */
    public static final String TAG_RUN = "run";
    /** Tag: the run's setting. */
    public static final String TAG_SETTING = "setting";
    /** Tag: the alert type (enum name). */
    public static final String TAG_TYPE = "type";
    /** Tag: an outcome ({@code accepted|duplicate|invalid}, {@code ok|failed}, {@code published|rejected}). */
    public static final String TAG_RESULT = "result";
    /** Tag: an alert state ({@code open|resolved}). */
    public static final String TAG_STATE = "state";

    private static final Logger LOG = LoggerFactory.getLogger(SatwatchMetrics.class);

    /** Dropped run ids remembered (so each is counted once), as a multiple of maxRuns; the oldest are forgotten. */
    private static final int DROPPED_MEMORY_FACTOR = 10;

    private final StreamCounters counters;
    private final MetricsConfig config;
    private final Clock clock;
    private final Object lock = new Object();

    /** Runs holding an export slot, by run id. Guarded by {@link #lock}. */
    private final Map<String, RunSeries> runs = new HashMap<>();
    /** Finished runs with a slot, in order of finishing, with their finish time. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Instant> finishing = new LinkedHashMap<>();
    /** Runs counted as dropped, oldest first. Guarded by {@link #lock}. */
    private final Set<String> dropped = new LinkedHashSet<>();
    /** {@code runs.size()}, readable without the lock. */
    private final AtomicInteger tracked = new AtomicInteger();
    /** Binders that hold resources (listeners, threads) and are closed with this object. */
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private volatile MeterRegistry registry;
    private FixedMeters fixed;

    private SatwatchMetrics(StreamCounters counters, MetricsConfig config, Clock clock) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Metrics over {@code counters}, not yet bound: {@link #bindTo} registers the meters and starts listening.
     *
     * @param clock measures the grace after a run finishes
     */
    public static SatwatchMetrics create(StreamCounters counters, MetricsConfig config, Clock clock) {
        return new SatwatchMetrics(counters, config, clock);
    }

    /** {@link #create} then {@link #bindTo}: the usual way in. */
    public static SatwatchMetrics bind(
            MeterRegistry registry, StreamCounters counters, MetricsConfig config, Clock clock) {
        SatwatchMetrics metrics = create(counters, config, clock);
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * Registers every satwatch meter and the JVM and process binders in {@code registry}, and listens to the
     * counters' per-run updates from now on.
     *
     * @throws IllegalStateException when already bound (per-run series live in one registry)
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lock) {
            if (this.registry != null) {
                throw new IllegalStateException("already bound to a registry");
            }
            fixed = new FixedMeters(registry, counters, tracked);
            new JvmMemoryMetrics().bindTo(registry);
            JvmGcMetrics gc = new JvmGcMetrics();
            gc.bindTo(registry);
            closeables.add(gc);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            this.registry = registry;
        }
        counters.addListener(this);
    }

    /**
     * Binds Kafka Streams' client metrics ({@code kafka_stream_*}, {@code kafka_consumer_*}...) of {@code streams};
     * they are unbound by {@link #close()}.
     *
     * @throws IllegalStateException when not bound to a registry yet
     */
    public void bindStreams(KafkaStreams streams) {
        Objects.requireNonNull(streams, "streams");
        MeterRegistry r = requireRegistry();
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(r);
        synchronized (lock) {
            closeables.add(binder);
        }
    }

    /** Counts one webhook delivery: {@code ok} when it succeeded, else after its last failed attempt. */
    public void recordWebhookDelivery(boolean ok) {
        requireRegistry();
        (ok ? fixed.webhookOk : fixed.webhookFailed).increment();
    }

    /** Counts event lines of one POST /api/events: published as they were, and rejected (dead-lettered). */
    public void recordIngest(long published, long rejected) {
        if (published < 0 || rejected < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + published + ", " + rejected);
        }
        requireRegistry();
        fixed.ingestPublished.increment(published);
        fixed.ingestRejected.increment(rejected);
    }

    /**
     * Removes the series of runs whose grace after finishing has passed (by the clock). Updates do this too; call it
     * before a scrape so that an idle stream still drops them ({@link #scrape()} does).
     */
    public void sweep() {
        synchronized (lock) {
            if (registry != null) {
                sweepLocked(clock.instant());
            }
        }
    }

    /**
     * {@link #sweep()}, then the Prometheus text exposition of the registry.
     *
     * @throws IllegalStateException when the registry is not a {@link PrometheusMeterRegistry}
     */
    public String scrape() {
        MeterRegistry r = requireRegistry();
        if (!(r instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("bound to a " + r.getClass().getSimpleName() + ", not a Prometheus one");
        }
        sweep();
        return prometheus.scrape();
    }

    /** Runs with an export slot now. */
    public int trackedRuns() {
        return tracked.get();
    }

    /** The bounds in use. */
    public MetricsConfig config() {
        return config;
    }

    @Override
    public void onFit(FitUpdate fit) {
        synchronized (lock) {
            Instant now = clock.instant();
            sweepLocked(now);
            RunSeries s = admit(fit.runId());
            if (s == null) {
                return;
            }
            String setting = settingTag(fit.setting());
            s.latest = fit;
            if (!s.fitMeters.isEmpty() && !setting.equals(s.fitSetting)) {
                RunSeries.removeAll(registry, s.fitMeters);
            }
            if (s.fitMeters.isEmpty()) {
                s.fitSetting = setting;
                s.registerFitGauges(registry);
            }
        }
    }

    @Override
    public void onAlert(Alert alert) {
        synchronized (lock) {
            sweepLocked(clock.instant());
            if (alert.state() == Alert.State.RESOLVED) {
                RunSeries s = runs.get(alert.runId());
                Meter open = s == null ? null : s.openAlerts.remove(alert.type());
                if (open != null) {
                    registry.remove(open);
                }
                return;
            }
            RunSeries s = admit(alert.runId());
            if (s == null || s.openAlerts.containsKey(alert.type())) {
                return;
            }
            s.registerOpenAlert(registry, alert.type(), settingTag(alert.setting()));
        }
    }

    @Override
    public void onRefit(Duration elapsed) {
        Timer t = fixed == null ? null : fixed.fitTimer;
        if (t != null) {
            t.record(elapsed);
        }
    }

    @Override
    public void onRunFinished(String runId) {
        synchronized (lock) {
            Instant now = clock.instant();
            dropped.remove(runId);
            if (runs.containsKey(runId)) {
                // Re-inserting moves it to the end: the map stays in order of finishing.
                finishing.remove(runId);
                finishing.put(runId, now);
            }
            sweepLocked(now);
        }
    }

    @Override
    public void onRunResumed(String runId) {
        synchronized (lock) {
            finishing.remove(runId);
        }
    }

    /** Unbinds: stops listening, removes the per-run series, closes the GC and Kafka Streams binders. */
    @Override
    public void close() {
        counters.removeListener(this);
        synchronized (lock) {
            for (RunSeries s : runs.values()) {
                s.removeFrom(registry);
            }
            runs.clear();
            finishing.clear();
            tracked.set(0);
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cannot close metrics binder {}", c, e);
                }
            }
            closeables.clear();
        }
    }

    /** The run's slot, taking a free one if needed; null when none is free (the run is then counted as dropped). */
    private RunSeries admit(String runId) {
        RunSeries s = runs.get(runId);
        if (s != null) {
            return s;
        }
        if (runs.size() >= config.maxRuns()) {
            if (dropped.add(runId)) {
                fixed.runsDropped.increment();
                LOG.warn(
                        "run {} is not exported as metrics: {} runs already are (metrics.max.runs)",
                        runId,
                        config.maxRuns());
                if (dropped.size() > DROPPED_MEMORY_FACTOR * Math.max(1, config.maxRuns())) {
                    Iterator<String> oldest = dropped.iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
            return null;
        }
        dropped.remove(runId);
        s = new RunSeries(runId);
        runs.put(runId, s);
        tracked.set(runs.size());
        return s;
    }

    private void sweepLocked(Instant now) {
        Iterator<Map.Entry<String, Instant>> it = finishing.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Instant> e = it.next();
            if (now.isBefore(e.getValue().plus(config.finishedGrace()))) {
                return; // in order of finishing: the rest finished later
            }
            it.remove();
            RunSeries s = runs.remove(e.getKey());
            if (s != null) {
                s.removeFrom(registry);
            }
            tracked.set(runs.size());
        }
    }

    private MeterRegistry requireRegistry() {
        MeterRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("not bound to a registry: call bindTo first");
        }
        return r;
    }

    private static String settingTag(String setting) {
        return setting == null || setting.isBlank() ? RunMeta.DEFAULT_SETTING : setting;
    }
}
