package dev.satwatch.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker configuration of an {@link EmbeddedKafka} node: one combined KRaft broker and controller on loopback
 * ports, its listeners (PLAINTEXT, CONTROLLER and the optional SASL_PLAINTEXT with PLAIN users) and the single-node
 * defaults, with the builder's overrides applied last.
 */
final class BrokerConfig {

    static final String HOST = "127.0.0.1";
    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String SASL_LISTENER = "SASL_PLAINTEXT";
    static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final int partitions;
    private final Duration timeout;
    private final Map<String, String> overrides;
    private final Map<String, String> saslUsers;

    BrokerConfig(int partitions, Duration timeout, Map<String, String> overrides, Map<String, String> saslUsers) {
        this.partitions = partitions;
        this.timeout = timeout;
        this.overrides = Map.copyOf(overrides);
        this.saslUsers = Map.copyOf(saslUsers);
    }

    /**
     * The broker properties of the node: the single-node defaults for its directory and ports, then the overrides.
     */
    Map<String, String> serverConfig(Path directory, int brokerPort, int controllerPort, int saslPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum: the node elects itself at once and needs no dynamic-voter bootstrap.
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        String brokerEndpoint = BROKER_LISTENER + "://" + HOST + ":" + brokerPort;
        String controllerEndpoint = CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort;
        String protocols = BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT";
        if (saslUsers.isEmpty()) {
            config.put("listeners", brokerEndpoint + "," + controllerEndpoint);
            config.put("advertised.listeners", brokerEndpoint);
        } else {
            String saslEndpoint = SASL_LISTENER + "://" + HOST + ":" + saslPort;
            config.put("listeners", brokerEndpoint + "," + controllerEndpoint + "," + saslEndpoint);
            config.put("advertised.listeners", brokerEndpoint + "," + saslEndpoint);
            protocols += "," + SASL_LISTENER + ":SASL_PLAINTEXT";
            config.put("sasl.enabled.mechanisms", "PLAIN");
            config.put(
                    "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
                    plainServerJaas());
        }
        config.put("listener.security.protocol.map", protocols);
        config.put("log.dirs", directory.resolve("logs").toString());
        config.put("num.partitions", Integer.toString(partitions));
        config.put("auto.create.topics.enable", "false");
        // One node: internal topics cannot have more than one replica.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // Default 50 partitions each: on one node they only cost files, memory maps and start-up time.
        config.put("offsets.topic.num.partitions", "4");
        config.put("transaction.state.log.num.partitions", "4");
        // The default 128 MiB cleaner buffer is allocated up front; 2 MiB as in Kafka's own KafkaClusterTestKit.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        // Tests and the demo start a consumer group and expect it to be assigned at once, not after 3 s.
        config.put("group.initial.rebalance.delay.ms", "0");
        // Bounds KafkaRaftServer.startup() itself, which otherwise waits for the quorum forever.
        config.put("server.max.startup.time.ms", Long.toString(timeout.toMillis()));
        config.putAll(overrides);
        return config;
    }

    private String plainServerJaas() {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required");
        saslUsers.forEach((user, password) ->
                jaas.append(" user_").append(user).append('=').append(quote(password)));
        return jaas.append(';').toString();
    }

    /** Quotes a JAAS option value; the JAAS parser reads backslash escapes inside double quotes. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Binds all sockets before releasing any, so that the ports are distinct. */
    static List<Integer> freeLoopbackPorts(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, loopback);
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
