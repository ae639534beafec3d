package dev.satwatch.io;

import dev.satwatch.event.RunEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
            return TrainerStateReader.read(file, content, mapping);
        }
        LineDecoder decoder = LineDecoder.of(f, file, mapping);
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

    private static void add(LineDecoder.Decoded d, List<RunEvent> events, List<InputProblem> problems) {
        events.addAll(d.events());
        problems.addAll(d.problems());
    }
}
