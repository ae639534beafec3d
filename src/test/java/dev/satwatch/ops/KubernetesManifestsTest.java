package dev.satwatch.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.config.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/ against the code and the other ops files: the environment names real configuration keys, the
 * KafkaTopics are the app's topics with the configured partitions, the state dir is on the claimed volume, peers get
 * a resolvable name, shutdown fits the grace period, and the two generated manifests equal their sources
 * (config/alerts.yml, grafana/dashboards). Schema validation of the manifests is tools/kubernetes.mjs (scripts/test).
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy", "kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void shouldSetOnlyKnownConfigurationKeysThroughTheEnvironment() throws IOException {
        Map<String, String> env = env();
        // The loader ignores unknown SATWATCH_* variables (the environment carries unrelated ones), so a typo here
        // would go unnoticed at run time: check the names.
        assertThat(env.keySet()).isNotEmpty().allSatisfy(name -> {
            String key = name.substring(SatwatchConfigLoader.ENV_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            assertThat(key.startsWith(SatwatchConfigLoader.KAFKA_PREFIX)
                            || SatwatchConfigLoader.defaultValues().containsKey(key))
                    .as("%s names a configuration key", name)
                    .isTrue();
        });
        assertThat(env).containsKey("SATWATCH_KAFKA_NUM_STANDBY_REPLICAS");
    }

    @Test
    void shouldDefineExactlyTheAppsTopicsWithTheConfiguredPartitionsAndReplicas() throws IOException {
        Map<String, String> env = env();
        Map<String, Boolean> compactedByName = new TreeMap<>();
        for (JsonNode topic : ofKind("KafkaTopic")) {
            String name = topic.path("spec")
                    .path("topicName")
                    .asText(topic.at("/metadata/name").asText());
            compactedByName.put(
                    name, topic.at("/spec/config/cleanup.policy").asText().equals("compact"));
            assertThat(topic.at("/spec/partitions").asText())
                    .as("%s partitions", name)
                    .isEqualTo(env.get("SATWATCH_TOPICS_PARTITIONS"));
            assertThat(topic.at("/spec/replicas").asText())
                    .as("%s replicas", name)
                    .isEqualTo(env.get("SATWATCH_TOPICS_REPLICATION_FACTOR"));
        }
        Map<String, Boolean> expected = new TreeMap<>();
        Topics.ALL.forEach(t -> expected.put(t.name(), t.compacted()));
        assertThat(compactedByName).isEqualTo(expected);
    }

    @Test
    void shouldKeepTheStateDirOnAVolumeClaimedPerPod() throws IOException {
        JsonNode set = only("StatefulSet");
        String claim = set.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
        String mountPath = null;
        for (JsonNode mount : container().path("volumeMounts")) {
            if (mount.path("name").asText().equals(claim)) {
                mountPath = mount.path("mountPath").asText();
            }
        }
        assertThat(mountPath).as("a mount of the claim %s", claim).isNotNull();
        assertThat(env().get("SATWATCH_STREAMS_STATE_DIR")).startsWith(mountPath + "/");
    }

    @Test
    void shouldAdvertiseThePodsStableNameThroughTheHeadlessService() throws IOException {
        JsonNode set = only("StatefulSet");
        String serviceName = set.at("/spec/serviceName").asText();
        JsonNode headless = ofKind("Service").stream()
                .filter(s -> s.at("/metadata/name").asText().equals(serviceName))
                .findFirst()
                .orElseThrow();
        assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
        // ServingApp.advertised: bound to 0.0.0.0, the app advertises the host name, which setHostnameAsFQDN makes
        // satwatch-N.<serviceName>.<namespace>.svc.<domain>.
        assertThat(set.at("/spec/template/spec/setHostnameAsFQDN").asBoolean()).isTrue();
        assertThat(env()).containsEntry("SATWATCH_HTTP_BIND", "0.0.0.0");
        assertThat(container().at("/ports/0/containerPort").asText()).isEqualTo(env().get("SATWATCH_HTTP_PORT"));
    }

    @Test
    void shouldLeaveTheAppTimeToShutDownAfterThePreStopPause() throws IOException {
        JsonNode set = only("StatefulSet");
        JsonNode preStop = container().at("/lifecycle/preStop/exec/command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        int pause = preStop.get(1).asInt();
        // ShutdownSignal waits up to 60 s for the command to close (HTTP server, webhooks, Kafka Streams).
        assertThat(set.at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
                .isGreaterThan(pause + 60);
    }

    @Test
    void shouldScrapeUnderTheJobNameTheAlertRulesExpect() throws IOException {
        JsonNode monitor = only("ServiceMonitor");
        JsonNode selector = monitor.at("/spec/selector/matchLabels");
        List<JsonNode> selected = ofKind("Service").stream()
                .filter(s -> {
                    JsonNode labels = s.at("/metadata/labels");
                    List<String> missing = new ArrayList<>();
                    selector.fieldNames().forEachRemaining(k -> {
                        if (!labels.path(k).asText().equals(selector.path(k).asText())) {
                            missing.add(k);
                        }
                    });
                    return missing.isEmpty();
                })
                .toList();
        assertThat(selected).hasSize(1);
        // The Prometheus Operator names the job after the Service; config/alerts.yml has up{job="satwatch"}.
        assertThat(selected.get(0).at("/metadata/name").asText()).isEqualTo("satwatch");
        assertThat(Files.readString(Path.of("config", "alerts.yml"))).contains("up{job=\"satwatch\"}");
    }

    @Test
    void shouldHoldExactlyTheRulesOfAlertsYml() throws IOException {
        JsonNode alerts = YAML.readTree(Path.of("config", "alerts.yml").toFile());
        assertThat(only("PrometheusRule").at("/spec/groups"))
                .as("prometheusrule.yaml is stale: node tools/kubernetes.mjs generate")
                .isEqualTo(alerts.get("groups"));
    }

    @Test
    void shouldHoldExactlyTheProvisionedDashboards() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("grafana", "dashboards"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        Map<String, String> data = new TreeMap<>();
        only("ConfigMap")
                .path("data")
                .properties()
                .forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        assertThat(data)
                .as("grafana-dashboards.yaml is stale: node tools/kubernetes.mjs generate")
                .isEqualTo(files);
    }

    private static JsonNode container() throws IOException {
        return only("StatefulSet").at("/spec/template/spec/containers/0");
    }

    /** The literal environment of the satwatch container (values from Secrets are listed with an empty value). */
    private static Map<String, String> env() throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : container().path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(""));
        }
        env.keySet().removeIf(name -> !name.startsWith(SatwatchConfigLoader.ENV_PREFIX));
        return env;
    }

    private static JsonNode only(String kind) throws IOException {
        List<JsonNode> all = ofKind(kind);
        assertThat(all).as("one %s in %s", kind, DIR).hasSize(1);
        return all.get(0);
    }

    private static List<JsonNode> ofKind(String kind) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs =
                        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && kind.equals(doc.path("kind").asText())) {
                            out.add(doc);
                        }
                    }
                }
            }
        }
        return out;
    }
}
