package dev.satwatch.metrics;

import dev.satwatch.event.AlertType;
import dev.satwatch.stream.StreamCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The instance-wide meters of {@link SatwatchMetrics} (names and tags are its constants): event, alert, fit, law and
 * eviction counters read off {@link StreamCounters}, the refit timer, the tracked-runs gauge, and the counters
 * satwatch increments itself (dropped runs, webhook deliveries, ingested events), kept here as strong references.
 */
final class FixedMeters {

    final Timer fitTimer;
    final Counter runsDropped;
    final Counter webhookOk;
    final Counter webhookFailed;
    final Counter ingestPublished;
    final Counter ingestRejected;

    /** Registers every fixed meter in {@code r}. */
    FixedMeters(MeterRegistry r, StreamCounters counters, AtomicInteger tracked) {
        eventCounter(r, counters, "accepted", StreamCounters.Result.ACCEPTED);
        eventCounter(r, counters, "duplicate", StreamCounters.Result.DUPLICATE);
        eventCounter(r, counters, "invalid", StreamCounters.Result.DEAD_LETTERED);
        for (AlertType type : AlertType.values()) {
            alertCounter(r, counters, type, "open", c -> c.alertsOpened(type));
            alertCounter(r, counters, type, "resolved", c -> c.alertsResolved(type));
        }
        FunctionCounter.builder(SatwatchMetrics.FITS, counters, StreamCounters::fits)
                .description("Fit updates written to satwatch.fits")
                .baseUnit("fits")
                .register(r);
        FunctionCounter.builder(SatwatchMetrics.LAWS_PUBLISHED, counters, StreamCounters::lawsPublished)
                .description("Reuse laws the calibrator published to satwatch.laws")
                .register(r);
        FunctionCounter.builder(SatwatchMetrics.RUNS_EVICTED, counters, StreamCounters::evicted)
                .description("Finished or stalled runs evicted to stay under limits.max.runs.per.partition")
                .register(r);
        fitTimer = Timer.builder(SatwatchMetrics.FIT)
                .description("Duration of the tracker calls that refitted a run (fit, estimates and fit rules)")
                .register(r);
        Gauge.builder(SatwatchMetrics.RUNS_TRACKED, tracked, AtomicInteger::get)
                .description("Runs with exported per-run series on this instance")
                .register(r);
        runsDropped = Counter.builder(SatwatchMetrics.RUNS_DROPPED)
                .description("Runs not exported because metrics.max.runs runs already were (each counted once)")
                .register(r);
        webhookOk = webhookCounter(r, "ok");
        webhookFailed = webhookCounter(r, "failed");
        ingestPublished = ingestCounter(r, "published");
        ingestRejected = ingestCounter(r, "rejected");
    }

    private static void eventCounter(
            MeterRegistry r, StreamCounters counters, String result, StreamCounters.Result which) {
        FunctionCounter.builder(SatwatchMetrics.EVENTS, counters, c -> c.count(which))
                .description("Records read from satwatch.events, by what became of them")
                .baseUnit("events")
                .tag(SatwatchMetrics.TAG_RESULT, result)
                .register(r);
    }

    private static void alertCounter(
            MeterRegistry r,
            StreamCounters counters,
            AlertType type,
            String state,
            ToDoubleFunction<StreamCounters> f) {
        FunctionCounter.builder(SatwatchMetrics.ALERTS, counters, f)
                .description("Alert transitions written to satwatch.alerts, by type and state")
                .baseUnit("alerts")
                .tags(SatwatchMetrics.TAG_TYPE, type.name(), SatwatchMetrics.TAG_STATE, state)
                .register(r);
    }

    private static Counter webhookCounter(MeterRegistry r, String result) {
        return Counter.builder(SatwatchMetrics.WEBHOOK_DELIVERIES)
                .description("Alert webhook deliveries, by result (failed = gave up after every attempt)")
                .baseUnit("deliveries")
                .tag(SatwatchMetrics.TAG_RESULT, result)
                .register(r);
    }

    private static Counter ingestCounter(MeterRegistry r, String result) {
        return Counter.builder(SatwatchMetrics.INGEST_EVENTS)
                .description("Event lines received by POST /api/events, by result")
                .baseUnit("events")
                .tag(SatwatchMetrics.TAG_RESULT, result)
                .register(r);
    }
}
