package dev.satwatch.io;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a TensorBoard logdir: every {@code events.out.tfevents.*} file under it, at any depth, as loss events. The
 * run of a file is its folder's path relative to the logdir ({@code llama-7b/seed1}; the logdir's own name for files
 * directly in it), as TensorBoard names runs; several files of one run (a restarted job) are read in name order.
 *
 * <p>Usage: {@link #readAll} for a finished logdir ({@code fit}, {@code replay}); for a live one ({@code tail}),
 * one instance whose {@link #poll} is called in a loop: each call picks up new folders and files and the records
 * appended to known files, waiting up to the given time (on file-system notifications) when there are none.
 *
 * <p>Scalars become {@link LossPoint}s by tag ({@link TensorBoardMapping}): at each step of a file, the loss tags give
 * a {@code train} point and the validation-loss tags a {@code val} point, with the learning rate logged at that step
 * (else the latest one before it) and D2 from the tokens tag logged at that step, else step × tokens per step. Since
 * trainers write one event per tag, a step is complete when a later step appears in the file, when the file ends
 * ({@link #readAll}), or, while following, when the file stops growing with D2 already known for the step. Points
 * without D2 are not sent; each such run is reported once.
 *
 * <p>Damaged records (CRC mismatch, truncation, an undecodable {@code Event}) are skipped and reported as
 * {@link InputProblem}s naming the file and the byte offset; reading goes on. Not thread-safe; close it to release the
 * file-system watch.
 */
public final class TensorBoardLogdir implements AutoCloseable {

    /** The prefix of TensorBoard event file names. */
    public static final String EVENT_FILE_PREFIX = "events.out.tfevents.";

    private final Path logdir;
    private final TensorBoardMapping mapping;
    private final RunMeta meta;
    private final Map<Path, EventFile> files = new TreeMap<>();
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final Set<Path> watchedDirs = new HashSet<>();
    private WatchService watch;

    /**
     * What one {@link #poll} found.
     *
     * @param events the loss events, in file order
     * @param problems damaged records and points that could not be placed
     * @param newFiles event files seen for the first time
     * @param records records read (growth of the logdir, valid or not)
     */
    public record Poll(List<RunEvent> events, List<InputProblem> problems, List<Path> newFiles, int records) {
        /** Copies the lists, so a result is immutable. */
        public Poll {
            events = List.copyOf(events);
            problems = List.copyOf(problems);
            newFiles = List.copyOf(newFiles);
        }
    }

    /**
     * @param logdir the folder to read
     * @param mapping the tag mapping; null for {@link TensorBoardMapping#defaults()}
     */
    public TensorBoardLogdir(Path logdir, TensorBoardMapping mapping) {
        this.logdir = logdir.toAbsolutePath().normalize();
        this.mapping = mapping == null ? TensorBoardMapping.defaults() : mapping;
        this.meta = Double.isNaN(this.mapping.d1Tokens())
                ? RunMeta.EMPTY
                : new RunMeta(null, null, this.mapping.d1Tokens(), Double.NaN, Double.NaN, 0L);
    }

    /**
     * Reads every event file under a finished logdir, to its end: an incomplete last record is reported as truncated.
     *
     * @param logdir the folder
     * @param mapping the tag mapping; null for the defaults
     * @return the events and problems, file by file in path order
     * @throws InputFormatException when the logdir is not a readable folder, holds no event file, or a run logs loss
     *     but neither a tokens tag nor a tokens per step gives its D2
     */
    public static ReadResult readAll(Path logdir, TensorBoardMapping mapping) throws InputFormatException {
        if (!Files.isDirectory(logdir)) {
            throw new InputFormatException(logdir + ": not a folder (--tensorboard takes a TensorBoard logdir)");
        }
        try (TensorBoardLogdir reader = new TensorBoardLogdir(logdir, mapping)) {
            Poll poll = reader.scan(true);
            if (poll.newFiles().isEmpty()) {
                throw new InputFormatException(logdir + ": no " + EVENT_FILE_PREFIX + "* file in it or its subfolders");
            }
            for (RunState run : reader.runs.values()) {
                if (run.pointsWithoutTokens > 0 && !run.tokensSeen) {
                    throw new InputFormatException(reader.noTokensMessage(run.id));
                }
            }
            return new ReadResult(poll.events(), poll.problems(), 0);
        } catch (IOException e) {
            throw new InputFormatException(logdir + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads what was appended since the last call, including new folders and files; when nothing was, waits up to
     * {@code maxWait} for a change and reads again. Records still being written wait for the next call.
     *
     * @throws IOException if the logdir cannot be listed or a file cannot be read
     * @throws InterruptedException if interrupted while waiting
     */
    public Poll poll(Duration maxWait) throws IOException, InterruptedException {
        if (watch == null) {
            watch = FileSystems.getDefault().newWatchService();
        }
        Poll poll = scan(false);
        if (poll.records() > 0 || !poll.newFiles().isEmpty()) {
            return poll;
        }
        try {
            WatchKey key = watch.poll(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        } catch (ClosedWatchServiceException e) {
            return poll;
        }
        Poll again = scan(false);
        List<RunEvent> events = new ArrayList<>(poll.events());
        events.addAll(again.events());
        List<InputProblem> problems = new ArrayList<>(poll.problems());
        problems.addAll(again.problems());
        return new Poll(events, problems, again.newFiles(), again.records());
    }

    /**
     * Reads what the files hold now without returning it, so that following starts at their ends (on record
     * boundaries, and with the runs' learning rates and token counts known).
     *
     * @return the files found
     * @throws IOException if the logdir cannot be listed or a file cannot be read
     */
    public List<Path> skipExisting() throws IOException {
        if (watch == null) {
            watch = FileSystems.getDefault().newWatchService();
        }
        Poll poll = scan(false);
        for (EventFile f : files.values()) {
            flush(f, new ArrayList<>(), new ArrayList<>());
        }
        return poll.newFiles();
    }

    /** Sends every step still held back (when the follower stops): the end of input. */
    public Poll finish() {
        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        for (EventFile f : files.values()) {
            flush(f, events, problems);
        }
        return new Poll(events, problems, List.of(), 0);
    }

    /** The event files found so far, in path order. */
    public List<Path> files() {
        return List.copyOf(files.keySet());
    }

    /** The run id of an event file: its folder relative to the logdir, or the logdir's name. */
    public String runIdOf(Path file) {
        if (mapping.fixedRunId() != null) {
            return mapping.fixedRunId();
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        Path relative = logdir.relativize(dir);
        if (relative.toString().isEmpty()) {
            return logdir.getFileName() == null ? "run" : logdir.getFileName().toString();
        }
        List<String> parts = new ArrayList<>();
        relative.forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private Poll scan(boolean atEnd) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path file : eventFiles()) {
            if (!files.containsKey(file)) {
                files.put(file, new EventFile(new TfRecordReader(file), runIdOf(file)));
                found.add(file);
            }
        }
        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        int records = 0;
        for (EventFile f : files.values()) {
            records += read(f, atEnd, events, problems);
        }
        return new Poll(events, problems, found, records);
    }

    /** Reads one file's new records; returns how many there were. */
    private int read(EventFile f, boolean atEnd, List<RunEvent> events, List<InputProblem> problems)
            throws IOException {
        TfRecordReader.Batch batch = f.reader.read(atEnd);
        if (batch.restarted()) {
            problems.add(
                    new InputProblem(f.reader.file(), 0, null, "the file shrank; reading it again from the start"));
        }
        for (TfRecordReader.Damage d : batch.damage()) {
            problems.add(atOffset(f.reader.file(), d.offset(), d.message()));
        }
        for (TfRecordReader.Record r : batch.records()) {
            List<TensorBoardScalars.Scalar> scalars;
            try {
                scalars = TensorBoardScalars.of(r.data());
            } catch (InvalidProtocolBufferException e) {
                problems.add(atOffset(f.reader.file(), r.offset(), "not a TensorBoard Event (" + e.getMessage() + ")"));
                continue;
            }
            for (TensorBoardScalars.Scalar s : scalars) {
                add(f, s, events, problems);
            }
        }
        int count = batch.records().size() + batch.damage().size();
        if (atEnd || (count == 0 && canResolve(f))) {
            // Finished, or the writer paused after a step whose D2 is already known: the step is complete.
            flush(f, events, problems);
        }
        return count;
    }

    /**
     * Whether a file's held-back step could be sent now: it has a loss, and D2 is known (its tokens tag value, or
     * tokens per step for a run that logs no tokens; a run that does may still be writing the step's value).
     */
    private boolean canResolve(EventFile f) {
        Step p = f.pending;
        RunState run = runs.get(f.runId);
        boolean tokensRun = run != null && run.tokensSeen;
        return !p.isEmpty()
                && (p.lossTime != null || p.valLossTime != null)
                && (!Double.isNaN(p.tokens) || (mapping.hasTokensPerStep() && !tokensRun));
    }

    private void add(EventFile f, TensorBoardScalars.Scalar s, List<RunEvent> events, List<InputProblem> problems) {
        TensorBoardMapping.Kind kind = mapping.kindOf(s.tag());
        if (kind == null) {
            return;
        }
        if (!f.pending.isEmpty() && f.pending.step != s.step()) {
            flush(f, events, problems);
        }
        Step p = f.pending;
        p.step = s.step();
        switch (kind) {
            case LOSS -> {
                p.loss = s.value();
                p.lossTime = s.wallTime();
            }
            case VAL_LOSS -> {
                p.valLoss = s.value();
                p.valLossTime = s.wallTime();
            }
            case LR -> p.lr = s.value();
            case TOKENS -> p.tokens = s.value();
            default -> throw new IllegalStateException("unknown tag kind " + kind);
        }
        p.filled = true;
    }

    /** Turns the held-back step of a file into loss points. */
    private void flush(EventFile f, List<RunEvent> events, List<InputProblem> problems) {
        Step p = f.pending;
        if (p.isEmpty()) {
            return;
        }
        RunState run = runs.computeIfAbsent(f.runId, RunState::new);
        if (!Double.isNaN(p.lr)) {
            run.lr.put(p.step, p.lr);
        }
        if (!Double.isNaN(p.tokens)) {
            run.tokensSeen = true;
        }
        boolean hasLoss = p.lossTime != null || p.valLossTime != null;
        if (hasLoss) {
            double d2 = !Double.isNaN(p.tokens)
                    ? p.tokens
                    : mapping.hasTokensPerStep() ? p.step * mapping.tokensPerStep() : Double.NaN;
            Map.Entry<Long, Double> lr = run.lr.floorEntry(p.step);
            double lrAtStep = lr == null ? Double.NaN : lr.getValue();
            if (Double.isNaN(d2) || p.step < 0) {
                run.pointsWithoutTokens++;
                if (!run.reported) {
                    run.reported = true;
                    problems.add(new InputProblem(
                            f.reader.file(),
                            0,
                            null,
                            run.tokensSeen
                                    ? "run '" + run.id + "': step " + p.step + " has a loss but no tokens tag value;"
                                            + " its points are not sent (pass --tokens-per-step N to place them)"
                                    : noTokensMessage(run.id)));
                }
            } else {
                if (p.lossTime != null) {
                    events.add(point(f.runId, p.lossTime, p.step, d2, p.loss, LossPoint.TRAIN, lrAtStep));
                }
                if (p.valLossTime != null) {
                    events.add(point(f.runId, p.valLossTime, p.step, d2, p.valLoss, LossPoint.VAL, lrAtStep));
                }
            }
        }
        f.pending = new Step();
    }

    private LossPoint point(String runId, double wallTime, long step, double d2, double loss, String split, double lr) {
        return new LossPoint(runId, instant(wallTime), step, d2, loss, split, lr, meta);
    }

    private String noTokensMessage(String runId) {
        return "run '" + runId + "' logs loss but no tokens: none of its tags is a tokens tag " + mapping.tokensTags()
                + ", so D2 tokens are unknown; pass --tokens-per-step N (global batch size × sequence length), or"
                + " --tokens-tag TAG if the run logs tokens seen under another name";
    }

    /** Every event file under the logdir, in path order; registers new folders for change notifications. */
    private List<Path> eventFiles() throws IOException {
        if (!Files.isDirectory(logdir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(logdir)) {
            walk.forEach(p -> {
                if (Files.isDirectory(p)) {
                    register(p);
                } else if (p.getFileName().toString().startsWith(EVENT_FILE_PREFIX) && Files.isRegularFile(p)) {
                    found.add(p);
                }
            });
        } catch (UncheckedIOException e) {
            // A folder vanished while being listed (a run deleted): what was listed is still right.
            if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                throw e.getCause();
            }
        }
        found.sort(null);
        return found;
    }

    private void register(Path dir) {
        if (watch == null || !watchedDirs.add(dir)) {
            return;
        }
        try {
            dir.register(
                    watch,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            // Not watched: its changes are still found by the next poll's scan, after the poll timeout.
            watchedDirs.remove(dir);
        }
    }

    static InputProblem atOffset(Path file, long offset, String message) {
        return new InputProblem(file, 0, null, "at byte offset " + offset + ": " + message);
    }

    private static Instant instant(double wallTime) {
        if (!(wallTime > 0) || !Double.isFinite(wallTime)) {
            return null;
        }
        long seconds = (long) Math.floor(wallTime);
        long nanos = Math.round((wallTime - seconds) * 1e9);
        return Instant.ofEpochSecond(seconds, Math.min(nanos, 999_999_999L));
    }

    @Override
    public void close() throws IOException {
        if (watch != null) {
            watch.close();
        }
    }

    /** A file being read, and the step it holds back. */
    private static final class EventFile {
        final TfRecordReader reader;
        final String runId;
        Step pending = new Step();

        EventFile(TfRecordReader reader, String runId) {
            this.reader = reader;
            this.runId = runId;
        }
    }

    /** The mapped scalars of one step of one file. */
    private static final class Step {
        long step;
        boolean filled;
        double loss = Double.NaN;
        Double lossTime;
        double valLoss = Double.NaN;
        Double valLossTime;
        double lr = Double.NaN;
        double tokens = Double.NaN;

        boolean isEmpty() {
            return !filled;
        }
    }

    /** What is known of a run across its files. */
    private static final class RunState {
        final String id;
        final TreeMap<Long, Double> lr = new TreeMap<>();
        boolean tokensSeen;
        boolean reported;
        long pointsWithoutTokens;

        RunState(String id) {
            this.id = id;
        }
    }
}
