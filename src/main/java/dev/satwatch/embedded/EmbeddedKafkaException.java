package dev.satwatch.embedded;

/**
 * The embedded broker could not be started, formatted, reached or asked to create topics in time.
 *
 * <p>Unchecked, because callers ({@code satwatch demo}, integration tests) cannot recover and only report it;
 * the message names the broker address and the time limit that was exceeded.
 */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message and the underlying failure. */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An exception with a message only. */
    public EmbeddedKafkaException(String message) {
        super(message);
    }
}
