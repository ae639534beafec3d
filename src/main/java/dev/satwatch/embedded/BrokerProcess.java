package dev.satwatch.embedded;

import static dev.satwatch.embedded.BrokerConfig.HOST;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up and shutdown of the {@code KafkaRaftServer} of an {@link EmbeddedKafka}, with Kafka's process-wide exit
 * and halt hooks replaced by a recorder while they run.
 */
final class BrokerProcess {

    // EmbeddedKafka's logger, so the log output names the class it always did.
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    // Kafka's exit and halt hooks are process-wide: one start-up or shutdown at a time may replace them.
    private static final Object PROCESS_EXIT_LOCK = new Object();

    private BrokerProcess() {}

    /**
     * Starts a broker with {@code config}, its exit hooks disarmed; a failed start shuts it down again and throws
     * {@link EmbeddedKafkaException} naming {@code brokerPort} and {@code timeout}.
     */
    static KafkaRaftServer launch(Map<String, String> config, int brokerPort, Duration timeout) {
        synchronized (PROCESS_EXIT_LOCK) {
            AtomicReference<String> exitRequest = disarmProcessExit();
            KafkaRaftServer raftServer = null;
            try {
                // doLog=false: the full config dump is noise; server.properties in the directory has it.
                raftServer = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
                raftServer.startup();
                if (exitRequest.get() != null) {
                    throw new IllegalStateException("Kafka requested process " + exitRequest.get());
                }
                return raftServer;
            } catch (Exception e) {
                // Exception, not RuntimeException: Scala code rethrows checked exceptions such as TimeoutException.
                if (raftServer != null) {
                    try {
                        raftServer.shutdown();
                        raftServer.awaitShutdown();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw new EmbeddedKafkaException(
                        "Kafka broker at " + HOST + ":" + brokerPort + " failed to start within " + timeout + ": "
                                + e.getMessage(),
                        e);
            } finally {
                rearmProcessExit();
            }
        }
    }

    /** Shuts a broker down and waits for it, its exit hooks disarmed. */
    static void shutdown(KafkaRaftServer raftServer) {
        synchronized (PROCESS_EXIT_LOCK) {
            AtomicReference<String> exitRequest = disarmProcessExit();
            try {
                raftServer.shutdown();
                raftServer.awaitShutdown();
            } finally {
                rearmProcessExit();
            }
            if (exitRequest.get() != null) {
                LOG.warn("Kafka requested process {} while shutting down; ignored", exitRequest.get());
            }
        }
    }

    /**
     * Replaces Kafka's process exit and halt with a recorder. Kafka treats every start-up failure (a port taken,
     * the start-up time limit) as fatal and halts the JVM, which would end the demo or a whole test run without a
     * word; recorded instead, Kafka's own failure path goes on (it shuts the node down and rethrows) and the
     * caller gets an exception. Callers hold {@link #PROCESS_EXIT_LOCK} and call {@link #rearmProcessExit()} in a
     * finally block, so a fatal fault while the broker runs still stops the process as Kafka intends.
     */
    private static AtomicReference<String> disarmProcessExit() {
        AtomicReference<String> request = new AtomicReference<>();
        Exit.Procedure record = (code, message) ->
                request.compareAndSet(null, "exit " + code + (message == null ? "" : " (" + message + ")"));
        Exit.setExitProcedure(record);
        Exit.setHaltProcedure(record);
        return request;
    }

    private static void rearmProcessExit() {
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
    }
}
