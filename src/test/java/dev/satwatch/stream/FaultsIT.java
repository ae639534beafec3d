package dev.satwatch.stream;

import static dev.satwatch.stream.StreamingFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.config.Topics;
import dev.satwatch.embedded.EmbeddedKafka;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.LawJson;
import dev.satwatch.sim.Fleet;
import dev.satwatch.sim.FleetSpec;
import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimRun;
import dev.satwatch.sim.TimedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault tolerance on the real in-process KRaft broker: the broker restarted under the running app, an instance
 * killed hard (a child JVM, {@code destroyForcibly}) and restarted from the changelog, a killed instance's work
 * failing over to a standby, and three instances joining and leaving under load.
 *
 * <p>Every test ends with the same reconciliation ({@link #reconcile}): the topic holds every input record once
 * and the app's group committed all of them; input = accepted + duplicates + dead-lettered, with the undisturbed
 * split of {@link FaultsLedger#expected}; the committed dead-letter topic holds exactly the malformed record; and the
 * committed fits and alert transitions, raw (so with no duplicates), equal those of an undisturbed run on the same
 * input ({@link StreamingReference}). Counters live in memory, so a killed instance's are lost: the kill tests
 * reconcile the counters of the instance that lives on against the offsets the dead one had committed (see there).
 *
 * <p>Each input is a small simulated fleet (8–12 runs of about 100 points, no STALLING run, whose wall-clock alert
 * would depend on timing) published at a fixed pace by {@link FaultsPublisher} while the fault happens, then a
 * tail published after it: a repeated loss point, a repeated run_finished and one malformed record. One broker for
 * the class; the satwatch topics have fixed names, so each test starts from freshly deleted topics with its own
 * application id. No sleeps: every wait is an Awaitility condition with a deadline.
 */
class FaultsIT {

    private static final int POINTS_PER_RUN = 100;
    private static final int BATCH = 5;
    private static final Duration PERIOD = Duration.ofMillis(50);

    /**
     * Settings of instances a test kills hard (the other instances of the same group use them too):
     *
     * <ul>
     *   <li>session timeout 10 s (default 45 s): the group notices a dead member only when its session expires;
     *   <li>heartbeat every 2 s: below a third of the session timeout, as the consumer requires and recommends;
     *   <li>transaction timeout 3 s (Streams' default with exactly-once is 10 s): the dead instance's open
     *       transaction blocks the offsets it holds until the coordinator aborts it; shorter than the session, so
     *       the offsets are final before any other member can take the partitions over.
     * </ul>
     */
    private static final Map<String, String> KILLABLE = Map.of(
            "kafka.session.timeout.ms", "10000",
            "kafka.heartbeat.interval.ms", "2000",
            "kafka.transaction.timeout.ms", "3000");

    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder()
                .partitions(4)
                // Timed-out transactions are looked for every 10 s by default; a killed instance's would then block
                // its partitions for up to 10 s more than its transaction timeout.
                .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500")
                .build()
                .start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @BeforeEach
    void freshTopics() throws Exception {
        // A no-op unless a failed test left the broker stopped: then the next tests still get a broker.
        kafka.start();
        StreamingFixture.deleteSatwatchTopics(kafka);
    }

    @Test
    void shouldRecoverByItselfWhenTheBrokerRestartsMidStream() throws Exception {
        Input input = input(8, 21L);
        SatwatchConfig config =
                StreamingFixture.config(kafka, "faults-broker", dir.resolve("state"), input.laws(), Map.of());
        Expected expected = input.expected(config);

        StreamCounters counters = new StreamCounters();
        try (SatwatchApp app = SatwatchApp.start(config, counters);
                StreamingOutputs out = new StreamingOutputs(config)) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            try (FaultsPublisher load = FaultsPublisher.start(config, input.body(), BATCH, PERIOD)) {
                await().atMost(WAIT).until(() -> counters.input() >= load.total() / 4);
                // stop() returns once the broker is down, start() once it answers again at the same address with
                // the same data: the outage spans the controlled shutdown and the start-up, about 1-2 s. The
                // publisher's sends queue up meanwhile (its thread blocks on metadata), then go on.
                int sentAtStop;
                try {
                    kafka.stop();
                    sentAtStop = load.sent();
                } finally {
                    kafka.start();
                }
                assertThat(sentAtStop).as("records published before the outage").isLessThan(load.total());
                load.awaitAcked(WAIT);
            }
            // The same instance, never restarted by the test, is processing again.
            await().atMost(WAIT).until(() -> app.state() == KafkaStreams.State.RUNNING);
            StreamingFixture.publishRaw(config, input.tail());

            reconcile(config, "faults-broker", expected, out);
            await().atMost(WAIT)
                    .until(() -> counters.input() >= expected.ledger().input() && counters.unaccounted() == 0);
            FaultsLedger seen = FaultsLedger.of(counters);
            assertThat(seen.balanced()).as("%s", seen).isTrue();
            // The tail came after the outage, so its duplicates and malformed record were each read once. Input
            // read before an aborted transaction is read again (exactly-once rolls state and outputs back with it),
            // so with the same instance throughout, everything read beyond the topic's records was accepted twice.
            assertThat(seen.duplicates()).isEqualTo(expected.ledger().duplicates());
            assertThat(seen.deadLettered()).isEqualTo(expected.ledger().deadLettered());
            assertThat(seen.accepted() - expected.ledger().accepted())
                    .as("records read again after an aborted transaction")
                    .isEqualTo(seen.input() - expected.ledger().input())
                    .isNotNegative();
        }
    }

    @Test
    void shouldRestoreAKilledInstanceFromTheChangelogWithNoAlertLostOrRepeated() throws Exception {
        Input input = input(8, 22L);
        String appId = "faults-kill";
        Map<String, String> child =
                StreamingFixture.settings(kafka, appId, dir.resolve("state-killed"), input.laws(), KILLABLE);
        // The restarted instance gets an empty state directory: its stores can only come from the changelogs.
        SatwatchConfig config =
                StreamingFixture.config(kafka, appId, dir.resolve("state-restarted"), input.laws(), KILLABLE);
        Expected expected = input.expected(config);

        try (FaultsChild killed = FaultsChild.start(child, dir, log("kill"));
                StreamingOutputs out = new StreamingOutputs(config)) {
            awaitSettled(config, appId, 1, killed);
            try (FaultsPublisher load = FaultsPublisher.start(config, input.body(), BATCH, PERIOD)) {
                // Mid-stream: half the input out, and the instance has committed some of it (state, outputs, offsets).
                await().atMost(WAIT)
                        .until(() -> load.sent() >= load.total() / 2
                                && FaultsBroker.sum(FaultsBroker.committed(config, appId)) > 0);
                assertThat(killed.kill()).isTrue();
                assertThat(load.sent()).as("records published before the kill").isLessThan(load.total());

                // Where the restarted instance resumes: the dead one's last committed transaction (its open one is
                // aborted, with the state updates and outputs it held).
                Map<Integer, Long> resumeAt =
                        FaultsBroker.committedStable(config, appId, FaultsBroker.eventPartitions(config));
                assertThat(FaultsBroker.sum(resumeAt))
                        .as("offsets the killed instance committed")
                        .isPositive();

                StreamCounters counters = new StreamCounters();
                try (SatwatchApp restarted = SatwatchApp.start(config, counters)) {
                    load.awaitAcked(WAIT);
                    // The restarted instance read exactly the records after the dead one's last commit, once: it
                    // reprocessed the uncommitted ones, and nothing committed was read again.
                    finishAndReconcileResumed(config, appId, input, expected, out, restarted, counters, resumeAt);
                }
            }
        }
    }

    @Test
    void shouldFailOverToTheStandbyWhenTheActiveInstanceIsKilled() throws Exception {
        Input input = input(8, 23L);
        String appId = "faults-standby";
        Map<String, String> extra = new HashMap<>(KILLABLE);
        // One standby per stateful task: each instance keeps a warm copy of the other's stores.
        extra.put("kafka.num.standby.replicas", "1");
        Map<String, String> child =
                StreamingFixture.settings(kafka, appId, dir.resolve("state-a"), input.laws(), extra);
        SatwatchConfig config = StreamingFixture.config(kafka, appId, dir.resolve("state-b"), input.laws(), extra);
        Expected expected = input.expected(config);
        Set<Integer> all = FaultsBroker.eventPartitions(config);

        StreamCounters counters = new StreamCounters();
        try (FaultsChild a = FaultsChild.start(child, dir, log("standby"));
                StreamingOutputs out = new StreamingOutputs(config)) {
            awaitSettled(config, appId, 1, a);
            try (SatwatchApp b = SatwatchApp.start(config, counters)) {
                // Both active, and B holds standbys of A's run tasks: the state A will lose is already on B.
                await().atMost(WAIT).until(() -> {
                    Set<Integer> active = activeEventPartitions(b);
                    Set<Integer> ofA = new HashSet<>(all);
                    ofA.removeAll(active);
                    return b.state() == KafkaStreams.State.RUNNING
                            && FaultsBroker.settled(config, appId, 2)
                            && !active.isEmpty()
                            && !ofA.isEmpty()
                            && standbyPartitions(b).containsAll(ofA);
                });
                Set<Integer> ofA = new HashSet<>(all);
                ofA.removeAll(activeEventPartitions(b));

                try (FaultsPublisher load = FaultsPublisher.start(config, input.body(), BATCH, PERIOD)) {
                    await().atMost(WAIT)
                            .until(() -> load.sent() >= load.total() / 2 && committedOn(config, appId, ofA) > 0);
                    assertThat(a.kill()).isTrue();
                    assertThat(load.sent())
                            .as("records published before the kill")
                            .isLessThan(load.total());

                    Map<Integer, Long> resumeAt = FaultsBroker.committedStable(config, appId, ofA);
                    // Read before B could own A's partitions (A's session outlives its transaction), so these are
                    // the offsets B resumes A's work from, not ones B has committed since.
                    assertThat(activeEventPartitions(b)).doesNotContainAnyElementsOf(ofA);

                    await().atMost(WAIT).until(() -> activeEventPartitions(b).equals(all));
                    load.awaitAcked(WAIT);
                    // B read its own partitions from the start, and A's from A's last commit: everything else once.
                    finishAndReconcileResumed(config, appId, input, expected, out, b, counters, resumeAt);
                }
            }
        }
    }

    @Test
    void shouldLoseAndRepeatNothingWhileThreeInstancesJoinAndLeaveUnderLoad() throws Exception {
        Input input = input(12, 24L);
        String appId = "faults-rebalance";
        List<SatwatchConfig> configs = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            configs.add(StreamingFixture.config(kafka, appId, dir.resolve("state-" + name), input.laws(), Map.of()));
        }
        SatwatchConfig config = configs.get(0);
        Expected expected = input.expected(config);
        List<StreamCounters> counters =
                List.of(new StreamCounters(), new StreamCounters(), new StreamCounters(), new StreamCounters());

        List<SatwatchApp> apps = new ArrayList<>();
        try (StreamingOutputs out = new StreamingOutputs(config)) {
            apps.add(SatwatchApp.start(config, counters.get(0)));
            assertThat(apps.get(0).awaitRunning(WAIT)).isTrue();
            // A slower pace than the other tests (30 records/s, about 40 s in all), so that all four membership
            // changes happen while records arrive (each instance runs a stream thread per core, so a change
            // rebalances several group members).
            try (FaultsPublisher load = FaultsPublisher.start(config, input.body(), 6, Duration.ofMillis(200))) {
                await().atMost(WAIT).until(() -> load.sent() >= load.total() / 10);
                // B joins, then C: three instances.
                apps.add(SatwatchApp.start(configs.get(1), counters.get(1)));
                awaitGroup(config, appId, apps);
                apps.add(SatwatchApp.start(configs.get(2), counters.get(2)));
                awaitGroup(config, appId, apps);
                // B leaves (cleanly, leaving the group at once), D joins: three again.
                assertThat(StreamingFixture.closeLeavingGroup(apps.get(1))).isTrue();
                List<SatwatchApp> live = new ArrayList<>(List.of(apps.get(0), apps.get(2)));
                awaitGroup(config, appId, live);
                apps.add(SatwatchApp.start(configs.get(3), counters.get(3)));
                live.add(apps.get(3));
                awaitGroup(config, appId, live);
                assertThat(load.sent())
                        .as("records published when D had joined")
                        .isLessThan(load.total());
                load.awaitAcked(WAIT);
            }
            StreamingFixture.publishRaw(config, input.tail());

            reconcile(config, appId, expected, out);
            StreamCounters[] each = counters.toArray(StreamCounters[]::new);
            await().atMost(WAIT)
                    .until(() ->
                            FaultsLedger.of(each).input() >= expected.ledger().input()
                                    && FaultsLedger.of(each).balanced());
            // Every hand-over was a clean revocation, which commits before the task moves: nothing read twice, and
            // the summed counters of the four instances are exactly the undisturbed ones.
            assertThat(FaultsLedger.of(each)).isEqualTo(expected.ledger());
            assertThat(counters.stream().filter(c -> c.input() > 0).count())
                    .as("instances that processed records")
                    .isGreaterThanOrEqualTo(2);
        } finally {
            for (SatwatchApp app : apps) {
                StreamingFixture.closeLeavingGroup(app);
            }
        }
    }

    /**
     * The reconciliation every fault test ends with, once all input is published: outputs equal the undisturbed
     * reference with no duplicates; the topic holds each input record once and the group committed every one; the
     * committed dead-letter topic holds exactly the malformed record.
     */
    private static void reconcile(SatwatchConfig config, String appId, Expected expected, StreamingOutputs out)
            throws Exception {
        StreamingReference reference = expected.reference();
        out.awaitAsserted(o -> {
            assertThat(o.fits()).hasSameSizeAs(reference.fits());
            assertThat(o.alerts()).hasSameSizeAs(reference.alerts());
        });
        assertThat(reference.alerts()).isNotEmpty();
        assertThat(out.fits()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(reference.fits());
        assertThat(out.transitions())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(reference.transitions());

        Map<Integer, Long> ends = FaultsBroker.eventEndOffsets(config);
        assertThat(FaultsBroker.sum(ends))
                .as("records in %s", Topics.EVENTS.name())
                .isEqualTo(expected.ledger().input());
        await().atMost(WAIT).until(() -> FaultsBroker.committed(config, appId).equals(ends));

        await().atMost(WAIT)
                .until(() -> FaultsBroker.deadLetters(config).size()
                        >= expected.ledger().deadLettered());
        List<Map.Entry<String, byte[]>> dead = FaultsBroker.deadLetters(config);
        assertThat(dead).hasSize((int) expected.ledger().deadLettered());
        assertThat(dead).allSatisfy(d -> assertThat(d.getKey()).isEqualTo(expected.malformedKey()));
    }

    /**
     * After a kill: publishes the tail (every duplicate and the malformed record), reconciles the outputs with the
     * undisturbed reference, and checks that the surviving instance read exactly the records from {@code resumeAt}
     * (the dead instance's last committed offsets) on, once, with the reference's duplicates and dead letters.
     */
    private static void finishAndReconcileResumed(
            SatwatchConfig config,
            String appId,
            Input input,
            Expected expected,
            StreamingOutputs out,
            SatwatchApp survivor,
            StreamCounters counters,
            Map<Integer, Long> resumeAt)
            throws Exception {
        StreamingFixture.publishRaw(config, input.tail());

        reconcile(config, appId, expected, out);
        long left = expected.ledger().input() - FaultsBroker.sum(resumeAt);
        await().atMost(WAIT).until(() -> counters.input() >= left && counters.unaccounted() == 0);
        FaultsLedger seen = FaultsLedger.of(counters);
        assertThat(seen.input()).as("%s", seen).isEqualTo(left);
        assertThat(seen.duplicates()).isEqualTo(expected.ledger().duplicates());
        assertThat(seen.deadLettered()).isEqualTo(expected.ledger().deadLettered());
        assertThat(seen.balanced()).as("%s", seen).isTrue();
        assertThat(StreamingFixture.closeLeavingGroup(survivor)).isTrue();
    }

    /** Waits until the child's instance alone is in the group with every partition; fails fast if the JVM dies. */
    private static void awaitSettled(SatwatchConfig config, String appId, int members, FaultsChild child) {
        await().atMost(WAIT).until(() -> {
            assertThat(child.isAlive())
                    .as("child JVM alive (see %s)", child.log())
                    .isTrue();
            return FaultsBroker.settled(config, appId, members);
        });
    }

    /** Waits until exactly {@code live} are in the group, all RUNNING, and every partition is assigned. */
    private static void awaitGroup(SatwatchConfig config, String appId, List<SatwatchApp> live) {
        await().atMost(WAIT)
                .until(() -> live.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING)
                        && FaultsBroker.settled(config, appId, live.size()));
    }

    /** Sum of the group's committed offsets on {@code partitions} of {@code satwatch.events}. */
    private static long committedOn(SatwatchConfig config, String appId, Set<Integer> partitions) throws Exception {
        return FaultsBroker.committed(config, appId).entrySet().stream()
                .filter(e -> partitions.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** The {@code satwatch.events} partitions of the instance's active tasks; empty unless running or rebalancing. */
    private static Set<Integer> activeEventPartitions(SatwatchApp app) {
        if (!app.state().isRunningOrRebalancing()) {
            return Set.of();
        }
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .filter(tp -> tp.topic().equals(Topics.EVENTS.name()))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }

    /**
     * The partitions of the instance's standby tasks of the run sub-topology (the one reading {@code
     * satwatch.events}, found from the instance's own active tasks).
     */
    private static Set<Integer> standbyPartitions(SatwatchApp app) {
        if (!app.state().isRunningOrRebalancing()) {
            return Set.of();
        }
        List<ThreadMetadata> threads = List.copyOf(app.streams().metadataForLocalThreads());
        Set<Integer> runSubtopology = threads.stream()
                .flatMap(t -> t.activeTasks().stream())
                .filter(task -> task.topicPartitions().stream()
                        .anyMatch(tp -> tp.topic().equals(Topics.EVENTS.name())))
                .map(task -> task.taskId().subtopology())
                .collect(Collectors.toSet());
        return threads.stream()
                .flatMap(t -> t.standbyTasks().stream())
                .map(TaskMetadata::taskId)
                .filter(id -> runSubtopology.contains(id.subtopology()))
                .map(id -> id.partition())
                .collect(Collectors.toSet());
    }

    private static Path log(String test) {
        return Path.of("target", "faults-" + test + "-child.log");
    }

    /**
     * One test's input: {@code body}, a simulated fleet published under the fault; {@code tail}, published after
     * it: a repeated loss point and a repeated run_finished of the first run, then a malformed record; {@code
     * valid}, every well-formed event in publication order (body, then the two repeats).
     */
    private record Input(
            List<TimedEvent> valid,
            List<Map.Entry<String, byte[]>> body,
            List<Map.Entry<String, byte[]>> tail,
            String malformedKey,
            Path laws,
            Map<String, ReuseLaw> lawsBySetting) {

        /** What an undisturbed app writes and counts for this input under {@code config}. */
        Expected expected(SatwatchConfig config) {
            FaultsLedger ledger = FaultsLedger.expected(config, lawsBySetting, valid, 1);
            // The kill tests count duplicates on the instance that read the tail only: the body must have none.
            assertThat(ledger.duplicates()).as("duplicates in %s", ledger).isEqualTo(tail.size() - 1L);
            return new Expected(StreamingReference.of(config, lawsBySetting, valid), ledger, malformedKey);
        }
    }

    /**
     * What an undisturbed app does with an {@link Input}.
     *
     * @param reference the fits and alert transitions it writes
     * @param ledger what it counts
     * @param malformedKey the key of the one malformed record, which it dead-letters
     */
    private record Expected(StreamingReference reference, FaultsLedger ledger, String malformedKey) {}

    private Input input(int runs, long seed) throws Exception {
        List<SimRun> fleet = Fleet.generate(spec(runs), seed);
        List<TimedEvent> events = Fleet.interleave(fleet);
        String first = fleet.get(0).runId();
        TimedEvent repeatedPoint = events.stream()
                .filter(e -> e.event() instanceof LossPoint && e.event().runId().equals(first))
                .findFirst()
                .orElseThrow();
        TimedEvent repeatedFinish = events.stream()
                .filter(e ->
                        e.event() instanceof RunFinished && e.event().runId().equals(first))
                .findFirst()
                .orElseThrow();
        List<TimedEvent> valid = new ArrayList<>(events);
        valid.add(repeatedPoint);
        valid.add(repeatedFinish);
        List<Map.Entry<String, byte[]>> tail = new ArrayList<>(entries(List.of(repeatedPoint, repeatedFinish)));
        tail.add(Map.entry(first, "{\"type\":\"loss\",".getBytes(StandardCharsets.UTF_8)));

        Map<String, LawJson.Entry> bySetting = new LinkedHashMap<>();
        for (SimRun run : fleet) {
            bySetting.putIfAbsent(
                    run.meta().setting(), LawJson.Entry.of(run.meta().setting(), run.law()));
        }
        Path laws = dir.resolve("laws.json");
        LawJson.write(laws, bySetting.values());
        Map<String, ReuseLaw> lawsBySetting = LawJson.read(laws).values().stream()
                .collect(Collectors.toMap(LawJson.Entry::setting, LawJson.Entry::law));
        return new Input(List.copyOf(valid), entries(events), List.copyOf(tail), first, laws, lawsBySetting);
    }

    private static List<Map.Entry<String, byte[]>> entries(List<TimedEvent> events) {
        return events.stream()
                .map(TimedEvent::event)
                .map(e -> Map.entry(e.runId(), EventCodec.toJson(e)))
                .toList();
    }

    /** The default fleet without STALLING runs, whose wall-clock alert would depend on timing. */
    private static FleetSpec spec(int runs) {
        FleetSpec d = FleetSpec.defaults(runs);
        Map<Scenario, Double> mix = new HashMap<>(d.mix());
        mix.remove(Scenario.STALLING);
        return d.withMix(mix).withPointsPerRun(POINTS_PER_RUN);
    }
}
