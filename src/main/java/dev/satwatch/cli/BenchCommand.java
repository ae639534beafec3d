package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import dev.satwatch.config.ConfigException;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.embedded.TopicSpec;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch bench}: end-to-end throughput and latency against the in-process broker, side by side in one run.
 *
 * <ol>
 *   <li>Produce {@code --events} loss events over {@code --runs} concurrent runs (interleaved, as a fleet logs).
 *   <li>(a) A plain consumer reads the same topic and parses every record into the same event type: the ceiling.
 *   <li>(b) The satwatch topology with its default guarantee (exactly_once_v2) processes the same records: events/s
 *       from its first to its last record, the ratio b/a, state bytes per run (read from {@code run-state-store} by
 *       interactive query) and the peak heap.
 *   <li>Latency: {@code --latency-runs} runs then log at {@code --latency-rate} events/s for
 *       {@code --latency-seconds}; for every fit read back (read-committed) the time since its triggering event was
 *       produced gives the p50/p99 event→fit latency.
 * </ol>
 *
 * The broker runs in the same JVM: its work is on the same two cores and in the same heap.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure events/s of a plain consumer vs the satwatch topology, latency, state size, heap.")
public final class BenchCommand implements Callable<Integer> {

    private static final long TOKENS_PER_STEP = 1L << 22;

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Option(names = "--events", defaultValue = "200000", description = "Events to process (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--runs", defaultValue = "10000", description = "Concurrent runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--guarantee",
            defaultValue = "exactly_once_v2",
            description = "processing.guarantee of the topology (default: ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(
            names = "--latency-runs",
            defaultValue = "100",
            description = "Runs in the latency phase (default: ${DEFAULT-VALUE}).")
    int latencyRuns;

    @Option(
            names = "--latency-rate",
            defaultValue = "1000",
            description = "Events/s in the latency phase (default: ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(
            names = "--latency-seconds",
            defaultValue = "15",
            description = "Length of the latency phase (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--instances",
            defaultValue = "1",
            description = "App instances (same application.id, in this JVM) sharing the partitions "
                    + "(default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "An application setting for the topology, as in satwatch.properties "
                    + "(e.g. --set streams.commit.interval=1s); repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** What is wrong with the first out-of-range flag, naming that flag alone; null when all are fine. */
    private String badFlag() {
        if (events < 1) {
            return "--events must be at least 1 (got " + events + ")";
        }
        if (runs < 1 || runs > events) {
            return "--runs must be in 1..--events (" + events + "), got " + runs;
        }
        if (partitions < 1) {
            return "--partitions must be at least 1 (got " + partitions + ")";
        }
        if (instances < 1) {
            return "--instances must be at least 1 (got " + instances + ")";
        }
        if (latencyRuns < 1 || latencyRuns > runs) {
            return "--latency-runs must be in 1..--runs (" + runs + "), got " + latencyRuns;
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        log.apply(Level.OFF);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String badFlag = badFlag();
        if (badFlag != null) {
            err.println("satwatch bench: " + badFlag);
            return ExitCodes.USAGE;
        }
        for (String key : BENCH_KEYS) {
            if (settings.containsKey(key)) {
                err.println("satwatch bench: --set " + key + ": the bench sets this itself"
                        + " (--partitions and --guarantee choose the partitions and the guarantee)");
                return ExitCodes.USAGE;
            }
        }
        try {
            SatwatchConfigLoader.create().withOverrides(settings).load(); // before the broker starts
        } catch (ConfigException e) {
            err.println("satwatch bench: --set: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Path stateDir = Files.createTempDirectory("satwatch-bench-state-");
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder().partitions(partitions).build()) {
            kafka.start();
            kafka.createTopics(TopicSpec.of("satwatch.events", partitions));
            Map<String, Object> client = new HashMap<>(kafka.clientProperties());

            err.printf(Locale.ROOT, "producing %,d events over %,d runs...%n", events, runs);
            long bytes = produce(client, 0, events, Instant.EPOCH);
            err.printf(Locale.ROOT, "  %,d bytes (%.0f B/record)%n", bytes, bytes / (double) events);

            err.println("(a) plain consumer + parse...");
            double raw = rawConsumer(client);
            err.printf(Locale.ROOT, "  %,.0f events/s%n", raw);

            err.println("(b) satwatch topology (" + guarantee + ")...");
            resetPeakHeap();
            StreamCounters counters = new StreamCounters();
            Map<String, Object> result = new LinkedHashMap<>();
            List<SatwatchApp> apps = new ArrayList<>();
            try {
                for (int n = 0; n < instances; n++) {
                    apps.add(SatwatchApp.start(config(kafka, stateDir.resolve("instance-" + n)), counters));
                }
                long processStartCpu = BenchProbes.processCpuNanos();
                double topology = topologyRate(counters, err);
                long processCpu = BenchProbes.processCpuNanos() - processStartCpu;
                // Each fit is one more record out (and one more for the broker): the output volume per event.
                double fitsPerEvent = counters.fits() / (double) events;
                double peakHeapMb = peakHeapMb();
                double stateBytes = BenchProbes.stateBytesPerRun(apps);
                err.printf(
                        Locale.ROOT,
                        "  %,.0f events/s; %.0f state bytes per run; peak heap %.0f MB%n",
                        topology,
                        stateBytes,
                        peakHeapMb);

                err.printf(
                        Locale.ROOT,
                        "latency: %d runs at %.0f events/s for %d s...%n",
                        latencyRuns,
                        latencyRate,
                        latencySeconds);
                double[] latencies = latency(client, counters);
                result.put("events", events);
                result.put("runs", runs);
                result.put("partitions", partitions);
                result.put("instances", instances);
                result.put("guarantee", guarantee);
                result.put("settings", new LinkedHashMap<String, Object>(settings));
                result.put("raw_consumer_events_per_s", BenchProbes.round(raw));
                result.put("topology_events_per_s", BenchProbes.round(topology));
                result.put("ratio", Math.round(topology / raw * 1000) / 1000.0);
                result.put("topology_events_per_s_second_half", BenchProbes.round(secondHalfRate));
                result.put("fits_per_event", Math.round(fitsPerEvent * 1000) / 1000.0);
                result.put("stream_thread_cpu_us_per_event", BenchProbes.round(streamThreadCpuNanos / 1e3 / events));
                result.put("process_cpu_us_per_event", BenchProbes.round(processCpu / 1e3 / events));
                result.put("p50_latency_ms", BenchProbes.percentile(latencies, 0.50));
                result.put("p99_latency_ms", BenchProbes.percentile(latencies, 0.99));
                result.put("latency_samples", latencies.length);
                result.put("state_bytes_per_run", BenchProbes.round(stateBytes));
                result.put("peak_heap_mb", BenchProbes.round(peakHeapMb));
                result.put("processors", Runtime.getRuntime().availableProcessors());
                result.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            } finally {
                apps.forEach(SatwatchApp::close);
            }
            if (json) {
                out.println(dev.satwatch.serde.ReportJson.object(result));
            } else {
                result.forEach((k, v) -> out.printf(Locale.ROOT, "%-28s %s%n", k, v));
            }
            return ExitCodes.OK;
        } finally {
            TempDirs.deleteRecursively(stateDir);
        }
    }

    /** Settings the bench chooses itself; {@code --set} may not change them. */
    private static final List<String> BENCH_KEYS = List.of(
            "kafka.bootstrap.servers",
            "streams.state.dir",
            "topics.partitions",
            "processing.guarantee",
            "application.id");

    /** The topology's settings: the defaults, no law file, {@code --set}, then the bench's own {@link #BENCH_KEYS}. */
    private SatwatchConfig config(EmbeddedKafka kafka, Path stateDir) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("laws.file", "");
        overrides.putAll(settings);
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        overrides.put("streams.state.dir", stateDir.toString());
        overrides.put("topics.partitions", Integer.toString(partitions));
        overrides.put("processing.guarantee", guarantee);
        overrides.put("application.id", "satwatch-bench");
        return SatwatchConfigLoader.create().withOverrides(overrides).load();
    }

    /** Produces events {@code from..to} of the interleaved fleet; returns the bytes sent. */
    private long produce(Map<String, Object> client, long from, long to, Instant fixedTs) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = from; i < to; i++) {
                byte[] value = EventCodec.toJson(event(i, fixedTs));
                bytes += value.length;
                producer.send(
                        new ProducerRecord<>("satwatch.events", runId(i).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        return bytes;
    }

    private String runId(long i) {
        return String.format(Locale.ROOT, "bench-run-%06d", i % runs);
    }

    /** Event {@code i}: the first {@code runs} are run starts, then loss points round-robin over the runs. */
    private dev.satwatch.event.RunEvent event(long i, Instant ts) {
        String id = runId(i);
        int run = (int) (i % runs);
        if (i < runs) {
            return new RunStarted(
                    id, ts, new RunMeta("bench", null, 1e11 * (1 + run % 20), 1e9, 5e10, TOKENS_PER_STEP));
        }
        long step = (i / runs) * 10;
        double d2 = (double) step * TOKENS_PER_STEP;
        SplittableRandom random = new SplittableRandom(i);
        double loss = (1.8 + 1.2 * Math.pow(d2 / 1e9, -0.3)) * (1 + 0.003 * (random.nextDouble() - 0.5) * 3.4);
        return new LossPoint(id, ts, step, d2, loss, LossPoint.VAL, 3e-4, RunMeta.EMPTY);
    }

    private double rawConsumer(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "satwatch-bench-raw");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long parsed = 0;
        long start = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("satwatch.events"));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (parsed < events && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    if (EventCodec.parse(r.value()) instanceof ParseResult.Ok) {
                        parsed++;
                    }
                }
            }
        }
        return parsed / ((System.nanoTime() - start) / 1e9);
    }

    private double topologyRate(StreamCounters counters, PrintWriter err) {
        var memory = ManagementFactory.getMemoryMXBean();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long start = 0;
        long lastReport = System.nanoTime();
        while (counters.input() < events && System.nanoTime() < deadline) {
            if (start == 0 && counters.input() > 0) {
                start = System.nanoTime();
                streamThreadCpuNanos = -BenchProbes.streamThreadCpu();
                cpuAtStart = BenchProbes.threadCpu();
            }
            if (halfStart == 0 && counters.input() >= events / 2) {
                halfStart = System.nanoTime();
                halfInput = counters.input();
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                err.printf(Locale.ROOT, "  %,d/%,d processed%n", counters.input(), events);
            }
            peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
            LockSupport.parkNanos(1_000_000);
        }
        streamThreadCpuNanos += BenchProbes.streamThreadCpu();
        BenchProbes.reportCpuByThreadGroup(cpuAtStart, BenchProbes.threadCpu(), events, err);
        if (counters.input() < events) {
            throw new CliException(70, "the topology processed only " + counters.input() + " of " + events);
        }
        long end = System.nanoTime();
        secondHalfRate = halfStart == 0 || end == halfStart
                ? Double.NaN
                : (counters.input() - halfInput) / ((end - halfStart) / 1e9);
        return counters.input() / ((end - start) / 1e9);
    }

    /**
     * Events/s over the second half of phase (b) only: JIT compilation of the Streams, RocksDB and satwatch paths
     * takes CPU for the first seconds, so this is closer to the steady state than the whole-phase figure.
     */
    private double secondHalfRate;

    private long halfStart;
    private long halfInput;

    /**
     * CPU time of the topology's stream threads during phase (b): the work per event, which unlike events/s does not
     * depend on what else shares the cores (the broker in this JVM, other processes on the machine).
     */
    private long streamThreadCpuNanos;

    private Map<Thread, Long> cpuAtStart = Map.of();

    /** Paced events on a subset of runs; returns event→fit latencies in ms. */
    private double[] latency(Map<String, Object> client, StreamCounters counters) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "satwatch-bench-latency");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A fetch that finds nothing new waits up to this long (default 500 ms): keep it out of the latency.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        List<Double> latencies = new ArrayList<>();
        Map<String, Object> producerProps = new HashMap<>(client);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaConsumer<byte[], byte[]> fits =
                        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            fits.subscribe(List.of("satwatch.fits"));
            while (fits.assignment().isEmpty()) {
                fits.poll(Duration.ofMillis(100));
            }
            long total = (long) (latencyRate * latencySeconds);
            long start = System.nanoTime();
            // Fits of the throughput phase still in an open transaction become visible now: not this phase's.
            long phaseStartMs = System.currentTimeMillis();
            long base = ((long) events / runs + 1) * runs;
            for (long k = 0; k < total; k++) {
                long due = start + (long) (k / latencyRate * 1e9);
                while (System.nanoTime() < due) {
                    BenchProbes.collect(fits.poll(Duration.ZERO), phaseStartMs, latencies);
                    LockSupport.parkNanos(200_000);
                }
                // Same runs every time (the first latencyRuns), continuing their curves past the throughput phase.
                long i = base + (k / latencyRuns) * runs + (k % latencyRuns);
                producer.send(new ProducerRecord<>(
                        "satwatch.events",
                        runId(i).getBytes(StandardCharsets.UTF_8),
                        EventCodec.toJson(event(i, Instant.now()))));
            }
            producer.flush();
            long drainUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < drainUntil) {
                BenchProbes.collect(fits.poll(Duration.ofMillis(100)), phaseStartMs, latencies);
            }
        }
        return latencies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Heap in use, sampled every millisecond while the topology works (broker and app share this JVM). */
    private long peakHeap;

    private void resetPeakHeap() {
        System.gc();
        peakHeap = 0;
    }

    private double peakHeapMb() {
        return peakHeap / (1024.0 * 1024.0);
    }
}
