package dev.satwatch.stream;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.serde.LawJson;
import dev.satwatch.track.RunState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The satwatch streaming application: creates missing topics, seeds {@code satwatch.laws} from the law file, and runs
 * {@link SatwatchTopology} in Kafka Streams.
 *
 * <pre>{@code
 * try (SatwatchApp app = SatwatchApp.start(config, counters)) {
 *     app.awaitRunning(Duration.ofSeconds(60));
 *     ...
 * }
 * }</pre>
 *
 * <p>Kafka Streams settings that differ from Kafka's defaults, each with its reason, are in {@link
 * #streamsProperties(SatwatchConfig)}. A stream thread that dies of an unexpected exception is replaced (the state
 * is in changelogged stores, so the new thread resumes from the last commit). Local state is never wiped on start:
 * {@code cleanUp()} is not called. Thread-safe: the state listener and callers share only the latch and volatile
 * state.
 */
public final class SatwatchApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SatwatchApp.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** Default record cache for all stores of the instance: 64 MiB, room for about 30k runs between commits. */
    static final long STATE_CACHE_BYTES = 64L << 20;

    private final KafkaStreams streams;
    private final StreamCounters counters;
    private final String applicationServer;
    private final CountDownLatch settled = new CountDownLatch(1);

    private SatwatchApp(KafkaStreams streams, StreamCounters counters, String applicationServer) {
        this.streams = streams;
        this.counters = counters;
        this.applicationServer = applicationServer;
    }

    /**
     * Prepares the topics and laws, then starts Kafka Streams (returns without waiting for RUNNING).
     *
     * @throws LawFileException when the configured law file exists but is not a valid law file
     * @throws IllegalStateException when the topics cannot be created or have mismatched partition counts
     */
    public static SatwatchApp start(SatwatchConfig config, StreamCounters counters)
            throws LawFileException, InterruptedException {
        return start(config, counters, null);
    }

    /**
     * Like {@link #start(SatwatchConfig, StreamCounters)}, advertising this instance's HTTP server to the other
     * instances as Kafka Streams' {@code application.server}, so that interactive queries can find the instance that
     * holds a run.
     *
     * @param applicationServer {@code host:port} of this instance's HTTP server, or null when it has none
     */
    public static SatwatchApp start(SatwatchConfig config, StreamCounters counters, String applicationServer)
            throws LawFileException, InterruptedException {
        createTopics(config);
        seedLaws(config);
        Properties props = streamsProperties(config);
        if (applicationServer != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        KafkaStreams streams = new KafkaStreams(SatwatchTopology.build(config, counters), props);
        SatwatchApp app = new SatwatchApp(streams, counters, applicationServer);
        streams.setStateListener(app::onStateChange);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return app;
    }

    /**
     * The Kafka Streams properties: every {@code kafka.*} setting, then satwatch's own keys and these non-default
     * settings:
     *
     * <ul>
     *   <li>{@code processing.guarantee} (default here {@code exactly_once_v2}): a run's state update and its fits and
     *       alerts commit together, so a restart neither loses nor repeats a transition.
     *   <li>{@code commit.interval.ms} from {@code streams.commit.interval}: with exactly-once, outputs are visible
     *       only after a commit, so this bounds alert latency.
     *   <li>{@code state.dir}: the stores must survive restarts, which the system temp default may not.
     *   <li>{@code replication.factor}: changelog topics as durable as the topics the app creates.
     *   <li>{@code deserialization.exception.handler = LogAndContinue}: the only typed source is the internal
     *       {@code satwatch.finished-runs} (events are read as bytes and dead-lettered by the parser); a corrupt
     *       internal record must not stop every run's monitoring.
     *   <li>{@code statestore.cache.max.bytes} = {@value #STATE_CACHE_BYTES} unless a {@code kafka.*} key sets it: the
     *       run stores are cached (see {@link SatwatchTopology}), and the cache must hold every active run's state
     *       (about 1–4 KB each) between two commits for the per-commit coalescing to work at 10k+ runs.
     *   <li>{@code max.task.idle.ms = -1} unless a {@code kafka.*} key sets it: a task reads {@code satwatch.events}
     *       and the re-keyed {@code satwatch.events-by-run}, which is nearly always empty; the two are not joined by
     *       time, so there is nothing to wait for, and the default (0) made every record check the empty partition's
     *       lag and format a debug message (≈ 7 % of the stream thread, JFR, BENCHMARKS.md §6).
     *   <li>{@code num.stream.threads} = the processors available to the JVM, at most {@code topics.partitions}, unless
     *       a {@code kafka.*} key sets it: one thread ran a busy instance's whole per-event path on one core while the
     *       other waited (2 threads on 2 cores: +12–17 % events/s, BENCHMARKS.md §6); a thread beyond the partition
     *       count would have no task.
     * </ul>
     */
    public static Properties streamsProperties(SatwatchConfig config) {
        Properties p = config.kafkaProperties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                Long.toString(config.commitInterval().toMillis()));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(config.topicReplicationFactor()));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(STATE_CACHE_BYTES));
        p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        p.putIfAbsent(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                Integer.toString(
                        Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), config.topicPartitions()))));
        return p;
    }

    /**
     * Creates every topic of {@link Topics#ALL} that is missing; checks that the two event topics agree. Only topics
     * that existed before are described: a topic this call created has the configured partition count, and the
     * broker may not list it yet (Admin#createTopics: describeTopics may miss a new topic for a while after
     * creation succeeded).
     */
    static void createTopics(SatwatchConfig config) throws InterruptedException {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.Topic<?, ?> topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    NewTopic t = new NewTopic(topic.name(), config.topicPartitions(), config.topicReplicationFactor());
                    if (topic.compacted()) {
                        t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    missing.add(t);
                }
            }
            Set<String> created = missing.isEmpty() ? Set.of() : createAll(admin, missing);
            Map<String, Integer> partitions = new HashMap<>();
            List<String> toDescribe = new ArrayList<>();
            for (String name : List.of(Topics.EVENTS.name(), Topics.EVENTS_BY_RUN.name())) {
                if (created.contains(name)) {
                    partitions.put(name, config.topicPartitions());
                } else {
                    toDescribe.add(name);
                }
            }
            if (!toDescribe.isEmpty()) {
                admin.describeTopics(toDescribe)
                        .allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .forEach(
                                (name, d) -> partitions.put(name, d.partitions().size()));
            }
            int in = partitions.get(Topics.EVENTS.name());
            int rekeyed = partitions.get(Topics.EVENTS_BY_RUN.name());
            if (in != rekeyed) {
                throw new IllegalStateException(Topics.EVENTS.name() + " has " + in + " partitions but "
                        + Topics.EVENTS_BY_RUN.name() + " has " + rekeyed
                        + "; they must be equal so re-keyed events reach their run's task");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot prepare the satwatch topics: " + e.getMessage(), e);
        }
    }

    /** Creates {@code topics}; returns the names this call created (not those another client created first). */
    private static Set<String> createAll(Admin admin, Collection<NewTopic> topics)
            throws InterruptedException, TimeoutException, ExecutionException {
        Set<String> created = new HashSet<>();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> f :
                admin.createTopics(topics).values().entrySet()) {
            try {
                f.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {}", f.getKey());
                created.add(f.getKey());
            } catch (ExecutionException e) {
                // Another instance may have created it between our listing and our request.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /**
     * Publishes every law of the configured law file ({@code laws.file}) to {@code satwatch.laws}. None is configured
     * by default: satwatch ships no law constants, so laws come from calibration only unless a team supplies its own.
     */
    static void seedLaws(SatwatchConfig config) throws LawFileException, InterruptedException {
        Path file = config.lawsFile();
        if (file == null) {
            LOG.info("no law file configured (laws.file); laws come from calibration only");
            return;
        }
        if (!Files.exists(file)) {
            LOG.warn("laws.file {} does not exist; nothing seeded, laws come from calibration only", file);
            return;
        }
        Map<String, LawJson.Entry> laws = LawJson.read(file);
        Properties p = config.kafkaProperties();
        // Idempotent producer with acks=all: a retried send never duplicates or loses a law.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                p, Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
            for (LawJson.Entry entry : laws.values()) {
                byte[] value = LawJson.write(List.of(entry)).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(Topics.LAWS.name(), entry.setting(), value))
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the laws of " + file + ": " + e.getMessage(), e);
        }
        LOG.info("published {} law(s) from {} to {}", laws.size(), file, Topics.LAWS.name());
    }

    private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        LOG.info("satwatch streams {} -> {}", oldState, newState);
        if (newState == KafkaStreams.State.RUNNING
                || newState == KafkaStreams.State.ERROR
                || newState == KafkaStreams.State.PENDING_SHUTDOWN
                || newState == KafkaStreams.State.NOT_RUNNING) {
            settled.countDown();
        }
    }

    /**
     * Waits until Kafka Streams is RUNNING, failed, or {@code timeout} passed.
     *
     * @return whether it is RUNNING
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The current Kafka Streams state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The running Kafka Streams instance, for interactive queries of the stores. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * The runs in this instance's part of {@code run-state-store} (active tasks only).
     *
     * @throws IllegalStateException when the store cannot be queried now (starting, rebalancing, stopped)
     */
    public List<RunState> localRunStates() {
        List<RunState> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = runStore().all()) {
            while (it.hasNext()) {
                out.add(RunState.fromBytes(it.next().value));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return out;
    }

    /**
     * One run from this instance's part of {@code run-state-store}.
     *
     * @throws IllegalStateException when the store cannot be queried now
     */
    public Optional<RunState> localRunState(String runId) {
        try {
            byte[] bytes = runStore().get(runId);
            return bytes == null ? Optional.empty() : Optional.of(RunState.fromBytes(bytes));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /**
     * The {@code host:port} of the other instance whose active task holds {@code runId}, empty when this instance
     * holds it, when no instance is known to, or when this instance advertises no server.
     */
    public Optional<String> remoteOwner(String runId) {
        if (applicationServer == null) {
            return Optional.empty();
        }
        KeyQueryMetadata m;
        try {
            m = streams.queryMetadataForKey(
                    StreamNames.RUN_STATE_STORE, runId, Serdes.String().serializer());
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        String owner = hostPort(m.activeHost());
        return owner == null || owner.equals(applicationServer) ? Optional.empty() : Optional.of(owner);
    }

    /** The {@code host:port} of every other instance of this application that advertises a server. */
    public List<String> otherInstances() {
        List<String> out = new ArrayList<>();
        Collection<StreamsMetadata> all;
        try {
            all = streams.metadataForAllStreamsClients();
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        for (StreamsMetadata m : all) {
            String hp = hostPort(m.hostInfo());
            if (hp != null && !hp.equals(applicationServer) && !out.contains(hp)) {
                out.add(hp);
            }
        }
        return out;
    }

    /**
     * The law of {@code setting} from the global {@code laws-store}; empty when none or when its document is bad.
     *
     * @throws IllegalStateException when the store cannot be queried now
     */
    public Optional<ReuseLaw> law(String setting) {
        byte[] bytes;
        try {
            bytes = streams.store(StoreQueryParameters.fromNameAndType(
                            StreamNames.LAWS_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()))
                    .get(setting);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            LawJson.Entry e = LawJson.parse(new String(bytes, StandardCharsets.UTF_8), "satwatch.laws[" + setting + "]")
                    .get(setting);
            return e == null ? Optional.empty() : Optional.of(e.law());
        } catch (LawFileException e) {
            return Optional.empty();
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> runStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                StreamNames.RUN_STATE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    private IllegalStateException unavailable(InvalidStateStoreException e) {
        return new IllegalStateException("the run stores are not queryable now (streams " + streams.state() + ")", e);
    }

    private static String hostPort(HostInfo h) {
        if (h == null || h.port() < 0 || h.host() == null || h.equals(HostInfo.unavailable())) {
            return null;
        }
        return h.host() + ":" + h.port();
    }

    /** The {@code host:port} advertised as {@code application.server}, null when none. */
    public String applicationServer() {
        return applicationServer;
    }

    /** The counters the topology updates. */
    public StreamCounters counters() {
        return counters;
    }

    /**
     * Stops Kafka Streams, waiting at most {@code timeout}; local state is kept for the next start.
     *
     * @return whether it stopped within the timeout
     */
    public boolean close(Duration timeout) {
        return streams.close(timeout);
    }

    /** Stops Kafka Streams, waiting at most 30 seconds. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
