package dev.satwatch.io;

/**
 * A fatal input error: the file is missing or unreadable, its format cannot be told, or a column or
 * section every record needs is absent. The message names the file (and the line or field when
 * known) and says what to pass or fix, so the CLI can print it as is.
 */
public final class InputFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An error with a complete user-facing message. */
    public InputFormatException(String message) {
        super(message);
    }

    /** An error with a complete user-facing message, caused by {@code cause}. */
    public InputFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
