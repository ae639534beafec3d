package dev.satwatch.cli;

import dev.satwatch.config.ConfigException;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.serve.ServingApp;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch run}: the streaming app against an external Kafka cluster. Configuration: defaults &lt;
 * {@code --config} file &lt; {@code SATWATCH_*} environment &lt; {@code --set} flags; every {@code kafka.*} key
 * goes to the Kafka clients. Runs until Ctrl-C (clean shutdown) or until Kafka Streams fails for good.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the satwatch streaming app against a Kafka cluster.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "2:bad flags", "65:bad configuration or law file", "70:the app failed"})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file (default: config/satwatch.properties when it exists).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SatwatchConfig cfg;
        try {
            SatwatchConfigLoader loader =
                    SatwatchConfigLoader.create().withEnv(System.getenv()).withOverrides(overrides);
            Path file = config != null ? config : SatwatchConfigLoader.DEFAULT_FILE;
            if (config != null || Files.exists(file)) {
                if (!Files.isRegularFile(file)) {
                    err.println("satwatch run: " + file + ": no such file");
                    return ExitCodes.NO_INPUT;
                }
                loader = loader.withFile(file);
            }
            cfg = loader.load();
        } catch (ConfigException e) {
            err.println("satwatch run: " + e.getMessage());
            return ExitCodes.DATA_ERROR;
        }
        try (ShutdownSignal shutdown = new ShutdownSignal();
                ServingApp serving = ServingApp.start(cfg, new StreamCounters())) {
            SatwatchApp app = serving.app();
            err.println("satwatch: application " + cfg.applicationId() + " on Kafka "
                    + cfg.kafka().get("bootstrap.servers") + " (" + cfg.processingGuarantee() + "); Ctrl-C stops");
            err.println("dashboard: " + serving.dashboardUrl());
            err.println("metrics: " + serving.dashboardUrl() + "metrics");
            err.flush();
            while (!shutdown.await(Duration.ofSeconds(1))) {
                KafkaStreams.State state = app.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    err.println("satwatch run: Kafka Streams stopped in state " + state + "; see the log above");
                    return 70;
                }
            }
            err.println("satwatch: stopping");
            return ExitCodes.OK;
        } catch (LawFileException e) {
            err.println("satwatch run: " + e.getMessage());
            return ExitCodes.DATA_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (java.io.IOException e) {
            err.println("satwatch run: cannot start the HTTP server on " + cfg.httpBind() + ":" + cfg.httpPort() + ": "
                    + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            err.println("satwatch run: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }
}
