package dev.satwatch.config;

import dev.satwatch.fit.CooldownModel;
import dev.satwatch.law.LawPublishPolicy;
import dev.satwatch.track.TrackerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The satwatch application's settings, as loaded by {@link SatwatchConfigLoader} (every key is documented in
 * {@code config/satwatch.properties}). Immutable; the {@code kafka} map is an unmodifiable copy.
 *
 * @param kafka Kafka client settings: every {@code kafka.*} key with the prefix stripped (bootstrap servers, security
 *     settings...), passed to the admin client, producers, consumers and Kafka Streams alike
 * @param applicationId Kafka Streams {@code application.id}: consumer group, internal-topic prefix; instances with the
 *     same id share the work
 * @param topicPartitions partitions of each topic the app creates ({@code satwatch.events} and its re-keyed copy must
 *     agree, so both use this)
 * @param topicReplicationFactor replication factor of each topic the app creates
 * @param lawsFile law file to seed {@code satwatch.laws} from at start-up, or null for none
 * @param stateDir Kafka Streams {@code state.dir}: where the local stores live
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param commitInterval Kafka Streams {@code commit.interval.ms}
 * @param punctuationInterval wall-clock interval of the run processor's sweep (STALLED, finish-by-timeout, law
 *     changes)
 * @param finishedRunRetention how long a finished run's state is kept after its last event before the sweep deletes it
 * @param calibrationMaxRuns newest finished runs kept per setting for law calibration
 * @param lawPublish when a calibrated law is published ({@code law.min.runs}, {@code law.min.distinct.d1},
 *     {@code law.publish.max.loo.error})
 * @param tracker per-run tracker settings ({@code tracker.*} and {@code detect.*} keys)
 * @param metricsMaxRuns most runs whose per-run series are exported to /metrics
 * @param metricsFinishedGrace how long a finished run's series stay exported after it finished
 * @param httpBind address the HTTP server binds to ({@code 127.0.0.1} unless configured)
 * @param httpPort HTTP port, 0 for any free port
 * @param httpToken bearer token required by {@code /api/**}; empty means no token
 * @param webhookUrls URLs every alert transition is POSTed to (may be empty)
 * @param webhookMaxAttempts attempts per delivery before it counts as failed
 * @param webhookTimeout timeout of one delivery attempt
 * @param limits per-partition run cap and per-run point rate ({@code limits.*})
 * @param stores where the per-run state is kept ({@code streams.state.store}, {@code streams.decoded.states})
 * @param fitModel the law of cooldown predictions ({@code fit.model}: annealing or multipower)
 */
public record SatwatchConfig(
        Map<String, String> kafka,
        String applicationId,
        int topicPartitions,
        short topicReplicationFactor,
        Path lawsFile,
        Path stateDir,
        String processingGuarantee,
        Duration commitInterval,
        Duration punctuationInterval,
        Duration finishedRunRetention,
        int calibrationMaxRuns,
        LawPublishPolicy lawPublish,
        TrackerConfig tracker,
        int metricsMaxRuns,
        Duration metricsFinishedGrace,
        String httpBind,
        int httpPort,
        String httpToken,
        List<String> webhookUrls,
        int webhookMaxAttempts,
        Duration webhookTimeout,
        RunLimits limits,
        RunStores stores,
        CooldownModel fitModel) {

    /** Processing guarantee value for exactly-once (the default). */
    public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";

    /** Processing guarantee value for at-least-once. */
    public static final String AT_LEAST_ONCE = "at_least_once";

    /** Validates the settings and copies the map. */
    public SatwatchConfig {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(finishedRunRetention, "finishedRunRetention");
        Objects.requireNonNull(lawPublish, "lawPublish");
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(metricsFinishedGrace, "metricsFinishedGrace");
        Objects.requireNonNull(httpBind, "httpBind");
        httpToken = httpToken == null ? "" : httpToken;
        webhookUrls = List.copyOf(webhookUrls);
        Objects.requireNonNull(webhookTimeout, "webhookTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(fitModel, "fitModel");
    }

    /** The defaults of {@code config/satwatch.properties}, with no file, environment or flags applied. */
    public static SatwatchConfig defaults() {
        return SatwatchConfigLoader.create().load();
    }

    /** The Kafka client settings as {@link Properties}, for the admin client, producers and consumers. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.putAll(kafka);
        return p;
    }

    /** These settings with {@code overrides} applied to the Kafka client settings (used by tests and the demo). */
    public SatwatchConfig withKafka(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(kafka);
        merged.putAll(overrides);
        return new SatwatchConfig(
                merged,
                applicationId,
                topicPartitions,
                topicReplicationFactor,
                lawsFile,
                stateDir,
                processingGuarantee,
                commitInterval,
                punctuationInterval,
                finishedRunRetention,
                calibrationMaxRuns,
                lawPublish,
                tracker,
                metricsMaxRuns,
                metricsFinishedGrace,
                httpBind,
                httpPort,
                httpToken,
                webhookUrls,
                webhookMaxAttempts,
                webhookTimeout,
                limits,
                stores,
                fitModel);
    }

    /** Finished runs a setting needs before its law is published ({@code law.min.runs}). */
    public int calibrationMinRuns() {
        return lawPublish.minRuns();
    }

    /** Whether the HTTP API requires a bearer token. */
    public boolean httpTokenRequired() {
        return !httpToken.isEmpty();
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "SatwatchConfig[applicationId=" + applicationId + ", kafka=" + kafka.keySet() + ", httpBind=" + httpBind
                + ", httpPort=" + httpPort + ", httpToken=" + (httpTokenRequired() ? "(set)" : "(none)")
                + ", webhookUrls=" + webhookUrls.size() + "]";
    }
}
