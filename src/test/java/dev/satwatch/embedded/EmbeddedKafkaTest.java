package dev.satwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builder validation and life-cycle guards that need no running broker (the broker itself: EmbeddedKafkaIT). */
class EmbeddedKafkaTest {

    @Test
    void shouldRejectPartitionCountBelowOne() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions");
    }

    @Test
    void shouldRejectZeroOrNegativeTimeout() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.builder().timeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectSaslUserNamesThatCannotBeJaasOptionNames() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslPlainUser("bob smith", "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslPlainUser("bob=admin", "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> EmbeddedKafka.builder().saslPlainUser("satwatch-app_1.x", "any \"password\""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAddressesAndTopicsBeforeTheFirstStart() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThat(kafka.isRunning()).isFalse();
        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(kafka::directory).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kafka.createTopics(Map.of("t", 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseSaslSettingsWhenNoSaslUserWasConfigured() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThatThrownBy(kafka::saslBootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("saslPlainUser");
        assertThatThrownBy(() -> kafka.saslClientProperties("u", "p")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCloseRepeatedlyWithoutStartingAndThenRefuseToStart() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThatCode(() -> {
                    kafka.close();
                    kafka.close();
                })
                .doesNotThrowAnyException();
        assertThatThrownBy(kafka::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldTreatStopOfNeverStartedBrokerAsNoOp() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThatCode(kafka::stop).doesNotThrowAnyException();
        assertThat(kafka.isRunning()).isFalse();
        kafka.close();
    }
}
