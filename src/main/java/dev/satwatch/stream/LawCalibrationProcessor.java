package dev.satwatch.stream;

import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.LawPublication;
import dev.satwatch.law.LawPublishPolicy;
import dev.satwatch.serde.CalibrationRunJson;
import dev.satwatch.serde.LawJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibrates each setting's reuse law from its finished runs (DESIGN §6). Input: {@code satwatch.finished-runs}
 * (key = setting, value = the run's {@link CalibrationRun}; the tracker emits only runs finished {@code completed}
 * without divergence). The {@value StreamNames#CALIBRATION_STORE} keeps, per setting, the newest {@code maxRuns} runs
 * (a run finishing again replaces its earlier entry). After each run it refits the law with {@link LawCalibrator} on
 * the kept runs and publishes it to {@code satwatch.laws} as a one-entry {@link LawJson} document (with its full
 * covariance, standard errors, RMSE and runs used) keyed by setting only when the {@link LawPublishPolicy} allows:
 * at least {@code law.min.runs} runs over {@code law.min.distinct.d1} distinct D1, a converged fit with finite
 * constants, and a median leave-one-out error within {@code law.publish.max.loo.error}. The global laws store then
 * serves it to every run of that setting. A law that fails the gate is logged with the reasons and not published
 * (the previously published law of the setting, if any, stays).
 *
 * <p>Cost: one multi-start calibration per finished run (0.1–0.5 s for 64 runs of 40 points), plus, once the
 * cheaper checks pass, the leave-one-out check: one warm-started refinement per kept run (0.4–1.5 s for 64 runs,
 * see {@link LawCalibrator#leaveOneOut(List, LawFit)}); finished runs are rare next to loss events. One instance
 * per task; not thread-safe.
 */
public final class LawCalibrationProcessor implements Processor<String, CalibrationRun, String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(LawCalibrationProcessor.class);

    private final LawCalibrator calibrator;
    private final int maxRuns;
    private final LawPublishPolicy policy;
    private final StreamCounters counters;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    /**
     * A processor keeping at most {@code maxRuns} runs per setting and publishing what {@code policy} allows.
     *
     * @throws IllegalArgumentException when {@code maxRuns < 1} or {@code policy.minRuns() > maxRuns}
     */
    public LawCalibrationProcessor(
            LawCalibrator calibrator, int maxRuns, LawPublishPolicy policy, StreamCounters counters) {
        if (maxRuns < 1 || policy.minRuns() > maxRuns) {
            throw new IllegalArgumentException(
                    "need 1 <= minRuns <= maxRuns, got minRuns=" + policy.minRuns() + ", maxRuns=" + maxRuns);
        }
        this.calibrator = calibrator;
        this.maxRuns = maxRuns;
        this.policy = policy;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(StreamNames.CALIBRATION_STORE);
    }

    @Override
    public void process(Record<String, CalibrationRun> record) {
        String setting = record.key();
        CalibrationRun run = record.value();
        if (setting == null || run == null) {
            return;
        }
        List<CalibrationRun> runs = add(stored(setting), run);
        store.put(setting, CalibrationRunJson.toJson(runs));
        if (runs.size() < policy.minRuns()) {
            // Cheap early exit: the gate cannot pass yet, so skip the calibration.
            return;
        }
        LawPublication publication = policy.evaluate(calibrator, runs);
        if (!publication.publishable()) {
            LOG.info(
                    "law for setting {} not published ({} runs kept): {}",
                    setting,
                    runs.size(),
                    String.join("; ", publication.reasons()));
            return;
        }
        LawFit fit = publication.fit();
        LawJson.Entry entry = new LawJson.Entry(setting, fit.law(), fit.stdErr(), fit.rmse(), fit.runsUsed());
        byte[] document = LawJson.write(List.of(entry)).getBytes(StandardCharsets.UTF_8);
        context.forward(new Record<>(setting, document, record.timestamp()), StreamNames.LAWS_SINK);
        counters.recordLawPublished();
    }

    private List<CalibrationRun> stored(String setting) {
        byte[] bytes = store.get(setting);
        if (bytes == null) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(CalibrationRunJson.parseList(bytes));
        } catch (IllegalArgumentException e) {
            // Only this processor writes the store; a bad value means a format change: start the window afresh.
            LOG.warn("calibration-store: dropping an unreadable entry for {}: {}", setting, e.getMessage());
            return new ArrayList<>();
        }
    }

    /** {@code runs} with {@code run} appended (replacing a same-id entry) and the oldest dropped beyond the bound. */
    private List<CalibrationRun> add(List<CalibrationRun> runs, CalibrationRun run) {
        runs.removeIf(r -> r.runId().equals(run.runId()));
        runs.add(run);
        while (runs.size() > maxRuns) {
            runs.remove(0);
        }
        return runs;
    }
}
