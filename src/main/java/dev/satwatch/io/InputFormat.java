package dev.satwatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The input file formats of {@code satwatch fit}, {@code law fit}, {@code replay} and {@code tail}.
 *
 * <ul>
 *   <li>{@link #JSONL}: satwatch events (DESIGN §3), one JSON object per line.
 *   <li>{@link #CSV}: a header row, then one loss point per row; columns mapped by {@link CsvMapping}.
 *       Comma-separated, or tab-separated when the header has tabs and no commas.
 *   <li>{@link #TRAINER_STATE}: a Hugging Face Trainer {@code trainer_state.json} ({@code log_history}).
 *   <li>{@link #AUTO}: decide with {@link #detect(Path)}.
 * </ul>
 */
public enum InputFormat {
    AUTO,
    JSONL,
    CSV,
    TRAINER_STATE;

    /** How much of a file {@link #detect(Path)} looks at. */
    static final int SNIFF_BYTES = 65536;

    /**
     * Decides a file's format. First by name: {@code trainer_state.json} is {@link #TRAINER_STATE};
     * {@code .jsonl} and {@code .ndjson} are {@link #JSONL}; {@code .csv} and {@code .tsv} are
     * {@link #CSV}. Otherwise (including other {@code .json} files) by content: a document that starts
     * with <code>{</code> is {@link #TRAINER_STATE} when its first {@value #SNIFF_BYTES} bytes contain
     * a {@code "log_history"} key and {@link #JSONL} otherwise; a first line with a comma or tab is
     * {@link #CSV}.
     *
     * @param file the file
     * @return never {@link #AUTO}
     * @throws InputFormatException if the file is missing or unreadable, or its content fits no format
     */
    public static InputFormat detect(Path file) throws InputFormatException {
        requireReadableFile(file);
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.equals("trainer_state.json")) {
            return TRAINER_STATE;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            return CSV;
        }
        String head = sniff(file);
        String trimmed = head.strip();
        if (trimmed.isEmpty()) {
            throw new InputFormatException(file + ": the file is empty, so its format cannot be detected");
        }
        if (trimmed.charAt(0) == '{') {
            return head.contains("\"log_history\"") ? TRAINER_STATE : JSONL;
        }
        int eol = trimmed.indexOf('\n');
        String firstLine = eol < 0 ? trimmed : trimmed.substring(0, eol);
        if (firstLine.indexOf(',') >= 0 || firstLine.indexOf('\t') >= 0) {
            return CSV;
        }
        throw new InputFormatException(file
                + ": cannot tell the format (not JSON, no comma or tab in the first line);"
                + " pass --format jsonl, csv or trainer_state");
    }

    /** Fails with a user-facing message unless {@code file} is a readable regular file. */
    static void requireReadableFile(Path file) throws InputFormatException {
        if (file == null) {
            throw new InputFormatException("no input file given");
        }
        if (!Files.exists(file)) {
            throw new InputFormatException(file + ": file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new InputFormatException(file + ": not a regular file (give a file, not a directory)");
        }
        if (!Files.isReadable(file)) {
            throw new InputFormatException(file + ": file not readable (check permissions)");
        }
    }

    private static String sniff(Path file) throws InputFormatException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SNIFF_BYTES);
            String text = new String(head, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (IOException e) {
            throw new InputFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
