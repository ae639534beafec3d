package dev.satwatch.config;

import dev.satwatch.detect.DetectConfig;
import dev.satwatch.fit.CooldownModel;
import dev.satwatch.law.LawPublishPolicy;
import dev.satwatch.track.TrackerConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads {@link SatwatchConfig} from layers, each overriding the one before:
 *
 * <ol>
 *   <li>the built-in defaults ({@link #defaultValues()}, the values documented in {@code config/satwatch.properties});
 *   <li>a properties file ({@link #withFile(Path)}, UTF-8);
 *   <li>environment variables {@code SATWATCH_*} ({@link #withEnv(Map)}): strip the prefix, lower-case, {@code _}
 *       becomes {@code .}, so {@code SATWATCH_KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrap.servers};
 *   <li>explicit overrides, e.g. command-line flags ({@link #withOverrides(Map)}).
 * </ol>
 *
 * Every {@code kafka.*} key goes to the Kafka clients with the prefix stripped (security settings included). Every
 * other key must be known: an unknown key in the file or the overrides is an error (a typo would otherwise be
 * ignored silently); unknown {@code SATWATCH_*} variables are ignored, because the environment also carries
 * variables meant for others. Each bad value is a {@link ConfigException} naming its origin (file, variable or
 * flag), key and value. {@code tracker.*} and {@code detect.*} keys are the components of {@link TrackerConfig} and
 * {@link DetectConfig} in dotted lower case ({@code detect.stalled.after}).
 *
 * <p>Immutable: {@code with…} methods return new loaders. Thread-safe.
 */
public final class SatwatchConfigLoader {

    /** The conventional location of the properties file, relative to the working directory. */
    public static final Path DEFAULT_FILE = Path.of("config", "satwatch.properties");

    /** Prefix of environment variables read. */
    public static final String ENV_PREFIX = "SATWATCH_";

    /** Prefix of Kafka client keys. */
    public static final String KAFKA_PREFIX = "kafka.";

    static final String APPLICATION_ID = "application.id";
    static final String TOPICS_PARTITIONS = "topics.partitions";
    static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
    static final String LAWS_FILE = "laws.file";
    static final String STATE_DIR = "streams.state.dir";
    static final String PROCESSING_GUARANTEE = "processing.guarantee";
    static final String COMMIT_INTERVAL = "streams.commit.interval";
    static final String PUNCTUATION_INTERVAL = "streams.punctuation.interval";
    static final String FINISHED_RUN_RETENTION = "streams.finished.run.retention";
    static final String STATE_STORE = "streams.state.store";
    static final String DECODED_STATES = "streams.decoded.states";
    static final String LIMITS_MAX_RUNS = "limits.max.runs.per.partition";
    static final String LIMITS_MAX_POINTS = "limits.max.points.per.second";
    static final String CALIBRATION_MAX_RUNS = "calibration.max.runs";
    static final String LAW_MIN_RUNS = "law.min.runs";
    static final String LAW_MIN_DISTINCT_D1 = "law.min.distinct.d1";
    static final String LAW_MAX_LOO_ERROR = "law.publish.max.loo.error";
    static final String FIT_MODEL = "fit.model";
    static final String METRICS_MAX_RUNS = "metrics.max.runs";
    static final String METRICS_FINISHED_GRACE = "metrics.finished.grace";
    static final String HTTP_BIND = "http.bind";
    static final String HTTP_PORT = "http.port";
    static final String HTTP_TOKEN = "http.token";
    static final String WEBHOOKS_URLS = "webhooks.urls";
    static final String WEBHOOKS_MAX_ATTEMPTS = "webhooks.max.attempts";
    static final String WEBHOOKS_TIMEOUT = "webhooks.timeout";

    private static final String TRACKER_PREFIX = "tracker.";
    private static final String DETECT_PREFIX = "detect.";
    private static final RecordBinder BINDER = new RecordBinder(Map.of(DetectConfig.class, DETECT_PREFIX));
    private static final String DEFAULT_ORIGIN = "default";

    private final Path file;
    private final Map<String, String> env;
    private final Map<String, String> overrides;

    private SatwatchConfigLoader(Path file, Map<String, String> env, Map<String, String> overrides) {
        this.file = file;
        this.env = env;
        this.overrides = overrides;
    }

    /** A loader with defaults only. */
    public static SatwatchConfigLoader create() {
        return new SatwatchConfigLoader(null, Map.of(), Map.of());
    }

    /** This loader reading {@code file} as well; the file must exist when {@link #load()} runs. */
    public SatwatchConfigLoader withFile(Path file) {
        return new SatwatchConfigLoader(file, env, overrides);
    }

    /** This loader reading the {@code SATWATCH_*} entries of {@code environment} (e.g. {@code System.getenv()}). */
    public SatwatchConfigLoader withEnv(Map<String, String> environment) {
        return new SatwatchConfigLoader(file, Map.copyOf(environment), overrides);
    }

    /** This loader applying {@code keyValues} (satwatch keys) last. */
    public SatwatchConfigLoader withOverrides(Map<String, String> keyValues) {
        return new SatwatchConfigLoader(file, env, Map.copyOf(keyValues));
    }

    /**
     * Every known key with its default value as text, in documentation order (core keys, then {@code tracker.*},
     * then {@code detect.*}). Kafka's own keys are open-ended; only {@code kafka.bootstrap.servers} has a default.
     */
    public static Map<String, String> defaultValues() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(KAFKA_PREFIX + "bootstrap.servers", "localhost:9092");
        d.put(APPLICATION_ID, "satwatch");
        d.put(TOPICS_PARTITIONS, "6");
        d.put(TOPICS_REPLICATION_FACTOR, "1");
        // No law is loaded unless configured: satwatch ships no invented constants (DESIGN §6).
        d.put(LAWS_FILE, "");
        d.put(
                STATE_DIR,
                // Not under the OS temp directory, which the OS may clear under a running app (Kafka Streams warns).
                Path.of(System.getProperty("user.home"), ".satwatch", "state").toString());
        d.put(PROCESSING_GUARANTEE, SatwatchConfig.EXACTLY_ONCE_V2);
        d.put(COMMIT_INTERVAL, "1s");
        d.put(PUNCTUATION_INTERVAL, "30s");
        d.put(FINISHED_RUN_RETENTION, "24h");
        d.put(STATE_STORE, "rocksdb");
        d.put(DECODED_STATES, "0");
        d.put(LIMITS_MAX_RUNS, Integer.toString(RunLimits.defaults().maxRunsPerPartition()));
        d.put(LIMITS_MAX_POINTS, "0");
        d.put(CALIBRATION_MAX_RUNS, "64");
        d.put(LAW_MIN_RUNS, Integer.toString(LawPublishPolicy.DEFAULT_MIN_RUNS));
        d.put(LAW_MIN_DISTINCT_D1, Integer.toString(LawPublishPolicy.DEFAULT_MIN_DISTINCT_D1));
        d.put(LAW_MAX_LOO_ERROR, "2%");
        d.put(FIT_MODEL, CooldownModel.DEFAULT.configName());
        d.put(METRICS_MAX_RUNS, "500");
        d.put(METRICS_FINISHED_GRACE, "10m");
        d.put(HTTP_BIND, "127.0.0.1");
        d.put(HTTP_PORT, "8080");
        d.put(HTTP_TOKEN, "");
        d.put(WEBHOOKS_URLS, "");
        d.put(WEBHOOKS_MAX_ATTEMPTS, "5");
        d.put(WEBHOOKS_TIMEOUT, "5s");
        TrackerConfig tracker = TrackerConfig.defaults();
        Map<String, String> trackerKeys = BINDER.defaults(tracker, TRACKER_PREFIX);
        trackerKeys.forEach((k, v) -> {
            if (!k.startsWith(DETECT_PREFIX)) {
                d.put(k, v);
            }
        });
        trackerKeys.forEach((k, v) -> {
            if (k.startsWith(DETECT_PREFIX)) {
                d.put(k, v);
            }
        });
        return d;
    }

    /**
     * Parses a duration the way configuration values are parsed: {@code 90s}, {@code 500ms}, {@code 10m},
     * {@code 2h}, {@code 1d} or ISO-8601 ({@code PT90S}).
     *
     * @throws ConfigException naming {@code what} when the text is not a non-negative duration
     */
    public static java.time.Duration parseDuration(String what, String text) {
        return ConfigValues.duration(new ConfigValue(what, text, "flag"));
    }

    /**
     * Loads the configuration.
     *
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is bad
     */
    public SatwatchConfig load() {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        defaultValues().forEach((k, v) -> values.put(k, new ConfigValue(k, v, DEFAULT_ORIGIN)));
        Set<String> known = new HashSet<>(values.keySet());
        if (file != null) {
            readFile(file)
                    .forEach((k, v) -> values.put(k, requireKnown(new ConfigValue(k, v, file.toString()), known)));
        }
        new TreeMap<>(env).forEach((name, v) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                if (known.contains(key) || key.startsWith(KAFKA_PREFIX)) {
                    values.put(key, new ConfigValue(key, v, "env " + name));
                }
            }
        });
        overrides.forEach((k, v) -> values.put(k, requireKnown(new ConfigValue(k, v, "flag"), known)));
        return build(values);
    }

    private static ConfigValue requireKnown(ConfigValue v, Set<String> known) {
        if (!known.contains(v.key()) && !v.key().startsWith(KAFKA_PREFIX)) {
            throw new ConfigException(v.origin() + ": unknown key '" + v.key() + "' (see config/satwatch.properties)");
        }
        if (v.key().equals(KAFKA_PREFIX)) {
            throw v.error("a Kafka key needs a name after 'kafka.'");
        }
        return v;
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": configuration file not found", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read the configuration file: " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name.trim(), p.getProperty(name));
        }
        return out;
    }

    private static SatwatchConfig build(Map<String, ConfigValue> values) {
        Map<String, String> kafka = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), v.value().trim());
            }
        });
        int partitions = atLeast(values.get(TOPICS_PARTITIONS), 1);
        int replication = atLeast(values.get(TOPICS_REPLICATION_FACTOR), 1);
        if (replication > Short.MAX_VALUE) {
            throw values.get(TOPICS_REPLICATION_FACTOR).error("too large");
        }
        String appId = values.get(APPLICATION_ID).value().trim();
        if (appId.isEmpty()) {
            throw values.get(APPLICATION_ID).error("must not be empty");
        }
        String lawsFile = values.get(LAWS_FILE).value().trim();
        String stateDir = values.get(STATE_DIR).value().trim();
        if (stateDir.isEmpty()) {
            throw values.get(STATE_DIR).error("must not be empty");
        }
        ConfigValue guarantee = values.get(PROCESSING_GUARANTEE);
        String g = guarantee.value().trim().toLowerCase(Locale.ROOT);
        if (!g.equals(SatwatchConfig.EXACTLY_ONCE_V2) && !g.equals(SatwatchConfig.AT_LEAST_ONCE)) {
            throw guarantee.error("expected " + SatwatchConfig.EXACTLY_ONCE_V2 + " or " + SatwatchConfig.AT_LEAST_ONCE);
        }
        Duration commit = ConfigValues.duration(values.get(COMMIT_INTERVAL));
        Duration punctuation = positive(values.get(PUNCTUATION_INTERVAL));
        Duration retention = ConfigValues.duration(values.get(FINISHED_RUN_RETENTION));
        int maxRuns = atLeast(values.get(CALIBRATION_MAX_RUNS), 1);
        ConfigValue minRunsValue = values.get(LAW_MIN_RUNS);
        int minRuns = atLeast(minRunsValue, 1);
        if (minRuns > maxRuns) {
            throw minRunsValue.error("must not exceed " + CALIBRATION_MAX_RUNS + " (" + maxRuns + ")");
        }
        int minDistinctD1 = atLeast(values.get(LAW_MIN_DISTINCT_D1), 2);
        LawPublishPolicy lawPublish =
                new LawPublishPolicy(minRuns, minDistinctD1, looError(values.get(LAW_MAX_LOO_ERROR)));
        int metricsMaxRuns = atLeast(values.get(METRICS_MAX_RUNS), 0);
        Duration grace = ConfigValues.duration(values.get(METRICS_FINISHED_GRACE));
        String bind = values.get(HTTP_BIND).value().trim();
        if (bind.isEmpty()) {
            throw values.get(HTTP_BIND).error("must not be empty");
        }
        int port = atLeast(values.get(HTTP_PORT), 0);
        if (port > 65535) {
            throw values.get(HTTP_PORT).error("must be at most 65535");
        }
        List<String> urls = webhookUrls(values.get(WEBHOOKS_URLS));
        int attempts = atLeast(values.get(WEBHOOKS_MAX_ATTEMPTS), 1);
        Duration webhookTimeout = positive(values.get(WEBHOOKS_TIMEOUT));
        TrackerConfig tracker = BINDER.bind(TrackerConfig.defaults(), TRACKER_PREFIX, values, new HashSet<>());
        int limitRuns = atLeast(values.get(LIMITS_MAX_RUNS), 1);
        ConfigValue rateValue = values.get(LIMITS_MAX_POINTS);
        double rate = ConfigValues.number(rateValue);
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw rateValue.error("must be a finite number ≥ 0 (0 = no limit)");
        }
        ConfigValue storeValue = values.get(STATE_STORE);
        String store = storeValue.value().trim().toLowerCase(Locale.ROOT);
        if (!store.equals("memory") && !store.equals("rocksdb")) {
            throw storeValue.error("expected memory or rocksdb");
        }
        int decoded = atLeast(values.get(DECODED_STATES), 0);
        ConfigValue modelValue = values.get(FIT_MODEL);
        CooldownModel fitModel;
        try {
            fitModel = CooldownModel.parse(modelValue.value());
        } catch (IllegalArgumentException e) {
            throw modelValue.error("expected annealing or multipower");
        }
        return new SatwatchConfig(
                kafka,
                appId,
                partitions,
                (short) replication,
                lawsFile.isEmpty() ? null : Path.of(lawsFile),
                Path.of(stateDir),
                g,
                commit,
                punctuation,
                retention,
                maxRuns,
                lawPublish,
                tracker,
                metricsMaxRuns,
                grace,
                bind,
                port,
                values.get(HTTP_TOKEN).value().trim(),
                urls,
                attempts,
                webhookTimeout,
                new RunLimits(limitRuns, rate),
                new RunStores(store.equals("memory"), decoded),
                fitModel);
    }

    /** The comma-separated absolute http(s) URLs of {@code webhooks.urls}. */
    private static List<String> webhookUrls(ConfigValue v) {
        List<String> urls = new ArrayList<>();
        for (String part : v.value().split(",", -1)) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            try {
                URI uri = new URI(url);
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                        || uri.getHost() == null) {
                    throw v.error("'" + url + "' is not an absolute http(s) URL");
                }
            } catch (URISyntaxException e) {
                throw v.error("'" + url + "' is not a URL: " + e.getReason());
            }
            urls.add(url);
        }
        return List.copyOf(urls);
    }

    /** A fraction ({@code 0.02}, {@code 2%}) or {@code off} (no leave-one-out check: +∞). */
    private static double looError(ConfigValue v) {
        return v.value().trim().equalsIgnoreCase("off") ? Double.POSITIVE_INFINITY : ConfigValues.fraction(v);
    }

    private static int atLeast(ConfigValue v, int min) {
        int n = ConfigValues.integer(v);
        if (n < min) {
            throw v.error("must be at least " + min);
        }
        return n;
    }

    private static Duration positive(ConfigValue v) {
        Duration d = ConfigValues.duration(v);
        if (d.isZero()) {
            throw v.error("must be positive");
        }
        return d;
    }
}
