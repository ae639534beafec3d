package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.LossPoint;
import dev.satwatch.io.TensorBoardFixtures;
import dev.satwatch.io.TensorBoardFixtures.Run;
import dev.satwatch.serde.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit} and {@code backtest} read a TensorBoard logdir as they read the same points as JSONL. */
class TensorBoardInputTest {

    @TempDir
    Path dir;

    Path logdir;
    List<LossPoint> points;

    @BeforeEach
    void writeLogdir() throws IOException {
        TensorBoardFixtures.assumeWriterAvailable();
        logdir = dir.resolve("logs");
        Run hf = TensorBoardFixtures.hf("hf", 400, 11);
        int bad = hf.indexOf(200, "train/loss");
        hf = hf.with(bad, hf.records().get(bad).corrupted("data"));
        Run megatron = TensorBoardFixtures.megatron("megatron", 400, 12);
        TensorBoardFixtures.write(logdir.resolve("hf/events.out.tfevents.1.a.1.0"), false, hf.records());
        TensorBoardFixtures.write(logdir.resolve("megatron/events.out.tfevents.1.b.2.0"), false, megatron.records());
        points = new ArrayList<>(hf.expected());
        points.addAll(megatron.expected());
    }

    private Path jsonl() throws IOException {
        List<String> lines = new ArrayList<>();
        points.forEach(p -> lines.add(EventCodec.toJsonString(p)));
        return Files.write(dir.resolve("points.jsonl"), lines);
    }

    @Test
    void shouldFitALogdirAsItFitsTheSamePointsAsJsonl() throws IOException {
        CliRunner.Result fromLogdir = CliRunner.run(
                "fit",
                "--tensorboard",
                logdir.toString(),
                "--tokens-per-step",
                String.valueOf(TensorBoardFixtures.TOKENS_PER_STEP),
                "--json");
        CliRunner.Result fromJsonl = CliRunner.run("fit", "--input", jsonl().toString(), "--json");

        assertThat(fromLogdir.exitCode()).as(fromLogdir.err()).isZero();
        assertThat(fromJsonl.exitCode()).as(fromJsonl.err()).isZero();
        assertThat(fromLogdir.out()).contains("\"hf\"").contains("\"megatron\"");
        assertThat(fromLogdir.out()).isEqualTo(fromJsonl.out());
        // The corrupt record is reported with its file and offset, and the fit goes on.
        assertThat(fromLogdir.err())
                .contains("warning: skipped "
                        + logdir.resolve("hf/events.out.tfevents.1.a.1.0").toAbsolutePath())
                .contains(": at byte offset ")
                .contains("data CRC mismatch");
    }

    @Test
    void shouldBacktestALogdirAsItBacktestsTheSamePointsAsJsonl() throws IOException {
        CliRunner.Result fromLogdir = CliRunner.run(
                "backtest",
                "--tensorboard",
                logdir.toString(),
                "--tokens-per-step",
                String.valueOf(TensorBoardFixtures.TOKENS_PER_STEP),
                "--json");
        CliRunner.Result fromJsonl = CliRunner.run("backtest", "--input", jsonl().toString(), "--json");

        assertThat(fromLogdir.exitCode()).as(fromLogdir.err()).isZero();
        assertThat(fromLogdir.out()).isEqualTo(fromJsonl.out());
    }

    @Test
    void shouldSayWhatToPassWhenARunHasNoTokens() {
        CliRunner.Result r = CliRunner.run("fit", "--tensorboard", logdir.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(r.err()).contains("run 'megatron'").contains("--tokens-per-step N");
    }

    @Test
    void shouldAskForAnInputWhenNeitherFilesNorLogdirsAreGiven() {
        CliRunner.Result r = CliRunner.run("fit");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--input FILE").contains("--tensorboard LOGDIR");
    }
}
