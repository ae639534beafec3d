package dev.satwatch.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** The Admin client work of an {@link EmbeddedKafka}: its client settings and the creation of topics. */
final class BrokerAdmin {

    private BrokerAdmin() {}

    /**
     * Creates topics on the broker at {@code bootstrap} and waits until the controller has created them; topics
     * that already exist are left as they are.
     */
    static void createTopics(Collection<TopicSpec> specs, String bootstrap, Duration timeout) {
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec spec : specs) {
            // An empty replication factor means the broker default, 1 on this node.
            topics.add(new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                    .configs(spec.configs()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(config(bootstrap, timeout))) {
            for (Map.Entry<String, KafkaFuture<Void>> created :
                    admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new EmbeddedKafkaException(
                                "could not create topic " + created.getKey() + " on " + bootstrap, e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new EmbeddedKafkaException(
                            "topic " + created.getKey() + " not created within " + timeout + " on " + bootstrap, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while creating topics", e);
        }
    }

    /** Admin client settings for the broker at {@code bootstrap}, bounded by {@code timeout}. */
    static Map<String, Object> config(String bootstrap, Duration timeout) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "satwatch-embedded-admin");
        int limit = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, limit);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(limit, 30_000));
        return config;
    }

    static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
