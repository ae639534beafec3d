package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.http.Decisions;
import dev.satwatch.serde.ApiJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open alerts' transitions a {@link RunState} keeps (format 2), and the early-stop decision read from them. */
class RunStateOpenAlertsTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static Alert alert(AlertType type, Alert.State state, Instant ts, String message) {
        return new Alert(
                "r1",
                "cpt",
                type,
                Alert.Severity.WARNING,
                state,
                1,
                ts,
                3e10,
                Map.of("b", 2.0, "a", 1.0),
                2e10,
                message);
    }

    /** A run at D2 = 30 B of a 50 B target with the given alerts open. */
    private static RunState runWith(AlertType... open) {
        RunState s = RunState.create("r1");
        s.meta = new RunMeta("cpt", "base", 3e11, 1e9, 5e10, 1L << 20);
        TrackerConfig config = TrackerConfig.defaults();
        s.fitSplit = LossPoint.VAL;
        s.split(LossPoint.VAL, config.summary(), config.maxSplits()).summary.add(3e10, 2.5, Double.NaN);
        for (AlertType t : open) {
            s.alerts.open(t);
            s.rememberAlerts(List.of(alert(t, Alert.State.OPEN, T0, t + " message")), NOW);
        }
        return s;
    }

    @Test
    void shouldRoundTripTheOpenAlertsThroughBytes() {
        RunState s = runWith(AlertType.DIMINISHING_RETURNS, AlertType.LOSS_SPIKE);

        RunState back = RunState.fromBytes(s.toBytes());

        assertThat(back).isEqualTo(s);
        assertThat(back.openAlertTransitions()).isEqualTo(s.openAlertTransitions());
        assertThat(back.openAlertTransitions())
                .extracting(Alert::type)
                .as("alert-type declaration order, as openAlerts()")
                .containsExactlyElementsOf(s.openAlerts())
                .containsExactlyInAnyOrder(AlertType.LOSS_SPIKE, AlertType.DIMINISHING_RETURNS);
        assertThat(s.toBytes()[0]).isEqualTo(RunState.FORMAT_VERSION).isEqualTo((byte) 5);
    }

    @Test
    void shouldForgetAnAlertWhenItResolves() {
        RunState s = runWith(AlertType.DIMINISHING_RETURNS);

        s.rememberAlerts(List.of(alert(AlertType.DIMINISHING_RETURNS, Alert.State.RESOLVED, NOW, "ok")), NOW);

        assertThat(s.openAlertTransitions()).isEmpty();
    }

    @Test
    void shouldKeepProcessingTimeWhenTheOpeningEventHadNoTime() {
        RunState s = RunState.create("r1");

        s.rememberAlerts(List.of(alert(AlertType.STALLED, Alert.State.OPEN, null, "silent")), NOW);

        assertThat(s.openAlertTransitions().get(0).ts()).isEqualTo(NOW);
    }

    /** The state's bytes in format 4: format 5 without the schedule part at the end. */
    static byte[] version4(RunState s) {
        Bytes.Writer tail = new Bytes.Writer();
        ScheduleCodec.writeTo(tail, s.schedule, s.splits, s.lastFit());
        byte[] v5 = s.toBytes();
        byte[] v4 = java.util.Arrays.copyOf(v5, v5.length - tail.toArray().length);
        v4[0] = 4;
        return v4;
    }

    @Test
    void shouldReadVersionFourStateWithEmptyScheduleSums() {
        RunState s = runWith();
        s.split(LossPoint.VAL, TrackerConfig.defaults().summary(), 8).schedule.add(100, 3e10, 2.5, 3e-4);

        RunState back = RunState.fromBytes(version4(s));

        assertThat(back.meta()).isEqualTo(s.meta());
        assertThat(back.splits.get(LossPoint.VAL).schedule.binnedPoints()).isZero();
        assertThat(back.splits.get(LossPoint.VAL).summary).isEqualTo(s.splits.get(LossPoint.VAL).summary);
    }

    @Test
    void shouldReadVersionOneStateWithoutOpenAlertDetails() {
        RunState s = runWith();
        byte[] v4 = version4(s);
        // Version 1 is version 4 without the trailing cost rate (8 bytes, NaN here) and open-alert count (0, one byte).
        byte[] v1 = java.util.Arrays.copyOf(v4, v4.length - 9);
        v1[0] = 1;

        RunState back = RunState.fromBytes(v1);

        assertThat(back.openAlertTransitions()).isEmpty();
        assertThat(version4(back)).isEqualTo(v4);
    }

    @Test
    void shouldKeepTheRunsCostRateThroughBytesAndReadVersionThreeWithoutIt() {
        RunState s = runWith();
        s.meta = new RunMeta("cpt", null, 3e11, Double.NaN, 5e10, 0L, 12.5);

        assertThat(RunState.fromBytes(s.toBytes()).meta().costPerBillionTokens())
                .isEqualTo(12.5);

        // Version 3 is version 4 without the trailing cost rate (8 bytes).
        byte[] v4 = version4(s);
        byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 8);
        v3[0] = 3;
        RunState back = RunState.fromBytes(v3);
        assertThat(back.meta().costPerBillionTokens()).isNaN();
        assertThat(back.meta().targetD2Tokens()).isEqualTo(5e10);
    }

    @Test
    void shouldRecommendStopWhileDiminishingReturnsIsOpen() {
        RunState s = runWith(AlertType.EXPONENT_BELOW_PREDICTION, AlertType.DIMINISHING_RETURNS);

        ApiJson.Decision d = Decisions.of(s);

        assertThat(d.stop()).isTrue();
        assertThat(d.alertType()).isEqualTo(AlertType.DIMINISHING_RETURNS);
        assertThat(d.reason()).isEqualTo("DIMINISHING_RETURNS message");
        assertThat(d.since()).isEqualTo(T0);
        // What the stop saves is the alert's own figure (net of the cooldown), not recomputed here.
        assertThat(d.tokensSaved()).isEqualTo(2e10);
    }

    @Test
    void shouldNeverStopOnTheExponentWarningAlone() {
        ApiJson.Decision d = Decisions.of(runWith(AlertType.EXPONENT_BELOW_PREDICTION));

        assertThat(d.stop()).isFalse();
        assertThat(d.alertType()).isNull();
    }

    @Test
    void shouldNotStopOnOtherAlerts() {
        assertThat(Decisions.of(runWith(AlertType.LOSS_SPIKE, AlertType.STALLED)))
                .isEqualTo(ApiJson.Decision.CONTINUE);
    }
}
