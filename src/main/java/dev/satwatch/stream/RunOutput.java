package dev.satwatch.stream;

import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import dev.satwatch.track.EventResult;
import dev.satwatch.track.Outcome;
import dev.satwatch.track.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the run processor's results go: fits → {@value StreamNames#FITS_SINK}, alert transitions →
 * {@value StreamNames#ALERTS_SINK} (key run_id, encoded with {@link Topics#FITS} and {@link Topics#ALERTS}), a
 * finished run's fit set → {@value StreamNames#FINISHED_RUNS_SINK} keyed by setting, refused events →
 * {@value StreamNames#DEAD_LETTER_SINK}; and what the counters hear of each. One instance per task; not thread-safe.
 */
final class RunOutput {

    private static final Logger LOG = LoggerFactory.getLogger(RunOutput.class);

    private final ProcessorContext<String, byte[]> context;
    private final StreamCounters counters;

    RunOutput(ProcessorContext<String, byte[]> context, StreamCounters counters) {
        this.context = context;
        this.counters = counters;
    }

    /** Runs one tracker call; when it refitted, reports how long it took (the refit-duration timer). */
    Outcome timed(Supplier<Outcome> call) {
        long start = System.nanoTime();
        Outcome outcome = call.get();
        if (!outcome.fits().isEmpty()) {
            counters.recordRefit(Duration.ofNanos(System.nanoTime() - start));
        }
        return outcome;
    }

    /** Forwards and counts the outcome's fits, alerts and finished run, at record timestamp {@code ts}. */
    void emit(String runId, Outcome outcome, long ts) {
        for (FitUpdate fit : outcome.fits()) {
            context.forward(new Record<>(runId, Topics.FITS.serialize(fit), ts), StreamNames.FITS_SINK);
            counters.recordFit(fit);
        }
        for (Alert alert : outcome.alerts()) {
            context.forward(new Record<>(runId, Topics.ALERTS.serialize(alert), ts), StreamNames.ALERTS_SINK);
            counters.recordAlert(alert);
        }
        if (outcome.finished() != null) {
            context.forward(
                    new Record<>(
                            outcome.finished().setting(),
                            Topics.FINISHED_RUNS.serialize(outcome.finished().run()),
                            ts),
                    StreamNames.FINISHED_RUNS_SINK);
        }
    }

    /** Counts an event's outcome as accepted or duplicate. */
    void count(Outcome outcome) {
        boolean duplicate = outcome.result() == EventResult.DUPLICATE;
        counters.record(duplicate ? StreamCounters.Result.DUPLICATE : StreamCounters.Result.ACCEPTED);
    }

    /** Counts and logs the eviction of {@code runs} runs at the run cap. */
    void evicted(int runs, int cap, Instant now) {
        counters.recordEvicted(runs);
        LOG.info(
                "run cap {} reached in task {}: evicted {} finished/stalled runs (oldest first) at {}",
                cap,
                context.taskId(),
                runs,
                now);
    }

    /** Tells the counters when the run finished or resumed during the call that began with {@code wasFinished}. */
    void reportFinish(String runId, boolean wasFinished, RunState state) {
        if (!wasFinished && state.finished()) {
            counters.recordRunFinished(runId);
        } else if (wasFinished && !state.finished()) {
            counters.recordRunResumed(runId);
        }
    }

    /**
     * Dead-letters a valid event that a limit refused: re-encoded (the original bytes were parsed upstream), the
     * reason in the {@code satwatch.dlq.*} headers with field {@code run_id}.
     */
    void reject(Record<String, RunEvent> record, String reason) {
        counters.record(StreamCounters.Result.DEAD_LETTERED);
        Record<String, byte[]> bytes = record.withValue(EventCodec.toJson(record.value()));
        context.forward(
                DeadLetters.of(context, bytes, new ParseResult.Invalid(reason, "run_id")),
                StreamNames.DEAD_LETTER_SINK);
    }
}
