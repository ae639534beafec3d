package dev.satwatch.cli;

import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamNames;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What {@code satwatch bench} measures besides rates: thread and process CPU, state bytes per run, event→fit
 * latencies and their percentiles. Stateless.
 */
final class BenchProbes {

    private BenchProbes() {}

    static long streamThreadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("-StreamThread-")) {
                total += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    static Map<Thread, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Thread, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            cpu.put(t, Math.max(0, threads.getThreadCpuTime(t.getId())));
        }
        return cpu;
    }

    /**
     * Prints where the JVM's thread CPU went during phase (b), by thread group (names without numbers and ids), so
     * the stream thread's share can be compared with the in-process broker's and the clients'.
     */
    static void reportCpuByThreadGroup(
            Map<Thread, Long> before, Map<Thread, Long> after, long events, PrintWriter err) {
        Map<String, Long> groups = new HashMap<>();
        after.forEach((t, cpu) -> groups.merge(
                t.getName().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "*").replaceAll("\\d+", "N"),
                cpu - before.getOrDefault(t, 0L),
                Long::sum));
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(10)
                .forEach(e ->
                        err.printf(Locale.ROOT, "  cpu %6.1f µs/event  %s%n", e.getValue() / 1e3 / events, e.getKey()));
    }

    /** CPU time of the whole JVM (app, broker, clients). */
    static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
    }

    static double stateBytesPerRun(List<SatwatchApp> apps) {
        long n = 0;
        long total = 0;
        for (SatwatchApp app : apps) {
            long instanceRuns = 0;
            long instanceBytes = 0;
            try {
                ReadOnlyKeyValueStore<String, byte[]> store = app.streams()
                        .store(StoreQueryParameters.fromNameAndType(
                                        StreamNames.RUN_STATE_STORE,
                                        QueryableStoreTypes.<String, byte[]>keyValueStore())
                                .enableStaleStores());
                try (KeyValueIterator<String, byte[]> it = store.all()) {
                    while (it.hasNext()) {
                        instanceBytes += it.next().value.length;
                        instanceRuns++;
                    }
                }
            } catch (InvalidStateStoreException e) {
                continue; // an instance with no task of the store (more instances than partitions)
            }
            n += instanceRuns;
            total += instanceBytes;
        }
        return n == 0 ? Double.NaN : total / (double) n;
    }

    /** Adds the age of every fit triggered by an event of this phase (a fit's timestamp is its event's). */
    static void collect(Iterable<ConsumerRecord<byte[], byte[]>> records, long phaseStartMs, List<Double> latencies) {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.timestamp() >= phaseStartMs) {
                latencies.add((double) (now - r.timestamp()));
            }
        }
    }

    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
