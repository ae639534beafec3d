package dev.satwatch.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka connection flags of the producer commands ({@code replay}, {@code tail}, {@code simulate}): the bootstrap
 * servers, and any client setting (security included) from {@code kafka.*} keys of a properties file or from
 * {@code --kafka KEY=VALUE}. Precedence: file &lt; {@code --kafka} &lt; {@code --bootstrap-servers}.
 */
public final class KafkaOptions {

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (or kafka.bootstrap.servers in --config).")
    String bootstrapServers;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A satwatch.properties file: its kafka.* keys go to the Kafka client, prefix removed.")
    Path config;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description = "A Kafka client setting, e.g. --kafka security.protocol=SASL_SSL (repeatable).")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Option(
            names = "--topic",
            defaultValue = "satwatch.events",
            description = "Events topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--kafka-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How long to wait for Kafka to answer before giving up with one clear error"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration kafkaTimeout;

    /**
     * The Kafka client properties these flags describe, once the cluster has answered a metadata request: a
     * command-line tool should say "cannot reach Kafka" once, in seconds, rather than retry in the log.
     *
     * @throws CliException ({@link ExitCodes#UNAVAILABLE}) when no broker answers within {@code --kafka-timeout}
     */
    Map<String, Object> reachableClientProperties() {
        Map<String, Object> props = clientProperties();
        KafkaReachability.require(props, kafkaTimeout);
        return props;
    }

    /** The Kafka client properties these flags describe. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new CliException(ExitCodes.NO_INPUT, config + ": cannot read: " + e.getMessage());
            }
            for (String key : file.stringPropertyNames()) {
                if (key.startsWith("kafka.")) {
                    props.put(
                            key.substring("kafka.".length()),
                            file.getProperty(key).trim());
                }
            }
        }
        props.putAll(kafka);
        if (bootstrapServers != null) {
            props.put("bootstrap.servers", bootstrapServers);
        }
        if (!props.containsKey("bootstrap.servers")) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "no Kafka address: pass --bootstrap-servers HOST:PORT (or kafka.bootstrap.servers"
                            + " in --config)");
        }
        return props;
    }
}
