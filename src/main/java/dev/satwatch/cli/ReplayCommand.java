package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import dev.satwatch.event.RunEvent;
import dev.satwatch.io.CurveReader;
import dev.satwatch.io.InputProblem;
import dev.satwatch.io.ReadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch replay}: publishes the events of curve files (JSONL, CSV, trainer_state.json) and TensorBoard logdirs
 * to the events topic,
 * in file order, optionally at a fixed rate. Lines that cannot be decoded are reported (file, line, field) and not
 * sent.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Publish the events of curve files to the satwatch.events topic.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every event was acknowledged",
            "2:bad flags",
            "65:malformed input",
            "66:input file missing",
            "69:Kafka unreachable or records refused"
        })
public final class ReplayCommand implements Callable<Integer> {

    /** Seconds between progress lines. */
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Mixin
    InputOptions input;

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "0",
            description = "Events per second (default: as fast as possible).")
    double rate;

    @Override
    public Integer call() {
        log.apply(Level.ERROR);
        PrintWriter err = spec.commandLine().getErr();
        try {
            input.requireSome();
            var props = kafka.reachableClientProperties();
            try (EventPublisher publisher = new EventPublisher(props, kafka.topic)) {
                Map<Path, String> defaultIds = CurveReader.defaultRunIds(input.inputs);
                for (Path file : input.inputs) {
                    replay(file, CurveInputs.read(file, input.read, defaultIds.get(file)), publisher, err);
                }
                for (Path logdir : input.logdirs) {
                    replay(logdir, CurveInputs.readLogdir(logdir, input.read), publisher, err);
                }
                err.println(publisher.finish("replayed"));
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            err.println("satwatch replay: " + e.getMessage());
            return e.exitCode();
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("satwatch replay: Kafka client error: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }

    private void replay(Path file, ReadResult result, EventPublisher publisher, PrintWriter err) {
        for (InputProblem p : result.problems()) {
            err.println("warning: not sent: " + p.describe());
        }
        if (input.read.strict && !result.problems().isEmpty()) {
            throw new CliException(
                    ExitCodes.DATA_ERROR, result.problems().size() + " invalid lines or records in " + file);
        }
        Pacer pacer = new Pacer(rate);
        long lastProgress = System.nanoTime();
        int total = result.events().size();
        int done = 0;
        for (RunEvent event : result.events()) {
            pacer.acquire();
            publisher.send(event);
            done++;
            if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
                lastProgress = System.nanoTime();
                err.printf(Locale.ROOT, "%s: %d/%d events sent%n", file.getFileName(), done, total);
            }
        }
    }
}
