package dev.satwatch.config;

/**
 * One configured value and where it came from, for error messages.
 *
 * @param key the satwatch key, e.g. {@code topics.partitions}
 * @param value the text as given
 * @param origin where it came from, e.g. {@code config/satwatch.properties}, {@code env SATWATCH_TOPICS_PARTITIONS},
 *     {@code flag} or {@code default}
 */
record ConfigValue(String key, String value, String origin) {

    /** An exception naming the origin, key and value, with {@code problem} appended. */
    ConfigException error(String problem) {
        return new ConfigException(origin + ": " + key + " = '" + value + "': " + problem);
    }

    /** Like {@link #error(String)}, with a cause. */
    ConfigException error(String problem, Throwable cause) {
        return new ConfigException(origin + ": " + key + " = '" + value + "': " + problem, cause);
    }
}
