package dev.satwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.AlertType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AlertStateTest {

    @Test
    void shouldOpenOnlyAfterOpenAfterConsecutiveTrueEvaluations() {
        AlertState s = AlertState.create();
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.NONE);
        // A false evaluation breaks the streak: two more true ones are not enough.
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, false, 3, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.OPENED);
        assertThat(s.openAlerts()).containsExactly(AlertType.DIMINISHING_RETURNS);
        assertThat(s.observe(AlertType.DIMINISHING_RETURNS, true, 3, 2)).isEqualTo(Transition.NONE);
    }

    @Test
    void shouldResolveOnlyAfterResolveAfterConsecutiveFalseEvaluationsAndNumberReopenings() {
        AlertState s = AlertState.create();
        assertThat(s.observe(AlertType.LOSS_SPIKE, true, 1, 2)).isEqualTo(Transition.OPENED);
        assertThat(s.sequence(AlertType.LOSS_SPIKE)).isEqualTo(1);
        assertThat(s.observe(AlertType.LOSS_SPIKE, false, 1, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.LOSS_SPIKE, true, 1, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.LOSS_SPIKE, false, 1, 2)).isEqualTo(Transition.NONE);
        assertThat(s.observe(AlertType.LOSS_SPIKE, false, 1, 2)).isEqualTo(Transition.RESOLVED);
        assertThat(s.isOpen(AlertType.LOSS_SPIKE)).isFalse();
        assertThat(s.observe(AlertType.LOSS_SPIKE, true, 1, 2)).isEqualTo(Transition.OPENED);
        assertThat(s.sequence(AlertType.LOSS_SPIKE)).isEqualTo(2);
    }

    @Test
    void shouldNotOpenTwiceOrResolveWhatIsNotOpen() {
        AlertState s = AlertState.create();
        assertThat(s.resolve(AlertType.STALLED)).isEqualTo(Transition.NONE);
        assertThat(s.open(AlertType.STALLED)).isEqualTo(Transition.OPENED);
        assertThat(s.open(AlertType.STALLED)).isEqualTo(Transition.NONE);
        assertThat(s.sequence(AlertType.STALLED)).isEqualTo(1);
    }

    @Test
    void shouldRoundTripThroughBytesWithinTheStatedBound() {
        AlertState s = AlertState.create();
        s.open(AlertType.STALLED);
        for (int i = 0; i < 300; i++) {
            s.observe(AlertType.FIT_UNRELIABLE, true, 1000, 3);
        }
        s.observe(AlertType.DIVERGENCE, false, 1, 1);
        byte[] b = s.toBytes();
        assertThat(b).hasSize(s.serializedSize());
        assertThat(b.length).isLessThanOrEqualTo(AlertState.MAX_SERIALIZED_BYTES);
        AlertState back = AlertState.fromBytes(b);
        assertThat(back).isEqualTo(s);
        assertThat(back.openAlerts()).containsExactly(AlertType.STALLED);
        // The streak survives: 700 more true evaluations open it at exactly 1000.
        for (int i = 0; i < 699; i++) {
            assertThat(back.observe(AlertType.FIT_UNRELIABLE, true, 1000, 3)).isEqualTo(Transition.NONE);
        }
        assertThat(back.observe(AlertType.FIT_UNRELIABLE, true, 1000, 3)).isEqualTo(Transition.OPENED);
    }

    @Test
    void shouldRejectCorruptBytes() {
        byte[] good = AlertState.create().toBytes();
        assertThatThrownBy(() -> AlertState.fromBytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertState.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertState.fromBytes(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertState.fromBytes(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> AlertState.fromBytes(version)).isInstanceOf(IllegalArgumentException.class);
        byte[] flag = good.clone();
        flag[1] = 7;
        assertThatThrownBy(() -> AlertState.fromBytes(flag)).isInstanceOf(IllegalArgumentException.class);
    }
}
