package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import dev.satwatch.event.RunEvent;
import dev.satwatch.io.FileTailer;
import dev.satwatch.io.InputFormat;
import dev.satwatch.io.InputFormatException;
import dev.satwatch.io.InputProblem;
import dev.satwatch.io.LineDecoder;
import dev.satwatch.io.TensorBoardLogdir;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch tail}: follows a growing JSONL or CSV training log and publishes each new line's events as it is
 * written, like {@code tail -F} (waits for the file, survives truncation and rotation); or, with
 * {@code --tensorboard}, every event file of a TensorBoard logdir, new runs and files included. Runs until Ctrl-C, or until
 * the file has been idle for {@code --idle-exit}.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Follow a growing JSONL or CSV log, or a TensorBoard logdir, and publish its events to"
                + " satwatch.events.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped (Ctrl-C or --idle-exit) with every event acknowledged",
            "2:bad flags",
            "65:malformed input (--strict) or unsupported format",
            "69:Kafka unreachable or records refused",
            "74:the file cannot be read"
        })
public final class TailCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(500);

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Option(
            names = {"-f", "--file", "-i", "--input"},
            paramLabel = "FILE",
            description = "The log to follow (--input as in fit, replay and demo).")
    Path file;

    @Option(
            names = "--tensorboard",
            paramLabel = "LOGDIR",
            description = "Instead of --file: follow a TensorBoard logdir, every events.out.tfevents.* file under it,"
                    + " new run folders and files included (a run per folder; tags: see --loss-tag).")
    Path logdir;

    @Mixin
    FormatOptions read;

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--http",
            paramLabel = "URL",
            description = "Post the events to this satwatch server's /api/events (e.g. http://satwatch:8080) instead"
                    + " of Kafka, in batches, retried while the server answers 503; the bearer token, if the server"
                    + " wants one, comes from the SATWATCH_HTTP_TOKEN environment variable.")
    URI http;

    @Option(names = "--from-end", description = "Skip what the file already holds; publish only new lines.")
    boolean fromEnd;

    @Option(
            names = "--idle-exit",
            paramLabel = "DURATION",
            description = "Exit after the file has not grown for this long (ISO-8601, e.g. PT30S; default: never).")
    Duration idleExit;

    @Override
    public Integer call() {
        log.apply(Level.ERROR);
        PrintWriter err = spec.commandLine().getErr();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return follow(err, stop);
        } catch (CliException e) {
            err.println("satwatch tail: " + e.getMessage());
            return e.exitCode();
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("satwatch tail: Kafka client error: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (Ctrl-C): the hook is running and waits for us.
            }
        }
    }

    private int follow(PrintWriter err, AtomicBoolean stop) {
        if ((file == null) == (logdir == null)) {
            throw new CliException(ExitCodes.USAGE, "pass either --file FILE or --tensorboard LOGDIR");
        }
        if (logdir != null) {
            return followLogdir(err, stop);
        }
        InputFormat format = format();
        try (Publisher publisher = publisher();
                FileTailer tailer = new FileTailer(file, fromEnd)) {
            LineDecoder decoder = newDecoder(format, tailer);
            err.printf(
                    Locale.ROOT,
                    "following %s (%s) → %s%n",
                    file,
                    format.name().toLowerCase(Locale.ROOT),
                    publisher.target());
            long lastGrowth = System.nanoTime();
            while (!stop.get()) {
                List<String> lines = tailer.poll(POLL);
                if (tailer.restarted()) {
                    err.println("note: " + file + " was truncated or replaced; reading it again from the start");
                    decoder = LineDecoder.of(format, file, read.csvMapping());
                }
                for (String line : lines) {
                    publish(decoder.decode(line), publisher, err);
                }
                publisher.flush();
                if (!lines.isEmpty()) {
                    lastGrowth = System.nanoTime();
                } else if (idleExit != null && System.nanoTime() - lastGrowth > idleExit.toNanos()) {
                    break;
                }
            }
            publish(decoder.finish(), publisher, err);
            err.println(publisher.finish("published"));
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new CliException(ExitCodes.IO_ERROR, file + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (InputFormatException e) {
            throw new CliException(ExitCodes.DATA_ERROR, e.getMessage());
        }
    }

    /**
     * Follows a TensorBoard logdir: publishes the loss points of the records appended to every event file, picks up
     * new run folders and files, and reports damaged records (file and byte offset) without stopping.
     */
    private int followLogdir(PrintWriter err, AtomicBoolean stop) {
        try (Publisher publisher = publisher();
                TensorBoardLogdir reader = new TensorBoardLogdir(logdir, read.tensorBoardMapping())) {
            err.printf(Locale.ROOT, "following TensorBoard logdir %s → %s%n", logdir, publisher.target());
            if (fromEnd) {
                for (Path f : reader.skipExisting()) {
                    err.println("skipping what " + f + " holds (--from-end)");
                }
            }
            long lastGrowth = System.nanoTime();
            while (!stop.get()) {
                TensorBoardLogdir.Poll poll = reader.poll(POLL);
                for (Path f : poll.newFiles()) {
                    err.println("reading " + f + " (run " + reader.runIdOf(f) + ")");
                }
                publish(new LineDecoder.Decoded(poll.events(), poll.problems()), publisher, err);
                publisher.flush();
                if (poll.records() > 0 || !poll.newFiles().isEmpty()) {
                    lastGrowth = System.nanoTime();
                } else if (idleExit != null && System.nanoTime() - lastGrowth > idleExit.toNanos()) {
                    break;
                }
            }
            TensorBoardLogdir.Poll rest = reader.finish();
            publish(new LineDecoder.Decoded(rest.events(), rest.problems()), publisher, err);
            err.println(publisher.finish("published"));
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new CliException(ExitCodes.IO_ERROR, logdir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        }
    }

    private InputFormat format() {
        InputFormat format = read.format;
        if (format == InputFormat.AUTO) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv") || name.endsWith(".tsv")) {
                format = InputFormat.CSV;
            } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || !Files.exists(file)) {
                format = InputFormat.JSONL;
            } else {
                try {
                    format = InputFormat.detect(file);
                } catch (InputFormatException e) {
                    throw new CliException(ExitCodes.DATA_ERROR, e.getMessage());
                }
            }
        }
        if (format == InputFormat.TRAINER_STATE) {
            throw new CliException(
                    ExitCodes.DATA_ERROR,
                    file + ": trainer_state.json is rewritten whole at each save,"
                            + " not appended: publish it with `satwatch replay --input " + file + "`");
        }
        return format;
    }

    /** A decoder for the file; when starting at the end of a CSV, it is first fed the header line. */
    private LineDecoder newDecoder(InputFormat format, FileTailer tailer) throws IOException, InputFormatException {
        LineDecoder decoder = LineDecoder.of(format, file, read.csvMapping());
        if (fromEnd && format == InputFormat.CSV) {
            String header = tailer.firstLine();
            if (header != null) {
                decoder.decode(header);
            }
        }
        return decoder;
    }

    /** Kafka (checked reachable first), or the server of {@code --http}. */
    private Publisher publisher() {
        if (http != null) {
            if (http.getScheme() == null || !http.getScheme().startsWith("http") || http.getHost() == null) {
                throw new CliException(
                        ExitCodes.USAGE, "--http must be a URL like http://host:8080, got '" + http + "'");
            }
            return new HttpPublisher(http, System.getenv("SATWATCH_HTTP_TOKEN"));
        }
        return new EventPublisher(kafka.reachableClientProperties(), kafka.topic);
    }

    private void publish(LineDecoder.Decoded decoded, Publisher publisher, PrintWriter err) {
        for (InputProblem p : decoded.problems()) {
            err.println("warning: not sent: " + p.describe());
            if (read.strict) {
                throw new CliException(ExitCodes.DATA_ERROR, "invalid line (--strict): " + p.describe());
            }
        }
        for (RunEvent event : decoded.events()) {
            publisher.send(event);
        }
    }
}
