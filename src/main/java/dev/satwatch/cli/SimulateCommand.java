package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Realism;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch simulate}: a synthetic fleet drawn from reuse laws (several settings and D1 values; run-to-run
 * spread of α and E; WSD, cosine, linear and constant LR schedules carried in each point's {@code lr}; growth bumps;
 * autocorrelated noise; healthy, saturating, diverging, spiking and stalling runs) published to the events topic, or
 * written to a JSONL file with {@code --output}. {@code --ideal} draws the idealised fleet instead (every run on its
 * setting's law, one WSD shape, white noise).
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Publish a simulated training fleet to satwatch.events (or write it to a JSONL file).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every event was published", "2:bad flags", "69:Kafka unreachable", "74:cannot write"})
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Option(names = "--runs", defaultValue = "50", description = "Runs in the fleet (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--points",
            defaultValue = "400",
            description = "Logged points per run (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(
            names = "--rate",
            defaultValue = "200",
            paramLabel = "EVENTS_PER_S",
            description = "Events per second (default: ${DEFAULT-VALUE}; 0 with --duration follows the timeline).")
    double rate;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Instead of a fixed rate, compress the fleet's timeline into this (e.g. 5m).")
    Duration duration;

    @Option(
            names = "--noise",
            defaultValue = "0.005",
            description = "Standard deviation of the log-loss noise (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(
            names = "--noise-correlation",
            defaultValue = "0.6",
            paramLabel = "PHI",
            description = "Lag-one correlation of the noise between logged points, 0 for white noise"
                    + " (default: ${DEFAULT-VALUE}).")
    double noiseCorrelation;

    @Option(
            names = "--alpha-spread",
            defaultValue = "0.08",
            description = "Run-to-run spread of the D2 exponent around the law, log scale (default: ${DEFAULT-VALUE}).")
    double alphaSpread;

    @Option(
            names = "--e-spread",
            defaultValue = "0.01",
            description = "Run-to-run relative spread of the irreducible loss E (default: ${DEFAULT-VALUE}).")
    double eSpread;

    @Option(
            names = "--ideal",
            description = "The idealised fleet: no spread, one WSD shape, white noise (ignores the four options above"
                    + " but --noise).")
    boolean ideal;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the events as JSONL instead of to Kafka.")
    Path output;

    @picocli.CommandLine.Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        log.apply(Level.ERROR);
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1) {
            err.println("satwatch simulate: --runs must be at least 1 (got " + runs + ")");
            return ExitCodes.USAGE;
        }
        if (points < 10) {
            err.println("satwatch simulate: --points must be at least 10 (got " + points + ")");
            return ExitCodes.USAGE;
        }
        FleetSpec fleetSpec;
        try {
            fleetSpec = ideal
                    ? FleetSpec.defaults(runs).withNoise(noise).withPointsPerRun(points)
                    : FleetSpec.realistic(runs)
                            .withNoise(noise)
                            .withPointsPerRun(points)
                            .withRealism(Realism.defaults()
                                    .withNoisePhi(noiseCorrelation)
                                    .withSpread(alphaSpread, eSpread));
        } catch (IllegalArgumentException e) {
            err.println("satwatch simulate: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        List<SimRun> fleet = Fleet.generate(fleetSpec, seed);
        List<TimedEvent> events = Fleet.interleave(fleet);
        err.printf(Locale.ROOT, "simulated %d runs, %d events (seed %d)%n", fleet.size(), events.size(), seed);
        try {
            if (output != null) {
                return writeFile(events, err);
            }
            return publish(events, err);
        } catch (CliException e) {
            err.println("satwatch simulate: " + e.getMessage());
            return e.exitCode();
        }
    }

    private int writeFile(List<TimedEvent> events, PrintWriter err) {
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (TimedEvent e : events) {
                out.write(EventCodec.toJsonString(e.event()));
                out.newLine();
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.IO_ERROR, output + ": " + e.getMessage());
        }
        err.println("wrote " + events.size() + " events to " + output);
        return ExitCodes.OK;
    }

    private int publish(List<TimedEvent> events, PrintWriter err) {
        double effectiveRate = duration != null ? 0 : rate;
        Duration span = duration != null ? duration : Duration.ZERO;
        try (ShutdownSignal shutdown = new ShutdownSignal();
                EventPublisher publisher = new EventPublisher(kafka.reachableClientProperties(), kafka.topic)) {
            SimulationFeed feed = new SimulationFeed(events, span, effectiveRate, publisher);
            Thread thread = new Thread(feed, "satwatch-simulator");
            thread.start();
            while (thread.isAlive()) {
                if (shutdown.await(Duration.ofSeconds(5))) {
                    feed.stop();
                }
                err.printf(Locale.ROOT, "published %d/%d events%n", feed.published(), feed.total());
            }
            thread.join();
            if (feed.failure() != null) {
                throw feed.failure();
            }
            err.println(publisher.finish("published"));
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "Kafka client error: " + e.getMessage());
        }
    }
}
