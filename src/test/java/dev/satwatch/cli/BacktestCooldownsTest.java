package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.event.RunEvent;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.track.CooldownBacktestTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCooldownsTest {

    @TempDir
    Path dir;

    @Test
    void shouldPrintTheCooldownBacktestAsJsonWithExactlyTheIssueKeys() throws Exception {
        Path file = dir.resolve("events.jsonl");
        List<String> lines = new ArrayList<>();
        for (RunEvent e : CooldownBacktestTest.setting()) {
            lines.add(EventCodec.toJsonString(e));
        }
        Files.write(file, lines);

        CliRunner.Result r =
                CliRunner.run("backtest", "--cooldowns", "--model", "annealing", "--input", file.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("backtest --cooldowns: 7/7 branches").contains("orphan not predicted");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(names(doc)).containsExactly("branches", "mean_abs_rel_err", "max_abs_rel_err");
        assertThat(doc.get("branches")).hasSize(7);
        assertThat(names(doc.get("branches").get(0)))
                .containsExactly(
                        "run_id",
                        "branch_of",
                        "branch_at_d2_tokens",
                        "cooldown_tokens",
                        "predicted_final_loss",
                        "predicted_final_loss_low",
                        "predicted_final_loss_high",
                        "actual_final_loss",
                        "rel_err");
        assertThat(doc.get("mean_abs_rel_err").asDouble()).isLessThan(1e-5);
    }

    @Test
    void shouldPredictWithTheMultiPowerLawByDefault() throws Exception {
        Path file = dir.resolve("multipower.jsonl");
        List<String> lines = new ArrayList<>();
        for (RunEvent e : CooldownBacktestTest.multiPowerSetting()) {
            lines.add(EventCodec.toJsonString(e));
        }
        Files.write(file, lines);

        CliRunner.Result r = CliRunner.run("backtest", "--cooldowns", "--input", file.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("branches")).hasSize(6);
        assertThat(doc.get("mean_abs_rel_err").asDouble()).isLessThan(1e-5);
    }

    @Test
    void shouldTakeTheModelFromFitModelWhenNoFlagGivesIt() throws Exception {
        Path file = dir.resolve("annealing.jsonl");
        List<String> lines = new ArrayList<>();
        for (RunEvent e : CooldownBacktestTest.setting()) {
            lines.add(EventCodec.toJsonString(e));
        }
        Files.write(file, lines);

        CliRunner.Result r = CliRunner.run(
                "backtest", "--cooldowns", "--set", "fit.model=annealing", "--input", file.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).get("mean_abs_rel_err").asDouble())
                .isLessThan(1e-5);
    }

    @Test
    void shouldRefuseAnUnknownModel() throws Exception {
        Path file = dir.resolve("x.jsonl");
        Files.writeString(file, "");

        CliRunner.Result r = CliRunner.run("backtest", "--cooldowns", "--model", "cosine", "--input", file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("annealing or multipower");
    }

    @Test
    void shouldSayClearlyWhenTheInputHasNoBranches() throws Exception {
        Path file = dir.resolve("plain.jsonl");
        Files.writeString(file, "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1e9,\"loss\":2.5}\n");

        CliRunner.Result r = CliRunner.run("backtest", "--cooldowns", "--input", file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(r.err()).contains("--cooldowns: no branch runs");
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
