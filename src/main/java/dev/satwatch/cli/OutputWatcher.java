package dev.satwatch.cli;

import dev.satwatch.config.Topics;
import dev.satwatch.event.Alert;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.Numbers;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.serde.LawJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the app's output topics back (read-committed, as a downstream consumer would) for the demo: prints alert
 * transitions and calibrated laws as they happen, keeps the latest fit per run for the progress table and the
 * summary, and with an output folder appends each record's own JSON to {@code fits.jsonl} / {@code alerts.jsonl}.
 * Runs on its own thread until {@link #stop()}.
 */
final class OutputWatcher implements Runnable, AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintWriter out;
    private final BufferedWriter fitsFile;
    private final BufferedWriter alertsFile;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, FitUpdate> latest = new TreeMap<>();
    private final Map<String, Map<dev.satwatch.event.AlertType, Integer>> alertsByRun = new HashMap<>();
    private final Map<dev.satwatch.event.AlertType, AtomicLong> opened =
            new EnumMap<>(dev.satwatch.event.AlertType.class);
    private final AtomicLong fits = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong laws = new AtomicLong();

    OutputWatcher(Map<String, Object> kafka, PrintWriter out, Path outDir) throws IOException {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "satwatch-demo-watcher");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Only committed output: what any downstream consumer of an exactly-once app sees.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.out = out;
        if (outDir != null) {
            Files.createDirectories(outDir);
            fitsFile = Files.newBufferedWriter(outDir.resolve("fits.jsonl"), StandardCharsets.UTF_8);
            alertsFile = Files.newBufferedWriter(outDir.resolve("alerts.jsonl"), StandardCharsets.UTF_8);
        } else {
            fitsFile = null;
            alertsFile = null;
        }
    }

    @Override
    public void run() {
        consumer.subscribe(
                List.of(Topics.FITS.name(), Topics.ALERTS.name(), Topics.LAWS.name(), Topics.DEAD_LETTER.name()));
        try {
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    handle(r);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // stop() woke the poll.
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        try {
            if (topic.equals(Topics.FITS.name())) {
                FitUpdate f = Topics.FITS.deserialize(r.value());
                fits.incrementAndGet();
                synchronized (latest) {
                    latest.put(f.runId(), f);
                }
                append(fitsFile, r.value());
            } else if (topic.equals(Topics.ALERTS.name())) {
                Alert a = Topics.ALERTS.deserialize(r.value());
                if (a.state() == Alert.State.OPEN) {
                    opened.computeIfAbsent(a.type(), t -> new AtomicLong()).incrementAndGet();
                }
                synchronized (latest) {
                    Map<dev.satwatch.event.AlertType, Integer> open = alertsByRun.computeIfAbsent(
                            a.runId(), k -> new EnumMap<>(dev.satwatch.event.AlertType.class));
                    if (a.state() == Alert.State.OPEN) {
                        open.put(a.type(), a.sequence());
                    } else {
                        open.remove(a.type());
                    }
                }
                out.printf(Locale.ROOT, "%-8s %-26s %-10s %s%n", a.state(), a.type(), a.runId(), a.message());
                append(alertsFile, r.value());
            } else if (topic.equals(Topics.LAWS.name())) {
                laws.incrementAndGet();
                String setting = new String(r.key(), StandardCharsets.UTF_8);
                for (LawJson.Entry e : LawJson.parse(new String(r.value(), StandardCharsets.UTF_8), Topics.LAWS.name())
                        .values()) {
                    out.printf(Locale.ROOT, "LAW      %-26s %s%n", setting, lawSentence(e));
                }
            } else {
                deadLetters.incrementAndGet();
            }
            out.flush();
        } catch (RuntimeException | LawFileException e) {
            out.println("note: could not read a record of " + topic + ": " + e.getMessage());
        }
    }

    /** {@code α(D1) = 0.373 − 0.0250·ln D1, E = 1.700 (from 12 runs; α = 0 at D1 = 3.1T)}, D1 in billions. */
    static String lawSentence(LawJson.Entry e) {
        double saturation = e.law().saturationD1();
        return "α(D1) = " + Numbers.fixed(e.law().alpha2(), 3) + " "
                + Numbers.minus(e.law().alpha3(), 4)
                + "·ln D1, E = " + Numbers.fixed(e.law().e(), 3) + " (from " + e.runsUsed() + " runs; "
                + (Double.isFinite(saturation) && saturation > 0
                        ? "α = 0 at D1 = " + Numbers.billions(saturation)
                        : "α never reaches 0")
                + ")";
    }

    private static void append(BufferedWriter file, byte[] json) {
        if (file == null) {
            return;
        }
        try {
            file.write(new String(json, StandardCharsets.UTF_8).replace('\n', ' '));
            file.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The latest fit of every run, by run id. */
    Map<String, FitUpdate> latestFits() {
        synchronized (latest) {
            return new TreeMap<>(latest);
        }
    }

    /** The alerts open now for a run (type → sequence). */
    Map<dev.satwatch.event.AlertType, Integer> alertsOf(String runId) {
        synchronized (latest) {
            Map<dev.satwatch.event.AlertType, Integer> copy = new EnumMap<>(dev.satwatch.event.AlertType.class);
            copy.putAll(alertsByRun.getOrDefault(runId, Map.of()));
            return copy;
        }
    }

    /** Alerts open now, over every run. */
    int openCount() {
        synchronized (latest) {
            return alertsByRun.values().stream().mapToInt(Map::size).sum();
        }
    }

    long fits() {
        return fits.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    long laws() {
        return laws.get();
    }

    Map<dev.satwatch.event.AlertType, AtomicLong> opened() {
        return opened;
    }

    void stop() {
        stop.set(true);
        consumer.wakeup();
    }

    @Override
    public void close() throws IOException {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        if (fitsFile != null) {
            fitsFile.close();
            alertsFile.close();
        }
    }
}
