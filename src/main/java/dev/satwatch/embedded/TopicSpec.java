package dev.satwatch.embedded;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic to create on an {@link EmbeddedKafka} broker: name, partition count and topic-level configs.
 *
 * <p>Use {@link #of(String, int)} for a plain (delete-policy) topic and {@link #compacted(String, int)} for a
 * log-compacted one (for example the {@code satwatch.laws} table); add further configs with
 * {@link #withConfig(String, String)}. The replication factor is always the broker default, which is 1 on the
 * single embedded node.
 *
 * <p>Immutable and thread-safe; the config map is an unmodifiable copy.
 *
 * @param name topic name, non-blank
 * @param partitions number of partitions, at least 1
 * @param configs topic-level configs such as {@code cleanup.policy}, never null
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    /** Validates the arguments and takes an unmodifiable copy of the configs. */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with the broker's default cleanup policy ({@code delete}) and no extra configs. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of());
    }

    /** A log-compacted topic ({@code cleanup.policy=compact}): the latest record per key is kept forever. */
    public static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(
                name, partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** A copy of this spec with one more (or a replaced) topic-level config. */
    public TopicSpec withConfig(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> merged = new LinkedHashMap<>(configs);
        merged.put(key, value);
        return new TopicSpec(name, partitions, merged);
    }
}
