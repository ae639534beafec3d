package dev.satwatch.track;

import dev.satwatch.detect.AlertState;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.PowerLaw;
import dev.satwatch.fit.ScheduleSummary;
import dev.satwatch.fit.SummaryConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the tracker keeps about one run between events: the value of the {@code run-state-store}.
 *
 * <p>Holds the merged metadata, per split a {@link CurveSummary} plus a bounded step set for dedupe, the counters,
 * the latest {@link FitUpdate} and the warm-start parameters of the next fit, and the {@link AlertState}. Only
 * {@link RunTracker} changes it.
 *
 * <h2>Bytes and size</h2>
 *
 * {@link #toBytes()} writes a version byte and the fields; {@link #fromBytes} reads them back (the round trip is
 * equal by content) and throws {@link IllegalArgumentException} on bytes it did not write. A typical run (one or two
 * splits logged in order) serializes to the curve summaries (each ≤ {@link CurveSummary#MAX_SERIALIZED_BYTES}) and
 * schedule summaries (each ≤ {@link ScheduleSummary#MAX_SERIALIZED_BYTES}) plus about 400 bytes and the last
 * forecast (about 250; 2.7 KB per run in {@code satwatch bench}); the worst case is bounded: {@value #MAX_SPLITS}
 * splits × (summary + schedule summary + 2 step sets of ≤ 490 bytes + 50) + strings of ≤ 1 KB each (run id, setting,
 * base model, split names, carried in the last fit too, the forecast's source and note) + about 750 bytes, below 42
 * KB, plus the OPEN transition of each open alert (version 2): its message, setting and values,
 * typically 200–400 bytes each, at most {@value #MAX_ALERT_VALUES} values and ≤ 1 KB per string, so at most about
 * 11 KB per alert type in the worst case.
 *
 * <p>Mutable and <b>not thread-safe</b>: it has one owner, the stream task of its run's partition. Equality is by
 * content (of the serialized form).
 */
public final class RunState {

    /**
     * Format version written as the first byte of {@link #toBytes()}. Version 2 added the open alerts' transitions
     * at the end, version 3 the last fit's early-stop numbers, version 4 the run's cost rate at the very end, version 5
     * (after it) the planned schedule, each split's {@link ScheduleSummary} and the last fit's schedule forecast; bytes
     * of versions 1 to 4 (written before) are still read, with no open-alert details (1), NaN early-stop numbers (1,
     * 2), no cost rate (1 to 3) and empty schedule summaries (1 to 4: the sums restart from the next point).
     */
    public static final byte FORMAT_VERSION = 5;

    /** Version 4: no schedule part. */
    private static final byte FORMAT_VERSION_4 = 4;

    /** Version 3: no cost rate (read as NaN). */
    private static final byte FORMAT_VERSION_3 = 3;

    /** Version 2: the last fit without the early-stop numbers (read with them NaN). */
    private static final byte FORMAT_VERSION_2 = 2;

    private static final byte FORMAT_VERSION_1 = 1;

    /** Most entries of an open alert's {@link Alert#values()} kept (the rules write two or three). */
    private static final int MAX_ALERT_VALUES = 8;

    /** Most splits a state can hold, whatever {@link TrackerConfig#maxSplits()} says. */
    public static final int MAX_SPLITS = 8;

    final String runId;
    RunMeta meta = RunMeta.EMPTY;
    boolean started;
    boolean finished;
    boolean finishedByStall;
    /** Whether DIVERGENCE ever opened: such a run never calibrates the law. */
    boolean diverged;

    long accepted;
    long duplicates;
    long ignoredSplitPoints;
    Instant lastWallClock;
    final Map<String, SplitTrack> splits = new LinkedHashMap<>();
    String fitSplit;
    long fitSequence;
    int pointsSinceFit;
    /** Free-fit parameters for the next warm start; {@link PowerLaw#NONE} before the first converged fit. */
    PowerLaw warm = PowerLaw.NONE;
    /** The decision curve the spike rule compares points with; {@link PowerLaw#NONE} before a reliable fit. */
    PowerLaw curve = PowerLaw.NONE;

    FitUpdate lastFit;

    /** The planned LR schedule from {@code run_started}; null when not given. */
    PlannedSchedule schedule;

    AlertState alerts = AlertState.create();
    /**
     * The OPEN transition of every open alert (the HTTP API and the early-stop decision report its message and
     * time). Kept in step with {@link #alerts} by {@link #rememberAlerts}.
     */
    final Map<AlertType, Alert> openAlertDetails = new EnumMap<>(AlertType.class);
    /** Length of the last {@link #toBytes()} (not part of the state): sizes the next one's buffer. */
    private int lastSize = 2048;

    private RunState(String runId) {
        this.runId = runId;
    }

    /**
     * An empty state for a run.
     *
     * @throws NullPointerException when runId is null
     */
    public static RunState create(String runId) {
        return new RunState(Objects.requireNonNull(runId, "runId"));
    }

    /** The run id. */
    public String runId() {
        return runId;
    }

    /** The merged metadata ({@link RunMeta#EMPTY} before any). */
    public RunMeta meta() {
        return meta;
    }

    /** Whether the run finished (run_finished, or silent past {@code finishAfterStalled}). */
    public boolean finished() {
        return finished;
    }

    /** Events accepted. */
    public long accepted() {
        return accepted;
    }

    /** Events counted as duplicates. */
    public long duplicates() {
        return duplicates;
    }

    /** Processing time of the last accepted event, null before any (drives STALLED). */
    public Instant lastWallClock() {
        return lastWallClock;
    }

    /** The latest fit, null before the first. */
    public FitUpdate lastFit() {
        return lastFit;
    }

    /** The open alert types. */
    public List<AlertType> openAlerts() {
        return alerts.openAlerts();
    }

    /**
     * The OPEN transitions of the alerts open now, in alert-type order. An alert that opened before this record was
     * kept (state written by format version 1) is in {@link #openAlerts()} but not here.
     */
    public List<Alert> openAlertTransitions() {
        return List.copyOf(openAlertDetails.values());
    }

    /**
     * Keeps the OPEN transitions of {@code transitions} and forgets the alerts they resolve, in order. An opening
     * without an event time (producers may omit {@code ts}) is kept with {@code now}, the processing time, so that
     * "open since" is always known.
     */
    void rememberAlerts(List<Alert> transitions, Instant now) {
        for (Alert a : transitions) {
            if (a.state() == Alert.State.OPEN) {
                openAlertDetails.put(
                        a.type(),
                        a.ts() != null
                                ? a
                                : new Alert(
                                        a.runId(),
                                        a.setting(),
                                        a.type(),
                                        a.severity(),
                                        a.state(),
                                        a.sequence(),
                                        now,
                                        a.d2Tokens(),
                                        a.values(),
                                        a.tokensSaved(),
                                        a.message()));
            } else {
                openAlertDetails.remove(a.type());
            }
        }
    }

    /** The alert bookkeeping (read-only use outside the tracker). */
    public AlertState alertState() {
        return alerts;
    }

    /** The split currently fitted ({@code val} once it has points, else {@code train}); null before any. */
    public String fitSplit() {
        return fitSplit;
    }

    /** A copy of a split's curve summary, or null when the split has none. */
    public CurveSummary summary(String split) {
        SplitTrack t = splits.get(split);
        return t == null ? null : t.summary.copy();
    }

    /** The summarised split names, in order of first appearance. */
    public List<String> splitNames() {
        return List.copyOf(splits.keySet());
    }

    SplitTrack split(String name, SummaryConfig config, int maxSplits) {
        SplitTrack t = splits.get(name);
        if (t == null && splits.size() < Math.min(maxSplits, MAX_SPLITS)) {
            t = SplitTrack.create(config);
            splits.put(name, t);
        }
        return t;
    }

    /** Size in bytes of {@link #toBytes()} (computed by serializing). */
    public int serializedSize() {
        return toBytes().length;
    }

    /** The versioned binary form. */
    public byte[] toBytes() {
        // Sized from the last encoding: growing the buffer by doubling was 5 % of the stream thread (JFR).
        Bytes.Writer w = new Bytes.Writer(lastSize + 256);
        w.put(FORMAT_VERSION);
        w.putString(runId);
        w.putString(meta.setting()).putString(meta.baseModel());
        w.putDouble(meta.d1Tokens()).putDouble(meta.params()).putDouble(meta.targetD2Tokens());
        w.putSignedVarLong(meta.tokensPerStep());
        int flags = (started ? 1 : 0)
                | (finished ? 2 : 0)
                | (finishedByStall ? 4 : 0)
                | (lastWallClock != null ? 8 : 0)
                | (lastFit != null ? 16 : 0)
                | (diverged ? 32 : 0);
        w.put((byte) flags);
        w.putVarLong(accepted).putVarLong(duplicates).putVarLong(ignoredSplitPoints);
        if (lastWallClock != null) {
            w.putSignedVarLong(lastWallClock.getEpochSecond()).putVarLong(lastWallClock.getNano());
        }
        w.putString(fitSplit);
        w.putVarLong(fitSequence).putVarLong(pointsSinceFit);
        w.putDouble(warm.e()).putDouble(warm.b()).putDouble(warm.alpha());
        w.putDouble(curve.e()).putDouble(curve.b()).putDouble(curve.alpha());
        w.putVarLong(splits.size());
        for (Map.Entry<String, SplitTrack> e : splits.entrySet()) {
            w.putString(e.getKey());
            e.getValue().writeTo(w);
        }
        byte[] alertBytes = alerts.toBytes();
        w.putBytes(alertBytes);
        if (lastFit != null) {
            FitUpdates.writeTo(w, lastFit);
        }
        w.putVarLong(openAlertDetails.size());
        for (Alert a : openAlertDetails.values()) {
            writeAlert(w, a);
        }
        w.putDouble(meta.costPerBillionTokens());
        ScheduleCodec.writeTo(w, schedule, splits, lastFit);
        byte[] out = w.toArray();
        lastSize = out.length;
        return out;
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are null, truncated, of another version or inconsistent
     */
    public static RunState fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("run state bytes must not be null");
        }
        Bytes.Reader r = new Bytes.Reader(bytes);
        byte version = r.get();
        if (version != FORMAT_VERSION
                && version != FORMAT_VERSION_4
                && version != FORMAT_VERSION_3
                && version != FORMAT_VERSION_2
                && version != FORMAT_VERSION_1) {
            throw new IllegalArgumentException("run state: unknown format version " + version);
        }
        String runId = r.getString();
        if (runId == null) {
            throw new IllegalArgumentException("run state: missing run id");
        }
        RunState s = new RunState(runId);
        String setting = r.getString();
        String baseModel = r.getString();
        double d1 = r.getDouble();
        double params = r.getDouble();
        double target = r.getDouble();
        long tps = r.getSignedVarLong();
        s.meta = new RunMeta(setting, baseModel, d1, params, target, tps);
        int flags = r.get();
        if ((flags & ~63) != 0) {
            throw new IllegalArgumentException("run state: bad flags " + flags);
        }
        s.started = (flags & 1) != 0;
        s.finished = (flags & 2) != 0;
        s.finishedByStall = (flags & 4) != 0;
        s.diverged = (flags & 32) != 0;
        s.accepted = r.getNonNegative(Long.MAX_VALUE);
        s.duplicates = r.getNonNegative(Long.MAX_VALUE);
        s.ignoredSplitPoints = r.getNonNegative(Long.MAX_VALUE);
        if ((flags & 8) != 0) {
            long sec = r.getSignedVarLong();
            long nano = r.getNonNegative(999_999_999L);
            try {
                s.lastWallClock = Instant.ofEpochSecond(sec, nano);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("run state: bad wall clock", e);
            }
        }
        s.fitSplit = r.getString();
        s.fitSequence = r.getNonNegative(Long.MAX_VALUE);
        s.pointsSinceFit = (int) r.getNonNegative(Integer.MAX_VALUE);
        s.warm = new PowerLaw(r.getDouble(), r.getDouble(), r.getDouble());
        s.curve = new PowerLaw(r.getDouble(), r.getDouble(), r.getDouble());
        int n = (int) r.getNonNegative(MAX_SPLITS);
        for (int i = 0; i < n; i++) {
            String name = r.getString();
            if (name == null || s.splits.containsKey(name)) {
                throw new IllegalArgumentException("run state: bad split name");
            }
            s.splits.put(name, SplitTrack.readFrom(r));
        }
        s.alerts = AlertState.fromBytes(r.getBytes(AlertState.MAX_SERIALIZED_BYTES));
        if ((flags & 16) != 0) {
            s.lastFit = FitUpdates.readFrom(r, version >= FORMAT_VERSION_3);
        }
        if (version != FORMAT_VERSION_1) {
            int open = (int) r.getNonNegative(AlertType.values().length);
            for (int i = 0; i < open; i++) {
                Alert a = readAlert(r, runId);
                if (s.openAlertDetails.put(a.type(), a) != null) {
                    throw new IllegalArgumentException("run state: open alert " + a.type() + " twice");
                }
            }
        }
        if (version >= FORMAT_VERSION_4) {
            double cost = r.getDouble();
            s.meta = new RunMeta(setting, baseModel, d1, params, target, tps, cost);
        }
        if (version == FORMAT_VERSION) {
            s.schedule = ScheduleCodec.readFrom(r, s.splits);
            if (s.lastFit != null) {
                s.lastFit = s.lastFit.withSchedule(ScheduleCodec.readForecast(r));
            } else {
                ScheduleCodec.readForecast(r);
            }
        }
        r.requireEnd();
        return s;
    }

    /** An OPEN transition without its run id (the state's own); at most about 1.2 KB with the message. */
    private static void writeAlert(Bytes.Writer w, Alert a) {
        w.put((byte) a.type().ordinal()).put((byte) a.severity().ordinal());
        w.putVarLong(a.sequence());
        w.putString(a.setting()).putString(a.message());
        w.put((byte) (a.ts() != null ? 1 : 0));
        if (a.ts() != null) {
            w.putSignedVarLong(a.ts().getEpochSecond()).putVarLong(a.ts().getNano());
        }
        w.putDouble(a.d2Tokens()).putDouble(a.tokensSaved());
        List<Map.Entry<String, Double>> values = new ArrayList<>(new TreeMap<>(a.values()).entrySet());
        int n = Math.min(values.size(), MAX_ALERT_VALUES);
        w.putVarLong(n);
        for (int i = 0; i < n; i++) {
            w.putString(values.get(i).getKey()).putDouble(values.get(i).getValue());
        }
    }

    private static Alert readAlert(Bytes.Reader r, String runId) {
        AlertType[] types = AlertType.values();
        Alert.Severity[] severities = Alert.Severity.values();
        int type = r.get();
        int severity = r.get();
        if (type < 0 || type >= types.length || severity < 0 || severity >= severities.length) {
            throw new IllegalArgumentException("run state: bad open alert type or severity");
        }
        int sequence = (int) r.getNonNegative(Integer.MAX_VALUE);
        String setting = r.getString();
        String message = r.getString();
        int hasTs = r.get();
        Instant ts = null;
        if (hasTs == 1) {
            long sec = r.getSignedVarLong();
            long nano = r.getNonNegative(999_999_999L);
            try {
                ts = Instant.ofEpochSecond(sec, nano);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("run state: bad alert time", e);
            }
        } else if (hasTs != 0) {
            throw new IllegalArgumentException("run state: bad alert time flag");
        }
        double d2 = r.getDouble();
        double saved = r.getDouble();
        int n = (int) r.getNonNegative(MAX_ALERT_VALUES);
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = r.getString();
            if (key == null) {
                throw new IllegalArgumentException("run state: bad alert value name");
            }
            values.put(key, r.getDouble());
        }
        return new Alert(
                runId,
                setting,
                types[type],
                severities[severity],
                Alert.State.OPEN,
                sequence,
                ts,
                d2,
                values,
                saved,
                message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunState other && java.util.Arrays.equals(toBytes(), other.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "RunState[" + runId + ", accepted=" + accepted + ", duplicates=" + duplicates + ", splits="
                + splits.keySet() + ", open=" + openAlerts() + "]";
    }
}
