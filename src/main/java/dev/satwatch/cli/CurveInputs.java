package dev.satwatch.cli;

import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunStarted;
import dev.satwatch.io.CurveReader;
import dev.satwatch.io.InputFormatException;
import dev.satwatch.io.InputProblem;
import dev.satwatch.io.ReadResult;
import dev.satwatch.io.RunData;
import dev.satwatch.io.TensorBoardLogdir;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the input files of a command into runs, reporting skipped lines on stderr. */
final class CurveInputs {

    /** How many skipped-line messages are printed before the rest is only counted. */
    private static final int MAX_PROBLEMS_SHOWN = 10;

    private CurveInputs() {}

    /**
     * Reads every input file and groups the events into runs.
     *
     * @throws CliException when a file is missing or unreadable as its format, or with {@code --strict} when any line
     *     was skipped
     */
    static List<RunData> load(InputOptions options, PrintWriter err) {
        return load(options, err, null);
    }

    /**
     * As {@link #load(InputOptions, PrintWriter)}, and puts into {@code schedules} (when not null) each run's planned
     * schedule: that of its first {@code run_started} that gives one (earlier ones win, as for the metadata).
     */
    static List<RunData> load(InputOptions options, PrintWriter err, Map<String, PlannedSchedule> schedules) {
        List<RunEvent> events = events(options, err);
        if (schedules != null) {
            schedules.putAll(plannedSchedules(events));
        }
        RunData.Grouping grouping = RunData.groupReporting(events);
        grouping.problems().forEach(p -> err.println("warning: " + p));
        List<RunData> runs = grouping.runs();
        if (runs.isEmpty()) {
            throw new CliException(ExitCodes.DATA_ERROR, "no loss points found in " + options.all());
        }
        return runs;
    }

    /** Each run's planned schedule: that of its first {@code run_started} that gives one. */
    static Map<String, PlannedSchedule> plannedSchedules(List<RunEvent> events) {
        Map<String, PlannedSchedule> out = new HashMap<>();
        for (RunEvent e : events) {
            if (e instanceof RunStarted s && s.schedule() != null) {
                out.putIfAbsent(s.runId(), s.schedule());
            }
        }
        return out;
    }

    /**
     * Reads every input file into events, in file order, reporting skipped lines on stderr. A file that names no
     * run gets a run id unique among {@code files} ({@link CurveReader#defaultRunIds}).
     *
     * @throws CliException when a file is missing or unreadable as its format, or with {@code --strict} when any
     *     line was skipped
     */
    static List<RunEvent> events(List<Path> files, FormatOptions read, PrintWriter err) {
        return events(files, List.of(), read, err);
    }

    /**
     * Reads the files and TensorBoard logdirs of the input flags into events, files first, reporting skipped lines
     * and records on stderr.
     *
     * @throws CliException when no input was given, a file or logdir is missing or unreadable, or with
     *     {@code --strict} when anything was skipped
     */
    static List<RunEvent> events(InputOptions options, PrintWriter err) {
        options.requireSome();
        return events(options.inputs, options.logdirs, options.read, err);
    }

    private static List<RunEvent> events(List<Path> files, List<Path> logdirs, FormatOptions read, PrintWriter err) {
        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        Map<Path, String> defaultIds = CurveReader.defaultRunIds(files);
        for (Path file : files) {
            ReadResult result = read(file, read, defaultIds.get(file));
            events.addAll(result.events());
            problems.addAll(result.problems());
        }
        for (Path logdir : logdirs) {
            ReadResult result = readLogdir(logdir, read);
            events.addAll(result.events());
            problems.addAll(result.problems());
        }
        if (!problems.isEmpty()) {
            problems.stream().limit(MAX_PROBLEMS_SHOWN).forEach(p -> err.println("warning: skipped " + p.describe()));
            if (problems.size() > MAX_PROBLEMS_SHOWN) {
                err.println("warning: ... and " + (problems.size() - MAX_PROBLEMS_SHOWN)
                        + " more skipped lines or records");
            }
            if (read.strict) {
                throw new CliException(
                        ExitCodes.DATA_ERROR, problems.size() + " input lines are invalid (--strict): fix them first");
            }
        }
        return events;
    }

    /**
     * Reads a finished TensorBoard logdir with the tag flags.
     *
     * @throws CliException when the logdir is missing, holds no event file, or a run's D2 cannot be had
     */
    static ReadResult readLogdir(Path logdir, FormatOptions read) {
        if (!Files.isDirectory(logdir)) {
            throw new CliException(ExitCodes.NO_INPUT, logdir + ": no such folder");
        }
        try {
            return TensorBoardLogdir.readAll(logdir, read.tensorBoardMapping());
        } catch (InputFormatException e) {
            throw new CliException(ExitCodes.DATA_ERROR, e.getMessage());
        }
    }

    /**
     * Reads one file as the format flags say.
     *
     * @param defaultRunId the run id of a file that names none (see {@link CurveReader#defaultRunIds})
     * @throws CliException when the file is missing or unreadable as its format
     */
    static ReadResult read(Path file, FormatOptions read, String defaultRunId) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.NO_INPUT, file + ": no such file");
        }
        try {
            return CurveReader.read(file, read.format, read.csvMapping(), defaultRunId);
        } catch (InputFormatException e) {
            throw new CliException(ExitCodes.DATA_ERROR, e.getMessage());
        }
    }
}
