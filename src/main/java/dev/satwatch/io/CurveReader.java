package dev.satwatch.io;

import dev.satwatch.event.RunEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Reads a whole curve file (satwatch JSONL, CSV or {@code trainer_state.json}) into events, for
 * {@code satwatch fit} and {@code law fit}. Group the events per run with {@link RunData#group}.
 *
 * <p>Errors come in two kinds. A bad line (a number that is not one, a missing field, a JSONL
 * record {@link dev.satwatch.serde.EventCodec} rejects) is skipped and recorded as an
 * {@link InputProblem} with its file, 1-based line and field; reading goes on. A file that cannot be
 * used at all (missing, unreadable, undetectable format, CSV without a header or a required column,
 * a {@code trainer_state.json} without {@code log_history} or token counts) raises an
 * {@link InputFormatException} whose message says what to fix. Duplicated and non-monotone token
 * counts are kept as they are.
 *
 * <p>Text is read as UTF-8; malformed bytes become U+FFFD (and then usually a problem on that line)
 * rather than failing the file. Stateless and thread-safe.
 */
public final class CurveReader {

    /** Lines per parallel decoding chunk of a JSONL file: large enough to amortise the fork, small in memory. */
    private static final int JSONL_CHUNK = 8192;

    private CurveReader() {}

    /**
     * Reads {@code file}.
     *
     * @param file the file
     * @param format its format; {@link InputFormat#AUTO} or null to {@linkplain InputFormat#detect detect}
     * @param csv column mapping for CSV (run id, tokens per step and D1 also apply to
     *     {@code trainer_state.json}); null for {@link CsvMapping#defaults()}
     * @return the events and problems, in file order
     * @throws InputFormatException when the file cannot be used at all (see the class comment)
     */
    public static ReadResult read(Path file, InputFormat format, CsvMapping csv) throws InputFormatException {
        return read(file, format, csv, null);
    }

    /**
     * Reads {@code file}, naming a run that the file does not name (a CSV without a run column, a
     * {@code trainer_state.json}) {@code defaultRunId}.
     *
     * @param defaultRunId e.g. from {@link #defaultRunIds}; null for the file's own default
     * @see #read(Path, InputFormat, CsvMapping)
     */
    public static ReadResult read(Path file, InputFormat format, CsvMapping csv, String defaultRunId)
            throws InputFormatException {
        InputFormat.requireReadableFile(file);
        InputFormat f = format == null || format == InputFormat.AUTO ? InputFormat.detect(file) : format;
        CsvMapping mapping = csv == null ? CsvMapping.defaults() : csv;
        if (f == InputFormat.TRAINER_STATE) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new InputFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
            }
            return TrainerStateReader.read(file, content, mapping, defaultRunId);
        }
        if (f == InputFormat.JSONL) {
            return readJsonl(file);
        }
        LineDecoder decoder = LineDecoder.of(f, file, mapping, defaultRunId);
        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                add(decoder.decode(line), events, problems);
            }
        } catch (IOException e) {
            throw new InputFormatException(
                    file + ":" + (decoder.linesSeen() + 1) + ": cannot read (" + e.getMessage() + ")", e);
        }
        add(decoder.finish(), events, problems);
        if (decoder instanceof CsvLineDecoder c && !c.hasHeader()) {
            throw new InputFormatException(file + ": no header row (the file is empty); a CSV needs a header naming"
                    + " its columns, e.g. run,tokens,loss");
        }
        return new ReadResult(events, problems, decoder.linesSeen());
    }

    /**
     * A JSONL file, its lines decoded in parallel in chunks of {@value #JSONL_CHUNK} (each line is a record of its
     * own): the same events and problems, in the same order, as the line-by-line decoder.
     */
    private static ReadResult readJsonl(Path file) throws InputFormatException {
        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        List<String> chunk = new ArrayList<>(JSONL_CHUNK);
        long lines = 0;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                chunk.add(line);
                if (chunk.size() == JSONL_CHUNK) {
                    decodeJsonl(file, lines, chunk, events, problems);
                    lines += chunk.size();
                    chunk.clear();
                }
            }
        } catch (IOException e) {
            throw new InputFormatException(
                    file + ":" + (lines + chunk.size() + 1) + ": cannot read (" + e.getMessage() + ")", e);
        }
        decodeJsonl(file, lines, chunk, events, problems);
        lines += chunk.size();
        return new ReadResult(events, problems, lines);
    }

    private static void decodeJsonl(
            Path file, long before, List<String> chunk, List<RunEvent> events, List<InputProblem> problems) {
        List<LineDecoder.Decoded> decoded = IntStream.range(0, chunk.size())
                .parallel()
                .mapToObj(i -> JsonlLineDecoder.decode(file, before + i + 1, chunk.get(i)))
                .toList();
        decoded.forEach(d -> add(d, events, problems));
    }

    /**
     * The default run id of each file, unique across {@code files}: the file's own default (the file name
     * without extension; a {@code trainer_state.json}'s folder) when no other file has it, else the path's last
     * parts, as many as make it unique (e.g. {@code 25M/constant_24000} and {@code 100M/constant_24000}), so
     * that files of the same name are never merged into one run.
     *
     * @param files the input files, in order (duplicates map to the same id)
     * @return file → default run id, in the files' order
     */
    public static Map<Path, String> defaultRunIds(List<Path> files) {
        Map<Path, List<String>> names = new LinkedHashMap<>();
        for (Path file : files) {
            names.putIfAbsent(
                    file.toAbsolutePath().normalize(),
                    ownNames(file.toAbsolutePath().normalize()));
        }
        Map<Path, String> ids = new LinkedHashMap<>();
        for (Path file : files) {
            Path normal = file.toAbsolutePath().normalize();
            List<String> mine = names.get(normal);
            int depth = 1;
            while (depth < mine.size() && collides(names, normal, depth)) {
                depth++;
            }
            ids.put(file, String.join("/", tail(mine, depth)));
        }
        return ids;
    }

    /** The path parts naming a file's run: its folders, then its default run id in place of the last part. */
    private static List<String> ownNames(Path file) {
        boolean trainerState =
                file.getFileName() != null && file.getFileName().toString().equals("trainer_state.json");
        String own = trainerState ? TrainerStateReader.runIdFromPath(file) : CsvLineDecoder.stem(file);
        List<String> parts = new ArrayList<>();
        for (Path part : file) {
            parts.add(part.toString());
        }
        // Up to the part the default id comes from (a trainer_state.json's run folder), which it replaces.
        int last = parts.lastIndexOf(trainerState ? own : file.getFileName().toString());
        List<String> kept = new ArrayList<>(parts.subList(0, Math.max(0, last)));
        kept.add(own);
        return kept;
    }

    /** Whether another file's last {@code depth} names equal this file's. */
    private static boolean collides(Map<Path, List<String>> names, Path file, int depth) {
        List<String> mine = tail(names.get(file), depth);
        return names.entrySet().stream()
                .anyMatch(o ->
                        !o.getKey().equals(file) && tail(o.getValue(), depth).equals(mine));
    }

    private static List<String> tail(List<String> names, int depth) {
        return names.subList(Math.max(0, names.size() - depth), names.size());
    }

    private static void add(LineDecoder.Decoded d, List<RunEvent> events, List<InputProblem> problems) {
        events.addAll(d.events());
        problems.addAll(d.problems());
    }
}
