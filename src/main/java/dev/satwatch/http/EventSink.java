package dev.satwatch.http;

import dev.satwatch.serde.ApiJson;
import java.util.List;

/**
 * Where {@code POST /api/events} publishes: {@code satwatch.events}, each line keyed by its run id (null for an
 * invalid line, which the app then dead-letters). Implementations must be thread-safe.
 */
public interface EventSink {

    /**
     * Publishes the lines in order and waits until the broker acknowledged all of them.
     *
     * @throws EventSinkException when a line could not be published (some earlier lines may have been)
     */
    void publish(List<ApiJson.IngestLine> lines) throws EventSinkException;

    /** Thrown by {@link #publish} when the broker did not take the lines. */
    final class EventSinkException extends Exception {
        private static final long serialVersionUID = 1L;

        /** An exception with a message for the client and its cause. */
        public EventSinkException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
