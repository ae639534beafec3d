package dev.satwatch.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Fails fast, with one sentence, when no Kafka broker answers: before a producer starts retrying in the log. */
final class KafkaReachability {

    private KafkaReachability() {}

    /**
     * Asks the cluster for its brokers (with the same client settings, security included) and waits at most
     * {@code timeout}.
     *
     * @throws CliException ({@link ExitCodes#UNAVAILABLE}) naming the bootstrap servers when no broker answers, or
     *     with the cluster's own reason when it refuses (e.g. authentication)
     */
    static void require(Map<String, Object> clientProperties, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "satwatch-reachability");
        String servers = String.valueOf(props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
                        .nodes()
                        .get(ms + 1000L, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                boolean timedOut = e instanceof TimeoutException
                        || cause instanceof org.apache.kafka.common.errors.TimeoutException;
                throw new CliException(
                        ExitCodes.UNAVAILABLE,
                        timedOut
                                ? "cannot reach Kafka at " + servers + ": no broker answered within "
                                        + timeout.toSeconds() + " s (is it running? check --bootstrap-servers)"
                                : "Kafka at " + servers + " refused the connection: " + cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while reaching Kafka at " + servers);
            } finally {
                admin.close(Duration.ZERO);
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliException(ExitCodes.USAGE, "bad Kafka client settings: " + e.getMessage());
        }
    }
}
