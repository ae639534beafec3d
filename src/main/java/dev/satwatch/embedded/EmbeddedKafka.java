package dev.satwatch.embedded;

import static dev.satwatch.embedded.BrokerConfig.HOST;
import static dev.satwatch.embedded.BrokerConfig.NODE_ID;
import static dev.satwatch.embedded.BrokerConfig.PLAIN_LOGIN_MODULE;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Apache Kafka broker in KRaft mode (combined broker and controller), for
 * {@code satwatch demo} and the integration tests. No Docker, no ZooKeeper.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(4).build().start()) {
 *     kafka.createTopics(TopicSpec.of("satwatch.events", 4), TopicSpec.compacted("satwatch.laws", 1));
 *     String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:PORT"
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Life cycle.</b> {@link #start()} creates a temporary directory, picks free loopback ports, formats the
 * storage (the same code path as {@code kafka-storage.sh format}) and starts {@code kafka.server.KafkaRaftServer};
 * it returns once the broker answers an Admin {@code describeCluster} request, or throws
 * {@link EmbeddedKafkaException} after {@link Builder#timeout(Duration)}. {@link #stop()} shuts the broker down
 * but keeps its log directory and ports, so {@link #start()} (or {@link #restart()}) brings the same data back
 * at the same bootstrap address, as fault tests need. {@link #close()} stops and deletes the directory; it never
 * throws and may be called repeatedly. A closed instance cannot be started again.
 *
 * <p><b>Settings.</b> Everything a single node needs is set: replication factor and min ISR 1 for the
 * internal topics (consumer offsets, transactions, share-group state), no automatic topic creation, no initial
 * rebalance delay, a small log-cleaner buffer, few internal-topic partitions. Every broker property can be
 * overridden with {@link Builder#property(String, String)}; overrides are applied last.
 *
 * <p><b>Security.</b> Clients normally use the {@code PLAINTEXT} listener. {@link Builder#saslPlainUser(String,
 * String)} adds a second listener, {@code SASL_PLAINTEXT} with the PLAIN mechanism and the given users; its address
 * is {@link #saslBootstrapServers()} and {@link #saslClientProperties(String, String)} gives matching client settings.
 * No authorizer is configured: SASL authenticates, it does not restrict.
 *
 * <p><b>Limits.</b> Ports are chosen by binding and releasing ephemeral sockets (the controller quorum needs its
 * port before start-up), so another process could take one in between; a first start that fails to bind is
 * retried on fresh ports. Kafka keeps some process-wide state (Yammer metrics, JMX), so run one instance per
 * JVM at a time unless a test knows what it does.
 *
 * <p><b>Thread safety.</b> All public methods are synchronized on the instance; it may be shared between test
 * threads. Start-up and shutdown block the calling thread.
 *
 * <p>References: Apache Kafka 4.4 {@code KafkaClusterTestKit} (test-common) and {@code org.apache.kafka.metadata.storage.Formatter}
 * for the formatting and configuration of a combined KRaft node; KIP-500/KIP-631 for KRaft.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int MAX_BIND_ATTEMPTS = 3;
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Duration timeout;
    private final Map<String, String> saslUsers;
    private final BrokerConfig brokerConfig;

    // Guarded by this. Directory and ports are fixed at the first start and reused by restarts.
    private Path directory;
    private int brokerPort;
    private int controllerPort;
    private int saslPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.timeout = builder.timeout;
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.brokerConfig = new BrokerConfig(builder.partitions, timeout, builder.overrides, saslUsers);
    }

    /** A builder with the defaults: 4 partitions per new topic, a 60 s time limit, no SASL listener. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and blocks until it accepts requests. Does nothing if it is already running. The first
     * call formats a fresh temporary directory; later calls (after {@link #stop()}) reuse directory and ports.
     *
     * @return this instance, for chaining
     * @throws EmbeddedKafkaException if the broker cannot be formatted or started, or does not answer within the
     *     time limit
     * @throws IllegalStateException if the instance is closed
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed; build a new one");
        }
        if (server != null) {
            return this;
        }
        long startNanos = System.nanoTime();
        if (directory == null) {
            startFresh();
        } else {
            server = launch(serverConfig());
        }
        awaitReady(startNanos + timeout.toNanos());
        LOG.info(
                "Kafka broker at {} started in {} ms (log directory {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                directory);
        return this;
    }

    /**
     * Shuts the broker down and waits for it, keeping the log directory and ports for a later {@link #start()}.
     * Does nothing if the broker is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        BrokerProcess.shutdown(running);
        LOG.debug("Kafka broker at {}:{} stopped", HOST, brokerPort);
    }

    /** Stops (if running) and starts again on the same ports and log directory, so data and address survive. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Stops the broker and deletes its temporary directory. Never throws; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly", e);
        }
        closed = true;
        deleteDirectory();
    }

    /** Whether the broker is running (started and not stopped or closed). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * The address of the PLAINTEXT listener, {@code "127.0.0.1:PORT"}; it stays the same across restarts.
     *
     * @throws IllegalStateException if the broker was never started
     */
    public synchronized String bootstrapServers() {
        requireStartedOnce();
        return HOST + ":" + brokerPort;
    }

    /**
     * The address of the SASL_PLAINTEXT listener, {@code "127.0.0.1:PORT"}.
     *
     * @throws IllegalStateException if no SASL user was configured or the broker was never started
     */
    public synchronized String saslBootstrapServers() {
        requireSasl();
        requireStartedOnce();
        return HOST + ":" + saslPort;
    }

    /** Client settings for the PLAINTEXT listener: only {@code bootstrap.servers}; add serializers and the rest. */
    public synchronized Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /**
     * Client settings for the SASL_PLAINTEXT listener with the PLAIN mechanism and the given credentials (which
     * need not be valid: tests of rejected logins use this too).
     *
     * @throws IllegalStateException if no SASL user was configured or the broker was never started
     */
    public synchronized Map<String, Object> saslClientProperties(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                saslBootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM,
                "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG,
                PLAIN_LOGIN_MODULE + " required username=" + BrokerConfig.quote(user) + " password="
                        + BrokerConfig.quote(password) + ";");
    }

    /**
     * The broker's temporary directory (configuration file and log directories); deleted by {@link #close()}.
     *
     * @throws IllegalStateException if the broker was never started
     */
    public synchronized Path directory() {
        requireStartedOnce();
        return directory;
    }

    /**
     * Creates topics with the given partition counts and the broker's default configs.
     *
     * @see #createTopics(Collection)
     */
    public void createTopics(Map<String, Integer> partitionsByName) {
        List<TopicSpec> specs = new ArrayList<>();
        partitionsByName.forEach((name, count) -> specs.add(TopicSpec.of(name, count)));
        createTopics(specs);
    }

    /**
     * Creates topics.
     *
     * @see #createTopics(Collection)
     */
    public void createTopics(TopicSpec... specs) {
        createTopics(List.of(specs));
    }

    /**
     * Creates topics and waits until the controller has created them. Topics that already exist are left as they
     * are (their configs are not compared), so callers may create their topics again after a {@link #restart()}.
     *
     * @throws EmbeddedKafkaException if a topic cannot be created within the time limit
     * @throws IllegalStateException if the broker is not running
     */
    public synchronized void createTopics(Collection<TopicSpec> specs) {
        if (server == null) {
            throw new IllegalStateException("Kafka broker is not running");
        }
        BrokerAdmin.createTopics(specs, bootstrapServers(), timeout);
    }

    private void startFresh() {
        for (int attempt = 1; ; attempt++) {
            try {
                directory = Files.createTempDirectory("satwatch-kafka-");
                pickPorts();
                Map<String, String> config = serverConfig();
                KraftStorage.format(config);
                server = launch(config);
                return;
            } catch (IOException e) {
                deleteDirectory();
                throw new EmbeddedKafkaException("could not prepare the Kafka log directory", e);
            } catch (EmbeddedKafkaException e) {
                deleteDirectory();
                if (attempt >= MAX_BIND_ATTEMPTS || !causedByBindFailure(e)) {
                    throw e;
                }
                LOG.warn("Kafka broker could not bind its ports (attempt {}), retrying on new ports", attempt);
            }
        }
    }

    private Map<String, String> serverConfig() {
        return brokerConfig.serverConfig(directory, brokerPort, controllerPort, saslPort);
    }

    private KafkaRaftServer launch(Map<String, String> config) {
        return BrokerProcess.launch(config, brokerPort, timeout);
    }

    private void pickPorts() throws IOException {
        List<Integer> ports = BrokerConfig.freeLoopbackPorts(saslUsers.isEmpty() ? 2 : 3);
        brokerPort = ports.get(0);
        controllerPort = ports.get(1);
        saslPort = saslUsers.isEmpty() ? 0 : ports.get(2);
    }

    private void awaitReady(long deadlineNanos) {
        try (Admin admin = Admin.create(BrokerAdmin.config(bootstrapServers(), timeout))) {
            long remaining = BrokerAdmin.remainingMillis(deadlineNanos);
            // The Admin client retries internally until the deadline, so one bounded call is the whole poll.
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) remaining))
                    .nodes()
                    .get(remaining, TimeUnit.MILLISECONDS);
            if (nodes.stream().noneMatch(node -> node.id() == NODE_ID)) {
                throw new EmbeddedKafkaException(
                        "Kafka broker at " + bootstrapServers() + " reported no live broker: " + nodes);
            }
        } catch (ExecutionException | TimeoutException e) {
            stopAfterFailure();
            throw new EmbeddedKafkaException(
                    "Kafka broker at " + bootstrapServers() + " did not accept requests within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopAfterFailure();
            throw new EmbeddedKafkaException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private void stopAfterFailure() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down after a failed start", e);
        }
    }

    private static boolean causedByBindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private void deleteDirectory() {
        if (directory == null) {
            return;
        }
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete the Kafka log directory {}", directory, e);
        }
        directory = null;
    }

    private void requireStartedOnce() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed");
        }
        if (directory == null) {
            throw new IllegalStateException("Kafka broker was never started");
        }
    }

    private void requireSasl() {
        if (saslUsers.isEmpty()) {
            throw new IllegalStateException("no SASL listener: add a user with Builder.saslPlainUser");
        }
    }

    /**
     * Configures an {@link EmbeddedKafka}. Not thread-safe; {@link #build()} copies the settings, so one builder
     * can make several brokers.
     */
    public static final class Builder {

        private int partitions = 4;
        private Duration timeout = Duration.ofSeconds(60);
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();

        private Builder() {}

        /** Default partition count of new topics ({@code num.partitions}); at least 1, default 4. */
        public Builder partitions(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, got " + count);
            }
            this.partitions = count;
            return this;
        }

        /** Time limit for start-up and for each {@code createTopics} call; positive, default 60 s. */
        public Builder timeout(Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + limit);
            }
            this.timeout = limit;
            return this;
        }

        /** A broker property, applied after (and so overriding) the embedded defaults. */
        public Builder property(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            overrides.put(key, value);
            return this;
        }

        /**
         * Adds a user to a SASL_PLAINTEXT listener with the PLAIN mechanism; the first user enables the listener.
         *
         * @param user a name of letters, digits, '.', '_' or '-' (it becomes a JAAS option name)
         * @param password any password
         */
        public Builder saslPlainUser(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (!USER_NAME.matcher(user).matches()) {
                throw new IllegalArgumentException("SASL user name must match " + USER_NAME + ", got '" + user + "'");
            }
            saslUsers.put(user, password);
            return this;
        }

        /** An embedded broker with these settings, not yet started. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
