package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.io.TensorBoardFixtures.Rec;
import dev.satwatch.io.TensorBoardFixtures.Run;
import dev.satwatch.io.TensorBoardFixtures.Written;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorBoard logdirs of the independent writer, read whole and followed live. */
class TensorBoardLogdirTest {

    private static final String HF_FILE = "events.out.tfevents.1700000000.node1.111.0";
    private static final String MEGATRON_FILE = "events.out.tfevents.1700000000.node2.222.0";
    private static final String LIGHTNING_FILE = "events.out.tfevents.1700000100.node3.333.0";

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheWriter() {
        TensorBoardFixtures.assumeWriterAvailable();
    }

    static TensorBoardMapping withTokensPerStep() {
        TensorBoardMapping d = TensorBoardMapping.defaults();
        return new TensorBoardMapping(
                d.lossTags(),
                d.valLossTags(),
                d.lrTags(),
                d.tokensTags(),
                TensorBoardFixtures.TOKENS_PER_STEP,
                null,
                Double.NaN);
    }

    static List<String> keys(List<? extends RunEvent> events) {
        return events.stream()
                .map(e -> TensorBoardFixtures.key((LossPoint) e))
                .sorted()
                .toList();
    }

    @Test
    void shouldReadEveryScalarEncodingOfTheThreeTrainerStyles() throws IOException, InputFormatException {
        Run hf = TensorBoardFixtures.hf("hf", 200, 1);
        Run megatron = TensorBoardFixtures.megatron("megatron", 200, 2);
        Run lightning = TensorBoardFixtures.lightning("group/lightning", 200, 3);
        TensorBoardFixtures.write(dir.resolve("hf").resolve(HF_FILE), false, hf.records());
        TensorBoardFixtures.write(dir.resolve("megatron").resolve(MEGATRON_FILE), false, megatron.records());
        TensorBoardFixtures.write(dir.resolve("group/lightning").resolve(LIGHTNING_FILE), false, lightning.records());

        ReadResult result = TensorBoardLogdir.readAll(dir, withTokensPerStep());

        assertThat(result.problems()).isEmpty();
        List<LossPoint> expected = new ArrayList<>(hf.expected());
        expected.addAll(megatron.expected());
        expected.addAll(lightning.expected());
        assertThat(keys(result.events())).isEqualTo(keys(expected));
        // Runs are named by their folder relative to the logdir.
        assertThat(result.events().stream().map(RunEvent::runId).distinct())
                .containsExactly("group/lightning", "hf", "megatron");
    }

    @Test
    void shouldTakeTheTokensTagOverTokensPerStep() throws IOException, InputFormatException {
        Run hf = TensorBoardFixtures.hf("hf", 100, 1);
        TensorBoardFixtures.write(dir.resolve("hf").resolve(HF_FILE), false, hf.records());

        ReadResult result = TensorBoardLogdir.readAll(dir, withTokensPerStep());

        // HF logs 4096 tokens per step itself; the flag's 8192 is for runs that log none.
        assertThat(keys(result.events())).isEqualTo(keys(hf.expected()));
    }

    @Test
    void shouldFailClearlyWhenARunLogsNoTokensAndNoTokensPerStepIsGiven() throws IOException {
        Run megatron = TensorBoardFixtures.megatron("megatron", 100, 2);
        TensorBoardFixtures.write(dir.resolve("megatron").resolve(MEGATRON_FILE), false, megatron.records());

        assertThatThrownBy(() -> TensorBoardLogdir.readAll(dir, TensorBoardMapping.defaults()))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("run 'megatron'")
                .hasMessageContaining("--tokens-per-step")
                .hasMessageContaining("--tokens-tag");
    }

    @Test
    void shouldUseTheTagsOfTheFlagsInsteadOfTheDefaults() throws IOException, InputFormatException {
        Run hf = TensorBoardFixtures.hf("hf", 100, 1);
        TensorBoardFixtures.write(dir.resolve("hf").resolve(HF_FILE), false, hf.records());
        TensorBoardMapping d = TensorBoardMapping.defaults();
        // eval/runtime (12.5 at every eval step) taken as the validation loss; train/loss no longer a loss.
        TensorBoardMapping mapping = new TensorBoardMapping(
                List.of("nothing/*"), List.of("eval/run*"), d.lrTags(), d.tokensTags(), 0, null, Double.NaN);

        ReadResult result = TensorBoardLogdir.readAll(dir, mapping);

        assertThat(result.events())
                .hasSize(2)
                .allSatisfy(e -> assertThat(((LossPoint) e).loss()).isEqualTo(12.5))
                .allSatisfy(e -> assertThat(((LossPoint) e).split()).isEqualTo(LossPoint.VAL));
    }

    @Test
    void shouldRejectAFolderWithoutEventFiles() {
        assertThatThrownBy(() -> TensorBoardLogdir.readAll(dir, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("no events.out.tfevents.* file");
    }

    /**
     * The acceptance scenario of issue 12: while followed, a logdir holds an HF-style run with a corrupt record and
     * a Megatron-style run whose file is torn mid-record and then grows; a Lightning-style run appears mid-follow with
     * a record whose length CRC is wrong. Every valid scalar becomes a point; the two bad records are reported with
     * their files and byte offsets; the torn record is no error.
     */
    @Test
    void shouldFollowALiveLogdirThroughCorruptionTornRecordsAndNewRuns() throws Exception {
        Run hf = TensorBoardFixtures.hf("hf", 200, 1);
        int hfBad = hf.indexOf(100, "train/loss");
        hf = hf.with(hfBad, hf.records().get(hfBad).corrupted("data"));
        Run megatron = TensorBoardFixtures.megatron("megatron", 200, 2);
        Run lightning = TensorBoardFixtures.lightning("lightning", 200, 3);
        int lightningBad = lightning.indexOf(70, "train_loss");
        lightning = lightning.with(
                lightningBad, lightning.records().get(lightningBad).corrupted("length"));

        Path hfFile = dir.resolve("hf").resolve(HF_FILE);
        Written hfWritten = TensorBoardFixtures.write(hfFile, false, hf.records());
        Path megatronFile = dir.resolve("megatron").resolve(MEGATRON_FILE);
        List<Rec> megatronRecs = megatron.records();
        int cut = megatron.indexOf(100, "lm loss");
        List<Rec> firstPart = new ArrayList<>(megatronRecs.subList(0, cut));
        firstPart.add(megatronRecs.get(cut).torn(30));
        TensorBoardFixtures.write(megatronFile, false, firstPart);

        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        try (TensorBoardLogdir reader = new TensorBoardLogdir(dir, withTokensPerStep())) {
            List<LossPoint> beforeGrowth = new ArrayList<>(hf.expected());
            megatronRecs.subList(0, cut).stream()
                    .map(Rec::yields)
                    .filter(p -> p != null)
                    .forEach(beforeGrowth::add);
            followUntil(reader, events, problems, beforeGrowth.size());
            assertThat(keys(events)).isEqualTo(keys(beforeGrowth));
            assertThat(problems).as("a torn last record waits: no error").hasSize(1);

            // The Megatron file grows (the torn record completed, then the rest); a new run appears.
            List<Rec> rest = new ArrayList<>();
            rest.add(megatronRecs.get(cut).restFrom(30));
            rest.addAll(megatronRecs.subList(cut + 1, megatronRecs.size()));
            TensorBoardFixtures.write(megatronFile, true, rest);
            Path lightningFile = dir.resolve("lightning").resolve(LIGHTNING_FILE);
            Written lightningWritten = TensorBoardFixtures.write(lightningFile, false, lightning.records());

            List<LossPoint> all = new ArrayList<>(hf.expected());
            all.addAll(megatron.expected());
            all.addAll(lightning.expected());
            followUntil(reader, events, problems, all.size());
            TensorBoardLogdir.Poll rest2 = reader.finish();
            events.addAll(rest2.events());
            problems.addAll(rest2.problems());

            assertThat(keys(events)).isEqualTo(keys(all));
            assertThat(problems.stream().map(InputProblem::describe))
                    .containsExactlyInAnyOrder(
                            hfFile.toAbsolutePath().normalize() + ": at byte offset "
                                    + hfWritten.offsets().get(hfBad) + ": data CRC mismatch; record of "
                                    + (hfWritten.offsets().get(hfBad + 1)
                                            - hfWritten.offsets().get(hfBad)
                                            - 16)
                                    + " bytes skipped",
                            lightningFile.toAbsolutePath().normalize() + ": at byte offset "
                                    + lightningWritten.offsets().get(lightningBad)
                                    + ": length CRC mismatch; skipping to the next valid record");
        }
    }

    /** Polls until {@code expected} events arrived; the deadline is generous for a 2-core CI machine. */
    private static void followUntil(
            TensorBoardLogdir reader, List<RunEvent> events, List<InputProblem> problems, int expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TensorBoardLogdir.Poll poll = reader.poll(Duration.ofMillis(100));
            events.addAll(poll.events());
            problems.addAll(poll.problems());
            return events.size() >= expected;
        });
    }
}
