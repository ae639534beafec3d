package dev.satwatch.stream;

import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.law.ReuseLaw;
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
 * (key = setting, value = the run's {@link CalibrationRun}). The {@value StreamNames#CALIBRATION_STORE} keeps, per
 * setting, the newest {@code maxRuns} runs (a run finishing again replaces its earlier entry). After each run it
 * refits the law with {@link LawCalibrator} on the kept runs and, when there are at least {@code minRuns} of them
 * and the fit converged to finite constants, publishes it to {@code satwatch.laws} as a one-entry {@link LawJson}
 * document (with standard errors, RMSE and runs used) keyed by setting; the global laws store then serves it to
 * every run of that setting.
 *
 * <p>Cost: one multi-start calibration per finished run (tens of milliseconds for 64 runs), which is rare next to
 * loss events. One instance per task; not thread-safe.
 */
public final class LawCalibrationProcessor implements Processor<String, CalibrationRun, String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(LawCalibrationProcessor.class);

    private final LawCalibrator calibrator;
    private final int maxRuns;
    private final int minRuns;
    private final StreamCounters counters;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    /**
     * A processor keeping at most {@code maxRuns} runs per setting and publishing once it has {@code minRuns}.
     *
     * @throws IllegalArgumentException when {@code maxRuns < 1} or {@code minRuns} is not in [1, maxRuns]
     */
    public LawCalibrationProcessor(LawCalibrator calibrator, int maxRuns, int minRuns, StreamCounters counters) {
        if (maxRuns < 1 || minRuns < 1 || minRuns > maxRuns) {
            throw new IllegalArgumentException(
                    "need 1 <= minRuns <= maxRuns, got minRuns=" + minRuns + ", maxRuns=" + maxRuns);
        }
        this.calibrator = calibrator;
        this.maxRuns = maxRuns;
        this.minRuns = minRuns;
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
        if (runs.size() < minRuns) {
            return;
        }
        LawFit fit = calibrator.fit(runs);
        if (!publishable(fit)) {
            LOG.info("law for setting {} not published: calibration on {} runs did not converge", setting, runs.size());
            return;
        }
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

    private static boolean publishable(LawFit fit) {
        ReuseLaw law = fit.law();
        return fit.converged()
                && Double.isFinite(law.a())
                && law.a() > 0
                && Double.isFinite(law.alpha1())
                && Double.isFinite(law.alpha2())
                && Double.isFinite(law.alpha3())
                && Double.isFinite(law.e())
                && law.e() >= 0;
    }
}
