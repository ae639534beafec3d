package dev.satwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Start-up failures of the real broker: they must surface as {@link EmbeddedKafkaException} and leave the JVM (and
 * this test run) alive, although Kafka itself treats them as fatal and would halt the process.
 */
class EmbeddedKafkaFailureIT {

    @Test
    void shouldThrowClearExceptionAndKeepJvmAliveWhenStartupExceedsTimeLimit() {
        // 50 ms is far below the ~1 s a combined node needs to elect itself, so start-up must time out.
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder().timeout(Duration.ofMillis(50)).build()) {
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("failed to start within PT0.05S");
            assertThat(kafka.isRunning()).isFalse();
            // The failed attempt removed its directory: nothing is left behind to format again.
            assertThatThrownBy(kafka::directory).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldReportBindFailureWhenListenerPortIsTaken() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int controllerPort;
        try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
            controllerPort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, loopback);
                EmbeddedKafka kafka = EmbeddedKafka.builder()
                        .timeout(Duration.ofSeconds(20))
                        // Overrides are applied on every attempt, so every retry hits the same taken port.
                        .property(
                                "listeners",
                                "PLAINTEXT://127.0.0.1:" + taken.getLocalPort() + ",CONTROLLER://127.0.0.1:"
                                        + controllerPort)
                        .property("controller.quorum.voters", "1@127.0.0.1:" + controllerPort)
                        .build()) {
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasRootCauseInstanceOf(BindException.class);
            assertThat(kafka.isRunning()).isFalse();
        }
    }
}
