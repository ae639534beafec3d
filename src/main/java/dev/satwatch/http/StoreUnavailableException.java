package dev.satwatch.http;

/**
 * Thrown by a {@link RunSource} when the stores cannot be queried now (Kafka Streams starting, rebalancing or
 * stopped); the API answers 503.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message for the client and its cause. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
