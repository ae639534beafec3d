package dev.satwatch.config;

/**
 * A configuration problem. The message names where the value came from (file, environment variable or flag), the
 * key and the value, e.g. {@code "config/satwatch.properties: topics.partitions = 'six': not an integer"}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A problem described by {@code message}. */
    public ConfigException(String message) {
        super(message);
    }

    /** A problem described by {@code message}, caused by {@code cause}. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
