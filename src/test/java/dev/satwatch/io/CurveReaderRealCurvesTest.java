package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.LossPoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reads the public curves in {@code ../shared/data/real-curves}; expected counts from each SOURCE.md. */
class CurveReaderRealCurvesTest {

    @Test
    void shouldReadTheOlmoWsdConstantRunsWithTheC4LossColumn() throws Exception {
        // olmo2-ladder/SOURCE.md: 5 runs, 648 points; per-run counts checked with Python's csv module.
        ReadResult r = CurveReader.read(
                RealCurves.file("olmo2-ladder/wsd_const.csv"),
                InputFormat.AUTO,
                CsvMapping.defaults().withLossColumn("c4_en"));

        assertThat(r.problems()).isEmpty();
        assertThat(r.events()).hasSize(648);
        assertThat(r.linesRead()).isEqualTo(649);
        List<RunData> runs = RunData.group(r.events());
        Map<String, Integer> counts = runs.stream().collect(Collectors.toMap(RunData::runId, RunData::pointCount));
        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("190M-10xC", 73, "1B-10xC", 163, "370M-10xC", 95, "3B-10xC", 201, "760M-10xC", 116));
        assertThat(runs).extracting(RunData::runId).first().isEqualTo("190M-10xC"); // first-seen order

        List<LossPoint> b1 = runs.stream()
                .filter(x -> x.runId().equals("1B-10xC"))
                .findFirst()
                .orElseThrow()
                .points(null);
        assertThat(b1.get(0).d2Tokens()).isEqualTo(1572864000.0);
        assertThat(b1.get(0).loss()).isEqualTo(4.013088);
        assertThat(b1.get(0).lr()).isEqualTo(0.0005154392348953);
        assertThat(b1.get(0).step()).isEqualTo(1000);
        assertThat(b1.get(0).split()).isEqualTo("val");
        assertThat(b1.get(b1.size() - 1).d2Tokens()).isEqualTo(255895535616.0);
        assertThat(b1.get(b1.size() - 1).loss()).isEqualTo(2.936579);
    }

    @Test
    void shouldRejectTheOlmoFileWithoutALossMappingAndListItsColumns() {
        assertThatThrownBy(() -> CurveReader.read(RealCurves.file("olmo2-ladder/wsd_const.csv"), InputFormat.CSV, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("wsd_const.csv:1: no loss column")
                .hasMessageContaining("--loss-column")
                .hasMessageContaining("c4_en, dolma_books");
    }

    @Test
    void shouldReadAMultiPowerLawCurveWithAFixedRunIdAndTokensPerStep() throws Exception {
        // multipowerlaw/SOURCE.md: no run column, steps only; tokens per step are not stated, so the
        // test picks 1,048,576 (the mapping supplies it). 171 points, steps 2176..23936.
        CsvMapping m = CsvMapping.defaults().withFixedRunId("mpl-100M-constant").withTokensPerStep(1_048_576);
        ReadResult r = CurveReader.read(RealCurves.file("multipowerlaw/100M/constant_24000.csv"), InputFormat.AUTO, m);

        assertThat(r.problems()).isEmpty();
        List<RunData> runs = RunData.group(r.events());
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.runId()).isEqualTo("mpl-100M-constant");
            assertThat(run.meta().tokensPerStep()).isEqualTo(1_048_576L);
            List<LossPoint> pts = run.points(null);
            assertThat(pts).hasSize(171);
            assertThat(pts.get(0).d2Tokens()).isEqualTo(2176 * 1_048_576.0);
            assertThat(pts.get(0).loss()).isEqualTo(3.7666);
            assertThat(pts.get(170).step()).isEqualTo(23936);
            assertThat(pts.get(0).split()).isEqualTo("val");
        });
    }

    @Test
    void shouldNameTheRunAfterTheFileAndAskForTokensPerStepWhenOnlyStepsAreKnown() throws Exception {
        ReadResult r = CurveReader.read(
                RealCurves.file("multipowerlaw/100M/constant_24000.csv"),
                InputFormat.CSV,
                CsvMapping.defaults().withTokensPerStep(4096));
        assertThat(RunData.group(r.events())).extracting(RunData::runId).containsExactly("constant_24000");

        assertThatThrownBy(() -> CurveReader.read(
                        RealCurves.file("multipowerlaw/100M/constant_24000.csv"), InputFormat.CSV, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("constant_24000.csv:1:")
                .hasMessageContaining("--tokens-per-step");
    }

    @Test
    void shouldReadAllPythiaSeedsAsTrainRunsKeyedBySizeAndSeed() throws Exception {
        // pythia-seeds/SOURCE.md: 84,940 rows, 28 runs, 2,097,152 tokens per step; 70m seed 5 has 1,950 rows.
        CsvMapping m = CsvMapping.defaults().withRunColumn("model_size+seed").withTokensPerStep(2_097_152);
        ReadResult r =
                CurveReader.read(RealCurves.file("pythia-seeds/train_loss_downsampled.csv"), InputFormat.AUTO, m);

        assertThat(r.problems()).isEmpty();
        assertThat(r.events()).hasSize(84_940);
        List<RunData> runs = RunData.group(r.events());
        assertThat(runs).hasSize(28);
        RunData seed5 =
                runs.stream().filter(x -> x.runId().equals("70m-5")).findFirst().orElseThrow();
        assertThat(seed5.pointsBySplit()).containsOnlyKeys("train"); // loss column train_loss → split train
        assertThat(seed5.points(null)).hasSize(1950);
        assertThat(seed5.points(null).get(1).d2Tokens()).isEqualTo(2_097_152.0);
    }
}
