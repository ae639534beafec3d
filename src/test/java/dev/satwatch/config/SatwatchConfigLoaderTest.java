package dev.satwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.detect.DetectConfig;
import dev.satwatch.fit.CooldownModel;
import dev.satwatch.law.LawPublishPolicy;
import dev.satwatch.track.TrackerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SatwatchConfigLoaderTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("satwatch.properties");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void shouldLoadTheDocumentedDefaultsWithNothingConfigured() {
        SatwatchConfig c = SatwatchConfig.defaults();

        assertThat(c.applicationId()).isEqualTo("satwatch");
        assertThat(c.kafka()).containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.topicPartitions()).isEqualTo(6);
        assertThat(c.topicReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.lawsFile()).as("no law file unless configured").isNull();
        assertThat(c.lawPublish()).isEqualTo(LawPublishPolicy.defaults());
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.punctuationInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.stores()).isEqualTo(RunStores.defaults());
        assertThat(c.tracker()).isEqualTo(TrackerConfig.defaults());
    }

    @Test
    void shouldApplyFileThenEnvThenFlagsEachOverridingTheLast() throws Exception {
        Path f = file(
                "topics.partitions=3",
                "application.id=from-file",
                "detect.spike.mad.k=5",
                "streams.commit.interval=250ms");
        Map<String, String> env = Map.of(
                "SATWATCH_APPLICATION_ID", "from-env",
                "SATWATCH_DETECT_SPIKE_MAD_K", "6",
                "SATWATCH_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "HOME", "/root");
        Map<String, String> flags = Map.of("detect.spike.mad.k", "7");

        SatwatchConfig c = SatwatchConfigLoader.create()
                .withFile(f)
                .withEnv(env)
                .withOverrides(flags)
                .load();

        assertThat(c.topicPartitions()).as("file over default").isEqualTo(3);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.applicationId()).as("env over file").isEqualTo("from-env");
        assertThat(c.kafka()).containsEntry("bootstrap.servers", "broker:9093");
        assertThat(c.tracker().detect().spikeMadK()).as("flag over env").isEqualTo(7.0);
    }

    @Test
    void shouldPassEveryKafkaKeyThroughWithThePrefixStripped() throws Exception {
        Path f = file(
                "kafka.security.protocol=SASL_SSL",
                "kafka.sasl.mechanism=PLAIN",
                "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required;");

        SatwatchConfig c = SatwatchConfigLoader.create()
                .withFile(f)
                .withEnv(Map.of("SATWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ts.jks"))
                .load();

        assertThat(c.kafka())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;")
                .containsEntry("ssl.truststore.location", "/etc/ts.jks");
        Properties p = c.kafkaProperties();
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    }

    @Test
    void shouldBindEveryTrackerAndDetectField() {
        SatwatchConfig c = SatwatchConfigLoader.create()
                .withOverrides(Map.of(
                        "tracker.refit.every.points", "8",
                        "tracker.max.splits", "3",
                        "tracker.summary.bins.per.decade", "32",
                        "detect.stalled.after", "2m",
                        "detect.finish.after.stalled", "PT30M",
                        "detect.open.after", "4"))
                .load();

        assertThat(c.tracker().refitEveryPoints()).isEqualTo(8);
        assertThat(c.tracker().maxSplits()).isEqualTo(3);
        assertThat(c.tracker().summary().binsPerDecade()).isEqualTo(32);
        DetectConfig d = c.tracker().detect();
        assertThat(d.stalledAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.finishAfterStalled()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.openAfter()).isEqualTo(4);
    }

    @Test
    void shouldNameTheFileKeyAndValueOfABadNumber() throws Exception {
        Path f = file("topics.partitions=six");

        assertThatThrownBy(() -> SatwatchConfigLoader.create().withFile(f).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("topics.partitions")
                .hasMessageContaining("'six'")
                .hasMessageContaining("not an integer");
    }

    @Test
    void shouldNameTheEnvironmentVariableOfABadDuration() {
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withEnv(Map.of("SATWATCH_STREAMS_PUNCTUATION_INTERVAL", "soon"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("env SATWATCH_STREAMS_PUNCTUATION_INTERVAL")
                .hasMessageContaining("streams.punctuation.interval")
                .hasMessageContaining("'soon'");
    }

    @Test
    void shouldRejectAnUnknownKeyInTheFileButIgnoreUnknownEnvironmentVariables() throws Exception {
        Path f = file("detect.spike.mad.kk=4");

        assertThatThrownBy(() -> SatwatchConfigLoader.create().withFile(f).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'detect.spike.mad.kk'");
        assertThat(SatwatchConfigLoader.create()
                        .withEnv(Map.of("SATWATCH_VERSION", "1.2"))
                        .load())
                .isEqualTo(SatwatchConfig.defaults());
    }

    @Test
    void shouldReportARangeErrorOfATrackerRecordWithTheKeysThatWereSet() {
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("detect.stalled.after", "2h"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("detect.stalled.after = '2h' from flag")
                .hasMessageContaining("finishAfterStalled must be at least stalledAfter");
    }

    @Test
    void shouldRejectAnUnknownProcessingGuaranteeAndAMissingFile() {
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("processing.guarantee", "exactly_once"))
                        .load())
                .hasMessageContaining("flag: processing.guarantee = 'exactly_once'");
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withFile(dir.resolve("missing.properties"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.properties: configuration file not found");
    }

    @Test
    void shouldReadTheRunStoreSettingsAndRejectAnUnknownStore() {
        SatwatchConfig c = SatwatchConfigLoader.create()
                .withOverrides(Map.of("streams.state.store", "Memory", "streams.decoded.states", "8000"))
                .load();
        assertThat(c.stores()).isEqualTo(new RunStores(true, 8000));
        assertThat(c.stores().decodedStatesPerTask(4)).isEqualTo(2000);
        assertThat(RunStores.defaults().decodedStatesPerTask(1))
                .as("automatic: max heap / 64 KiB")
                .isEqualTo((int) Math.max(16, Runtime.getRuntime().maxMemory() / (64 << 10)));
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("streams.state.store", "disk"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flag: streams.state.store = 'disk'")
                .hasMessageContaining("expected memory or rocksdb");
    }

    @Test
    void shouldReadTheLawPublicationGateWithTheErrorAsAFractionOrAPercentage() {
        SatwatchConfig percent = SatwatchConfigLoader.create()
                .withOverrides(
                        Map.of("law.min.runs", "6", "law.min.distinct.d1", "4", "law.publish.max.loo.error", "3.5%"))
                .load();
        SatwatchConfig fraction = SatwatchConfigLoader.create()
                .withOverrides(Map.of("law.publish.max.loo.error", "0.035"))
                .load();
        SatwatchConfig off = SatwatchConfigLoader.create()
                .withOverrides(Map.of("law.publish.max.loo.error", "off"))
                .load();

        assertThat(percent.lawPublish()).isEqualTo(new LawPublishPolicy(6, 4, 0.035));
        assertThat(percent.calibrationMinRuns()).isEqualTo(6);
        assertThat(fraction.lawPublish().maxLooError()).isEqualTo(0.035);
        assertThat(off.lawPublish().checksLeaveOneOut()).isFalse();
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("law.publish.max.loo.error", "2"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("law.publish.max.loo.error")
                .hasMessageContaining("2%");
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("law.min.distinct.d1", "1"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("calibration.max.runs", "3"))
                        .load())
                .as("law.min.runs 4 > calibration.max.runs 3")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("law.min.runs");
    }

    @Test
    void shouldChooseTheCooldownModelByFitModel() {
        assertThat(SatwatchConfigLoader.create().load().fitModel()).isEqualTo(CooldownModel.MULTIPOWER);
        assertThat(SatwatchConfigLoader.create()
                        .withOverrides(Map.of("fit.model", "Annealing"))
                        .load()
                        .fitModel())
                .isEqualTo(CooldownModel.ANNEALING);
        assertThatThrownBy(() -> SatwatchConfigLoader.create()
                        .withOverrides(Map.of("fit.model", "cosine"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fit.model")
                .hasMessageContaining("annealing or multipower");
    }

    @Test
    void shouldDocumentEveryKeyWithItsDefaultInTheShippedPropertiesFile() throws Exception {
        String doc = Files.readString(Path.of("config", "satwatch.properties"), StandardCharsets.UTF_8);
        Map<String, String> defaults = SatwatchConfigLoader.defaultValues();

        for (Map.Entry<String, String> e : defaults.entrySet()) {
            Matcher m = Pattern.compile("(?m)^#?" + Pattern.quote(e.getKey()) + "=(.*)$")
                    .matcher(doc);
            assertThat(m.find()).as("key %s documented", e.getKey()).isTrue();
            if (!e.getKey().equals(SatwatchConfigLoader.STATE_DIR)) { // depends on java.io.tmpdir
                assertThat(m.group(1).trim())
                        .as("documented default of %s", e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
        // The shipped file itself loads (every active line is a valid key and value).
        assertThat(SatwatchConfigLoader.create()
                        .withFile(Path.of("config", "satwatch.properties"))
                        .load())
                .isNotNull();
    }
}
