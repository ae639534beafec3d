package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.satwatch.event.LossPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the synthetic samples described in {@code src/test/resources/io/SOURCE.md}. */
class TrainerStateReaderTest {

    private static final Path WITH_TOKENS = Path.of("src/test/resources/io/trainer/cpt-code-1b/trainer_state.json");
    private static final Path NO_TOKENS =
            Path.of("src/test/resources/io/trainer/cpt-noisy/checkpoint-200/trainer_state.json");

    @TempDir
    Path dir;

    @Test
    void shouldReadTrainAndEvalLogsWithLoggedTokenCounts() throws Exception {
        ReadResult r = CurveReader.read(WITH_TOKENS, InputFormat.AUTO, null);

        assertThat(r.problems()).isEmpty();
        RunData run = RunData.group(r.events()).get(0);
        assertThat(run.runId()).isEqualTo("cpt-code-1b"); // the folder name
        assertThat(run.pointsBySplit()).containsOnlyKeys("train", "val");
        assertThat(run.points("train")).hasSize(30); // the train_loss summary entry is not a point
        List<LossPoint> val = run.points(null);
        assertThat(val).hasSize(6);
        assertThat(val.get(0).d2Tokens()).isEqualTo(50 * 131_072.0);
        assertThat(val.get(0).step()).isEqualTo(50);
        // Eval logs carry no learning rate: the latest training log's (step 50, past warmup) is used.
        assertThat(val.get(0).lr()).isEqualTo(5e-05);
        assertThat(run.points("train").get(0).lr()).isEqualTo(1.6666666666666667e-05);
    }

    @Test
    void shouldRequireTokensPerStepWhenNoEntryLogsTokens() {
        assertThatThrownBy(() -> CurveReader.read(NO_TOKENS, InputFormat.TRAINER_STATE, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith(NO_TOKENS + ": log_history has no num_input_tokens_seen")
                .hasMessageContaining("--tokens-per-step");
    }

    @Test
    void shouldUseTokensPerStepNamedEvalSetsAndTheOutputFolderAsRunId() throws Exception {
        CsvMapping m = CsvMapping.defaults().withTokensPerStep(131_072).withD1Value(3e11);

        ReadResult r = CurveReader.read(NO_TOKENS, InputFormat.AUTO, m);

        assertThat(r.problems()).isEmpty();
        RunData run = RunData.group(r.events()).get(0);
        assertThat(run.runId()).isEqualTo("cpt-noisy"); // checkpoint-200 skipped for its parent
        assertThat(run.meta().d1Tokens()).isEqualTo(3e11);
        assertThat(run.pointsBySplit()).containsOnlyKeys("train", "code", "val");
        assertThat(run.points("train")).hasSize(20);
        assertThat(run.points("code")).extracting(LossPoint::loss).containsExactly(2.7121, 2.662);
        assertThat(run.points("val")).extracting(LossPoint::d2Tokens).containsExactly(100 * 131_072.0, 200 * 131_072.0);
        // Python's json writes a diverged loss as the bare token NaN; it comes through as a divergence.
        assertThat(run.points("train").get(14).step()).isEqualTo(150);
        assertThat(run.points("train").get(14).loss()).isNaN();
    }

    @Test
    void shouldInterpolateTokensForEvalStepsBetweenTrainingLogs() throws Exception {
        Path f = Files.writeString(
                dir.resolve("trainer_state.json"),
                """
                {"log_history": [
                  {"loss": 2.5, "step": 10, "num_input_tokens_seen": 1000},
                  {"eval_loss": 2.4, "step": 15},
                  {"loss": 2.3, "step": 20, "num_input_tokens_seen": 2000},
                  {"eval_loss": 2.2, "step": 25},
                  {"loss": "high", "step": 30, "num_input_tokens_seen": 3000},
                  {"eval_loss": 2.1, "step": 35},
                  7
                ]}
                """);

        ReadResult r =
                CurveReader.read(f, InputFormat.AUTO, CsvMapping.defaults().withFixedRunId("x"));

        RunData run = RunData.group(r.events()).get(0);
        assertThat(run.runId()).isEqualTo("x");
        assertThat(run.points("val")).extracting(LossPoint::d2Tokens).containsExactly(1500.0, 2500.0);
        assertThat(r.problems())
                .extracting(InputProblem::line, InputProblem::field)
                .containsExactly(tuple(6L, "loss"), tuple(7L, "num_input_tokens_seen"), tuple(8L, "log_history"));
    }

    @Test
    void shouldNameLineAndColumnOfMalformedJsonAndAMissingLogHistory() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"log_history\": [\n {\"loss\": 2.5,, }\n]}");
        assertThatThrownBy(() -> CurveReader.read(bad, InputFormat.TRAINER_STATE, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith(bad + ": not a readable trainer_state.json: bad JSON at line 2, column");
        Path none = Files.writeString(dir.resolve("none.json"), "{\"global_step\": 3}");
        assertThatThrownBy(() -> CurveReader.read(none, InputFormat.TRAINER_STATE, null))
                .hasMessage(none + ": not a readable trainer_state.json: no top-level field 'log_history'");
    }
}
