package dev.satwatch.serde;

/**
 * A law file (that of {@code laws.file} or {@code --law}) that cannot be used. The message names the file, the
 * entry and the field at fault and says what was expected, e.g. {@code "laws.json: laws[1].law.alpha3:
 * missing"}, so an operator can fix the file from the message alone.
 */
public final class LawFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A problem described by {@code message}, which should start with the file name. */
    public LawFileException(String message) {
        super(message);
    }

    /** A problem described by {@code message}, caused by {@code cause} (bad JSON, I/O). */
    public LawFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
