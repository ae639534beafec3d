package dev.satwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void shouldMarkCompactedTopicWithCompactCleanupPolicy() {
        TopicSpec laws = TopicSpec.compacted("satwatch.laws", 1);

        assertThat(laws.configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(laws.partitions()).isEqualTo(1);
    }

    @Test
    void shouldCreatePlainTopicWithoutConfigs() {
        assertThat(TopicSpec.of("satwatch.events", 4).configs()).isEmpty();
    }

    @Test
    void shouldAddConfigToCopyAndLeaveOriginalUnchanged() {
        TopicSpec plain = TopicSpec.of("satwatch.alerts", 2);

        TopicSpec withRetention = plain.withConfig("retention.ms", "60000");

        assertThat(withRetention.configs()).containsEntry("retention.ms", "60000");
        assertThat(plain.configs()).isEmpty();
        assertThat(withRetention.withConfig("retention.ms", "1").configs()).containsEntry("retention.ms", "1");
    }

    @Test
    void shouldCopyConfigsSoLaterChangesToTheSourceMapDoNotLeakIn() {
        Map<String, String> source = new HashMap<>(Map.of("cleanup.policy", "compact"));
        TopicSpec spec = new TopicSpec("t", 1, source);

        source.put("retention.ms", "1");

        assertThat(spec.configs()).doesNotContainKey("retention.ms");
        assertThatThrownBy(() -> spec.configs().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldRejectBlankNameAndPartitionCountBelowOne() {
        assertThatThrownBy(() -> TopicSpec.of(" ", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("t", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions");
    }
}
