package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code -v/--verbose} of the commands a person runs in a terminal: without it the Kafka clients and the embedded
 * broker stay quiet (their retries and notices are not the user's business; satwatch says what matters in its own
 * words) and satwatch's own loggers print warnings only; with it both log at INFO.
 */
public final class LogOptions {

    /** The loggers of the Kafka clients, Kafka Streams and the in-process broker. */
    static final List<String> KAFKA_LOGGERS =
            List.of("org.apache.kafka", "kafka", "state.change.logger", "org.apache.zookeeper");

    /** The root of satwatch's own loggers. */
    static final String SATWATCH_LOGGER = "dev.satwatch";

    @Option(
            names = {"-v", "--verbose"},
            description = "Also print the Kafka clients' and broker's own log lines (quiet by default).")
    boolean verbose;

    /**
     * Sets the Kafka loggers' level: INFO with {@code --verbose}, else {@code quiet}.
     *
     * @param quiet e.g. {@link Level#OFF} for the demo (no Kafka line at all), {@link Level#ERROR} for producers
     */
    void apply(Level quiet) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            Level level = verbose ? Level.INFO : quiet;
            for (String name : KAFKA_LOGGERS) {
                context.getLogger(name).setLevel(level);
            }
            // satwatch's own notices (topics created, state changes) repeat what the command prints itself.
            context.getLogger(SATWATCH_LOGGER).setLevel(verbose ? Level.INFO : Level.WARN);
        }
    }
}
