package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfigLoader;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings satwatch changes from Kafka's defaults, and that a {@code kafka.*} key still wins. */
class SatwatchAppPropertiesTest {

    @Test
    void shouldSetTheDocumentedStreamsDefaults() {
        Properties p = SatwatchApp.streamsProperties(SatwatchConfigLoader.create()
                .withOverrides(Map.of("topics.partitions", "1"))
                .load());

        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("1000");
        assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(p.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(Long.toString(64L << 20));
        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG))
                .as("no more threads than partitions")
                .isEqualTo("1");
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    }

    @Test
    void shouldUseAThreadPerProcessorUpToThePartitionCount() {
        Properties p = SatwatchApp.streamsProperties(SatwatchConfigLoader.create()
                .withOverrides(Map.of("topics.partitions", "1000"))
                .load());

        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG))
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void shouldLetKafkaKeysOverrideThem() {
        Properties p = SatwatchApp.streamsProperties(SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "kafka.num.stream.threads", "3",
                        "kafka.max.task.idle.ms", "0",
                        "kafka.statestore.cache.max.bytes", "0"))
                .load());

        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo("3");
        assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("0");
        assertThat(p.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo("0");
    }
}
