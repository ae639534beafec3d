package dev.satwatch.io;

import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import java.nio.file.Path;

/** {@link LineDecoder} for satwatch JSONL: each non-blank line is one {@link EventCodec} record. */
final class JsonlLineDecoder implements LineDecoder {

    private final Path source;
    private long line;

    JsonlLineDecoder(Path source) {
        this.source = source;
    }

    @Override
    public Decoded decode(String lineText) {
        line++;
        return decode(source, line, lineText);
    }

    /**
     * Decodes line {@code lineNumber} (1-based) of {@code source}; stateless, so the lines of a whole file may be
     * decoded in parallel ({@link CurveReader}).
     */
    static Decoded decode(Path source, long lineNumber, String lineText) {
        String text = lineText;
        if (lineNumber == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark some editors write
        }
        if (text.isBlank()) {
            return Decoded.NONE;
        }
        ParseResult result = EventCodec.parse(text);
        if (result instanceof ParseResult.Ok ok) {
            return Decoded.of(ok.event());
        }
        ParseResult.Invalid bad = (ParseResult.Invalid) result;
        return Decoded.of(new InputProblem(source, lineNumber, bad.field(), bad.reason()));
    }

    @Override
    public Decoded finish() {
        return Decoded.NONE;
    }

    @Override
    public long linesSeen() {
        return line;
    }
}
