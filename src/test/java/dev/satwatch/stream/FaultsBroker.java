package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the broker itself says, for the fault tests' reconciliation: how many records {@code satwatch.events}
 * holds, how far the app's consumer group committed, how many records the app committed to the dead-letter topic,
 * and who is in the group. Every call opens and closes its own client; stateless.
 */
final class FaultsBroker {

    private static final long WAIT_MS = StreamingFixture.WAIT.toMillis();

    private FaultsBroker() {}

    /** Per partition of {@code satwatch.events}, its end offset (the number of records it holds: never compacted). */
    static Map<Integer, Long> eventEndOffsets(SatwatchConfig config) throws Exception {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            Map<TopicPartition, OffsetSpec> request = eventPartitions(config).stream()
                    .collect(Collectors.toMap(
                            p -> new TopicPartition(Topics.EVENTS.name(), p), p -> OffsetSpec.latest()));
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(request)
                    .all()
                    .get(WAIT_MS, TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        }
    }

    /**
     * Per partition of {@code satwatch.events}, the offset the group last committed (0 when it never committed on
     * a partition). Pending transactional commits are not included: this is what a new member would start from
     * once they are resolved.
     */
    static Map<Integer, Long> committed(SatwatchConfig config, String groupId) throws Exception {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(WAIT_MS, TimeUnit.MILLISECONDS);
            Map<Integer, Long> committed = new TreeMap<>();
            for (int p : eventPartitions(config)) {
                OffsetAndMetadata o = offsets.get(new TopicPartition(Topics.EVENTS.name(), p));
                committed.put(p, o == null ? 0L : o.offset());
            }
            return committed;
        }
    }

    /**
     * Like {@link #committed} for {@code partitions}, but waits until no transaction of the group's members still
     * holds an offset commit open on them: a {@code read_committed} consumer asks for stable offsets and retries
     * while the broker answers UNSTABLE_OFFSET_COMMIT (KIP-447), which is what a restarted member goes through too.
     * After a hard kill that means: until the dead instance's open transaction times out and is aborted. The
     * consumer never subscribes, so it does not join (and does not disturb) the group.
     */
    static Map<Integer, Long> committedStable(SatwatchConfig config, String groupId, Collection<Integer> partitions) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                p, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())) {
            Set<TopicPartition> tps = partitions.stream()
                    .map(q -> new TopicPartition(Topics.EVENTS.name(), q))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(tps, StreamingFixture.WAIT);
            Map<Integer, Long> committed = new TreeMap<>();
            for (TopicPartition tp : tps) {
                OffsetAndMetadata o = offsets.get(tp);
                committed.put(tp.partition(), o == null ? 0L : o.offset());
            }
            return committed;
        }
    }

    /**
     * Every record committed to {@code satwatch.dead-letter} so far, read {@code read_committed} from the beginning
     * up to the last stable offset: (key, value bytes).
     */
    static List<Map.Entry<String, byte[]>> deadLetters(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(Topics.DEAD_LETTER.name(), StreamingFixture.WAIT).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            // With read_committed, endOffsets is the last stable offset: nothing beyond it can be read yet.
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, StreamingFixture.WAIT);
            List<Map.Entry<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + StreamingFixture.WAIT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "dead-letter topic not read to its end within " + StreamingFixture.WAIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(Map.entry(r.key(), r.value())));
            }
            return records;
        }
    }

    /** The group's description (members with their assignments, state). */
    static ConsumerGroupDescription group(SatwatchConfig config, String groupId) throws Exception {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            return admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get(WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether the group is stable with exactly {@code members} app instances, all of {@code satwatch.events} assigned. */
    static boolean settled(SatwatchConfig config, String groupId, int members) throws Exception {
        ConsumerGroupDescription g;
        try {
            g = group(config, groupId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false; // no member has joined yet
            }
            throw e;
        }
        Set<Integer> assigned = g.members().stream()
                .flatMap(m -> m.assignment().topicPartitions().stream())
                .filter(tp -> tp.topic().equals(Topics.EVENTS.name()))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet());
        // A member is a stream thread ("<app>-<process id>-StreamThread-<n>-consumer"); an instance may run several.
        long instances = g.members().stream()
                .map(m -> m.clientId().replaceAll("-StreamThread-\\d+-consumer$", ""))
                .distinct()
                .count();
        return g.groupState() == GroupState.STABLE && instances == members && assigned.equals(eventPartitions(config));
    }

    /** The partition numbers of {@code satwatch.events}: 0 .. topics.partitions − 1. */
    static Set<Integer> eventPartitions(SatwatchConfig config) {
        return IntStream.range(0, config.topicPartitions()).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** The sum of {@code offsets}' values. */
    static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
