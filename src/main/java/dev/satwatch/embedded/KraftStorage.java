package dev.satwatch.embedded;

import static dev.satwatch.embedded.BrokerConfig.CONTROLLER_LISTENER;
import static dev.satwatch.embedded.BrokerConfig.NODE_ID;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The KRaft storage formatting of a fresh {@link EmbeddedKafka} node. */
final class KraftStorage {

    // EmbeddedKafka's logger, so the log output names the class it always did.
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private KraftStorage() {}

    /**
     * Formats the log directory for a fresh single-node KRaft cluster with Kafka's own
     * {@link Formatter} (what {@code kafka-storage.sh format} runs): a new cluster id, this node's id, the
     * controller listener and the latest production metadata version.
     */
    static void format(Map<String, String> config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String logDir = config.get("log.dirs");
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException(
                    "formatting " + logDir + " failed: " + e.getMessage() + " "
                            + output.toString(StandardCharsets.UTF_8).strip(),
                    e);
        }
        LOG.debug(
                "Formatted {}: {}",
                logDir,
                output.toString(StandardCharsets.UTF_8).strip());
    }
}
