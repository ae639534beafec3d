package dev.satwatch.serde;

import dev.satwatch.event.RunEvent;
import java.util.Objects;

/**
 * The outcome of decoding one record with {@link EventCodec}: either a valid {@link RunEvent} or the
 * reason it was rejected. Rejected records go to the dead-letter topic (DESIGN §3) or, for files,
 * become an input problem on their line; nothing is thrown.
 */
public sealed interface ParseResult {

    /** Whether this is an {@link Ok}. */
    boolean isOk();

    /**
     * A valid event.
     *
     * @param event the decoded event; never null
     */
    record Ok(RunEvent event) implements ParseResult {
        /** Checks that the event is present. */
        public Ok {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public boolean isOk() {
            return true;
        }
    }

    /**
     * A rejected record.
     *
     * @param reason a sentence saying what is wrong, naming the field, e.g. {@code "d2_tokens is
     *     negative (-5.0)"}; never null
     * @param field the JSON field at fault, or null when the record as a whole is bad (bad JSON,
     *     oversize, not an object)
     */
    record Invalid(String reason, String field) implements ParseResult {
        /** Checks that the reason is present. */
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean isOk() {
            return false;
        }
    }
}
