package dev.satwatch.io;

import dev.satwatch.event.RunEvent;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the lines of a line-oriented input (satwatch JSONL or CSV) into events, one physical line at
 * a time, for readers that see a file grow ({@code tail}) or stream it ({@code replay}).
 * {@link CurveReader} uses the same decoders for whole files.
 *
 * <p>Usage: create one decoder per file with {@link #of}, pass every line in order (without its line
 * terminator; a trailing {@code \r} is ignored) to {@link #decode}, and call {@link #finish} at the
 * end of input. The decoder counts lines itself, so problems carry the right 1-based line numbers.
 * Blank lines give nothing. For CSV the first non-blank line is the header; a quoted field that spans
 * lines is held back until its record is complete, and reported by {@link #finish} if it never is.
 *
 * <p>Decoders are stateful and not thread-safe: one per file and thread.
 */
public sealed interface LineDecoder permits JsonlLineDecoder, CsvLineDecoder {

    /**
     * What one line gave.
     *
     * @param events decoded events (usually zero or one)
     * @param problems skipped records (usually zero or one)
     */
    record Decoded(List<RunEvent> events, List<InputProblem> problems) {

        /** Nothing: a blank line, a header, or part of a record continued on the next line. */
        public static final Decoded NONE = new Decoded(List.of(), List.of());

        /** Copies the lists, so a result is immutable. */
        public Decoded {
            events = List.copyOf(events);
            problems = List.copyOf(problems);
        }

        static Decoded of(RunEvent event) {
            return new Decoded(List.of(event), List.of());
        }

        static Decoded of(InputProblem problem) {
            return new Decoded(List.of(), List.of(problem));
        }
    }

    /**
     * A decoder for {@code format}.
     *
     * @param format {@link InputFormat#JSONL} or {@link InputFormat#CSV}
     * @param source the file the lines come from (for messages and the CSV default run id)
     * @param csv the CSV mapping; null for {@link CsvMapping#defaults()}; ignored for JSONL
     * @throws InputFormatException for {@link InputFormat#TRAINER_STATE} (a whole JSON document, not
     *     lines: use {@link CurveReader#read}) and {@link InputFormat#AUTO} (detect first)
     */
    static LineDecoder of(InputFormat format, Path source, CsvMapping csv) throws InputFormatException {
        return of(format, source, csv, null);
    }

    /**
     * A decoder for {@code format} whose CSV rows without a run column belong to {@code defaultRunId}.
     *
     * @param defaultRunId run id of a CSV without a run column; null for the file name without extension
     * @see #of(InputFormat, Path, CsvMapping)
     */
    static LineDecoder of(InputFormat format, Path source, CsvMapping csv, String defaultRunId)
            throws InputFormatException {
        return switch (format) {
            case JSONL -> new JsonlLineDecoder(source);
            case CSV -> new CsvLineDecoder(source, csv == null ? CsvMapping.defaults() : csv, defaultRunId);
            case TRAINER_STATE ->
                throw new InputFormatException(
                        source + ": trainer_state.json is one JSON document, not lines; read it whole");
            case AUTO ->
                throw new InputFormatException(
                        source + ": detect the format (InputFormat.detect) before decoding lines");
        };
    }

    /**
     * Decodes the next physical line.
     *
     * @param line the line without its terminator
     * @return the events and problems of this line
     * @throws InputFormatException only for a CSV header that lacks a required column
     */
    Decoded decode(String line) throws InputFormatException;

    /** Ends the input: reports a CSV record left open by an unterminated quote. */
    Decoded finish();

    /** Physical lines passed to {@link #decode} so far. */
    long linesSeen();
}
