package dev.satwatch.stream;

/**
 * The names of the topology's nodes and stores (STYLE habit 4): processors fetch stores and address children by
 * these constants, and {@code SatwatchTopologyTest} asserts them in {@code topology.describe()}.
 */
public final class StreamNames {

    /** Source of {@code satwatch.events}. */
    public static final String EVENTS_SOURCE = "events-source";

    /** {@link EventParseProcessor}. */
    public static final String EVENT_PARSE = "event-parse";

    /** Sink of {@code satwatch.events-by-run}: events re-keyed by run_id. */
    public static final String EVENTS_BY_RUN_SINK = "events-by-run-sink";

    /** Source of {@code satwatch.events-by-run}. */
    public static final String EVENTS_BY_RUN_SOURCE = "events-by-run-source";

    /** {@link RunProcessor}. */
    public static final String RUN_PROCESSOR = "run-processor";

    /** Sink of {@code satwatch.dead-letter}. */
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    /** Sink of {@code satwatch.fits}. */
    public static final String FITS_SINK = "fits-sink";

    /** Sink of {@code satwatch.alerts}. */
    public static final String ALERTS_SINK = "alerts-sink";

    /** Sink of {@code satwatch.finished-runs}. */
    public static final String FINISHED_RUNS_SINK = "finished-runs-sink";

    /** Source of {@code satwatch.finished-runs}. */
    public static final String FINISHED_RUNS_SOURCE = "finished-runs-source";

    /** {@link LawCalibrationProcessor}. */
    public static final String LAW_CALIBRATION = "law-calibration";

    /** Sink of {@code satwatch.laws}. */
    public static final String LAWS_SINK = "laws-sink";

    /** Global source of {@code satwatch.laws}. */
    public static final String LAWS_SOURCE = "laws-source";

    /** {@link LawStoreUpdater}. */
    public static final String LAWS_UPDATER = "laws-store-updater";

    /** Per-run state: run_id → {@code RunState} bytes (changelogged). */
    public static final String RUN_STATE_STORE = "run-state-store";

    /** Per-run law version last applied: run_id → version (changelogged). */
    public static final String RUN_LAW_STORE = "run-law-store";

    /** Global: setting → law document bytes as published on {@code satwatch.laws}. */
    public static final String LAWS_STORE = "laws-store";

    /** Per-setting bounded list of finished runs' calibration points (changelogged). */
    public static final String CALIBRATION_STORE = "calibration-store";

    private StreamNames() {}
}
