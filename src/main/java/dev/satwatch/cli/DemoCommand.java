package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.SatwatchConfigLoader;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.fit.FitPoints;
import dev.satwatch.law.CalibrationRun;
import dev.satwatch.law.LawCalibrator;
import dev.satwatch.law.LawFit;
import dev.satwatch.serde.LawJson;
import dev.satwatch.serve.ServingApp;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import dev.satwatch.stream.SatwatchApp;
import dev.satwatch.stream.StreamCounters;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code satwatch demo}: the main job on an embedded default. Starts an in-process Kafka broker, the streaming app
 * and the simulator (or replays {@code --input}), prints alerts and laws as they happen and a fleet table every few
 * seconds, and stops cleanly after {@code --duration} or on Ctrl-C with a summary.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run satwatch end to end on this machine: embedded Kafka broker, the streaming app, a simulated fleet.",
            "Alerts and calibrated laws print as they happen; a fleet table every 10 s; a summary at the end."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:finished", "2:bad flags", "65:bad --input", "66:--input missing", "70:the app failed"})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration TABLE_EVERY = Duration.ofSeconds(10);

    /** The fleet table printed last, so that an unchanged one is not printed again. */
    private String lastTable = "";

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions log;

    @Option(
            names = "--duration",
            defaultValue = "90s",
            converter = DurationConverter.class,
            description = "How long to run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--runs", defaultValue = "12", description = "Simulated runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Simulation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = {"-i", "--input"},
            arity = "1..*",
            paramLabel = "FILE",
            description = "Replay these curve files (JSONL, CSV, trainer_state.json) instead of simulating.")
    List<Path> input;

    /** How to read {@code --input}: the same flags as {@code fit}, {@code replay}, {@code law fit}, {@code tail}. */
    @Mixin
    FormatOptions read;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Also write fits.jsonl and alerts.jsonl, read back from the output topics.")
    Path outDir;

    @Option(
            names = "--port",
            defaultValue = "0",
            description =
                    "HTTP port of the dashboard, API and /metrics; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        log.apply(Level.OFF);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String badFlag = badFlag();
        if (badFlag != null) {
            err.println("satwatch demo: " + badFlag);
            return ExitCodes.USAGE;
        }
        List<TimedEvent> events;
        Map<String, String> truth = new LinkedHashMap<>();
        try {
            events = input != null ? fromFile(err) : simulate(truth);
        } catch (CliException e) {
            err.println("satwatch demo: " + e.getMessage());
            return e.exitCode();
        }
        Path stateDir = Files.createTempDirectory("satwatch-demo-state-");
        try (ShutdownSignal shutdown = new ShutdownSignal();
                EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(4).build()) {
            out.println("satwatch demo: starting an in-process Kafka broker (KRaft)...");
            out.flush();
            kafka.start();
            out.println("Kafka broker at " + kafka.bootstrapServers());
            SatwatchConfig config = SatwatchConfigLoader.create()
                    .withOverrides(withPort(demoSettings(
                            kafka.bootstrapServers(),
                            stateDir,
                            input == null ? historyLaws(stateDir, out) : null,
                            input != null)))
                    .load();
            StreamCounters counters = new StreamCounters();
            try (ServingApp serving = ServingApp.start(config, counters);
                    OutputWatcher watcher = new OutputWatcher(kafkaMap(kafka), out, outDir);
                    EventPublisher publisher = new EventPublisher(kafkaMap(kafka), "satwatch.events")) {
                SatwatchApp app = serving.app();
                out.println("dashboard: " + serving.dashboardUrl());
                out.println("metrics: " + serving.dashboardUrl() + "metrics");
                out.flush();
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    err.println("satwatch demo: the streaming app did not start (state " + app.state() + ")");
                    return 70;
                }
                out.printf(
                        Locale.ROOT,
                        "satwatch app running (%s); feeding %d events over ~%ds%s%n",
                        config.processingGuarantee(),
                        events.size(),
                        feedSpan().toSeconds(),
                        input != null
                                ? " from " + input.stream().map(Path::toString).collect(Collectors.joining(", "))
                                : " from " + runs + " simulated runs");
                Thread watcherThread = new Thread(watcher, "satwatch-demo-watcher");
                watcherThread.start();
                SimulationFeed feed = new SimulationFeed(events, feedSpan(), 0, publisher);
                Thread feedThread = new Thread(feed, "satwatch-demo-feed");
                feedThread.start();

                Instant end = Instant.now().plus(duration);
                Instant nextTable = Instant.now().plus(TABLE_EVERY);
                boolean interrupted = false;
                while (Instant.now().isBefore(end)) {
                    Duration wait = Duration.between(Instant.now(), min(end, nextTable));
                    if (shutdown.await(wait.isNegative() ? Duration.ZERO : wait)) {
                        interrupted = true;
                        break;
                    }
                    if (!Instant.now().isBefore(nextTable)) {
                        printTable(out, watcher, counters, truth, feed);
                        nextTable = nextTable.plus(TABLE_EVERY);
                    }
                }
                feed.stop();
                feedThread.join();
                watcher.stop();
                watcherThread.join();
                out.println(interrupted ? "\nstopping (Ctrl-C)..." : "\ndone (" + duration.toSeconds() + " s).");
                printTable(out, watcher, counters, truth, feed);
                printSummary(out, watcher, counters, feed);
                if (outDir != null) {
                    out.println("wrote " + outDir.resolve("fits.jsonl") + " and " + outDir.resolve("alerts.jsonl"));
                }
            }
            return ExitCodes.OK;
        } finally {
            TempDirs.deleteRecursively(stateDir);
        }
    }

    /** What is wrong with the first out-of-range flag, naming that flag alone; null when all are fine. */
    String badFlag() {
        if (runs < 1) {
            return "--runs must be at least 1 (got " + runs + ")";
        }
        if (duration.isNegative() || duration.isZero()) {
            return "--duration must be positive (got " + duration + ")";
        }
        if (port < 0 || port > 65535) {
            return "--port must be in 0..65535 (got " + port + ")";
        }
        return null;
    }

    /** The app's settings for the demo: the embedded broker, a temporary state dir, and demo-speed timing. */
    private Map<String, String> withPort(Map<String, String> settings) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("http.port", Integer.toString(port));
        return s;
    }

    static Map<String, String> demoSettings(String bootstrap, Path stateDir, Path lawsFile, boolean replay) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("streams.state.dir", stateDir.toString());
        s.put("topics.partitions", "4");
        s.put("laws.file", lawsFile == null ? "" : lawsFile.toString());
        s.put("streams.punctuation.interval", "2s");
        if (replay) {
            // A recorded run is judged in its own time: the replay's pacing must raise no STALLED.
            s.put("detect.clock", "event");
        } else {
            // A demo minute stands for hours of training: stalls and finish-by-silence must show within it.
            s.put("detect.stalled.after", "10s");
            s.put("detect.finish.after.stalled", "30s");
        }
        return s;
    }

    private static Map<String, Object> kafkaMap(EmbeddedKafka kafka) {
        return new LinkedHashMap<>(kafka.clientProperties());
    }

    /** The feed ends at 75 % of the demo, leaving time for the final fits, calibration and stalls to show. */
    private Duration feedSpan() {
        return Duration.ofMillis((long) (duration.toMillis() * 0.75));
    }

    private List<TimedEvent> simulate(Map<String, String> truth) {
        List<SimRun> fleet = fleet(runs, seed);
        fleet.forEach(r -> truth.put(r.runId(), r.scenario().name().toLowerCase(Locale.ROOT)));
        return Fleet.interleave(fleet);
    }

    /** The simulated fleet the demo replays for {@code --runs} and {@code --seed}. */
    static List<SimRun> fleet(int runs, long seed) {
        return Fleet.generate(demoFleet(runs, d -> d.mix()), seed);
    }

    /**
     * The demo's fleet shape: two settings, and starts spread over more than a run's length, so that early runs
     * finish while later ones still train and the law recalibrated from finished runs reaches the live ones.
     */
    private static FleetSpec demoFleet(int runs, java.util.function.Function<FleetSpec, Map<Scenario, Double>> mix) {
        FleetSpec d = FleetSpec.defaults(runs);
        return new FleetSpec(
                runs, 2, mix.apply(d), d.pointsPerRun(), d.noise(), d.start(), Duration.ofHours(5), d.evalInterval());
    }

    /**
     * Laws for the demo's settings calibrated from a history of earlier finished runs, as {@code satwatch law fit}
     * would from a team's past runs: the same seed draws the same true law per setting, and twelve healthy runs per
     * setting are fitted offline through the same summary and calibrator as the app. Returns the law file.
     */
    private Path historyLaws(Path dir, PrintWriter out) throws IOException {
        List<SimRun> history = Fleet.generate(demoFleet(24, d -> Map.of(Scenario.HEALTHY, 1.0)), seed);
        Map<String, List<CalibrationRun>> bySetting = new LinkedHashMap<>();
        for (SimRun run : history) {
            List<LossPoint> points = run.events().stream()
                    .map(TimedEvent::event)
                    .filter(LossPoint.class::isInstance)
                    .map(LossPoint.class::cast)
                    .toList();
            FitPoints fp = FitCommand.summarize(points).fitPoints(run.meta().targetD2Tokens());
            bySetting
                    .computeIfAbsent(run.meta().setting(), k -> new ArrayList<>())
                    .add(FitCommand.calibrationRun(run.runId(), run.meta(), fp, points));
        }
        List<LawJson.Entry> laws = new ArrayList<>();
        LawCalibrator calibrator = LawCalibrator.create();
        bySetting.forEach((setting, calibrationRuns) -> {
            LawFit fit = calibrator.fit(calibrationRuns);
            if (fit.converged()) {
                laws.add(new LawJson.Entry(setting, fit.law(), fit.stdErr(), fit.rmse(), fit.runsUsed()));
            }
        });
        Path file = dir.resolve("history-laws.json");
        LawJson.write(file, laws);
        out.printf(
                Locale.ROOT,
                "laws for %d settings calibrated from %d earlier simulated runs (seeded to satwatch.laws)%n",
                laws.size(),
                history.size());
        return file;
    }

    /** The events of {@code --input}, read as {@code fit} reads them, one millisecond apart in file order. */
    List<TimedEvent> fromFile(PrintWriter err) {
        List<RunEvent> read = CurveInputs.events(input, this.read, err);
        Instant t0 = Instant.now();
        List<TimedEvent> events = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            events.add(new TimedEvent(t0.plusMillis(i), read.get(i)));
        }
        return events;
    }

    /**
     * Prints the fleet table unless it reads exactly as the one printed last (the fleet stops changing once the feed
     * ends, and the final table must not repeat it).
     */
    private void printTable(
            PrintWriter out,
            OutputWatcher watcher,
            StreamCounters counters,
            Map<String, String> truth,
            SimulationFeed feed) {
        String table = tableText(watcher, counters, truth, feed);
        if (!table.equals(lastTable)) {
            out.print(table);
            lastTable = table;
        }
        out.flush();
    }

    /** The progress line and, once fits arrived, the fleet table. */
    static String tableText(
            OutputWatcher watcher, StreamCounters counters, Map<String, String> truth, SimulationFeed feed) {
        Map<String, FitUpdate> fits = watcher.latestFits();
        String progress = String.format(
                Locale.ROOT,
                "%n-- %d/%d events sent, %d processed, %d fits, %d alerts open now (%d opened so far) --%n",
                feed.published(),
                feed.total(),
                counters.input(),
                watcher.fits(),
                watcher.openCount(),
                watcher.opened().values().stream()
                        .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
                        .sum());
        return fits.isEmpty()
                ? progress
                : progress
                        + FleetTable.demo().render(fits, truth, run -> watcher.alertsOf(run)
                                .keySet());
    }

    private static void printSummary(
            PrintWriter out, OutputWatcher watcher, StreamCounters counters, SimulationFeed feed) {
        out.println("\nsummary");
        out.printf(
                Locale.ROOT,
                "  events: %d sent, %d processed = %d accepted + %d duplicate + %d dead-lettered%n",
                feed.published(),
                counters.input(),
                counters.count(StreamCounters.Result.ACCEPTED),
                counters.count(StreamCounters.Result.DUPLICATE),
                counters.count(StreamCounters.Result.DEAD_LETTERED));
        out.printf(
                Locale.ROOT,
                "  fits read back: %d; laws calibrated: %d; dead letters read back: %d%n",
                watcher.fits(),
                watcher.laws(),
                watcher.deadLetters());
        String byType = watcher.opened().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Enum::name)))
                .map(e -> e.getKey() + "=" + e.getValue().get())
                .collect(Collectors.joining(", "));
        out.println("  alerts opened: " + (byType.isEmpty() ? "none" : byType));
        out.flush();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
