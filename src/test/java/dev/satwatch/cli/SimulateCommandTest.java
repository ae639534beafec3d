package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteARealisticFleetWithTheLearningRateOnEveryPoint() throws Exception {
        Path out = dir.resolve("fleet.jsonl");

        CliRunner.Result r = CliRunner.run("simulate", "--runs", "4", "--points", "50", "--output", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).anyMatch(l -> l.contains("\"type\":\"run_started\""));
        assertThat(lines.stream().filter(l -> l.contains("\"type\":\"loss\"")))
                .isNotEmpty()
                .allMatch(l -> l.contains("\"lr\":"));
    }

    @Test
    void shouldDrawTheSameFileForTheSameSeedAndTheIdealisedFleetOnRequest() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path ideal = dir.resolve("ideal.jsonl");

        CliRunner.run("simulate", "--runs", "3", "--points", "40", "--seed", "9", "--output", a.toString());
        CliRunner.run("simulate", "--runs", "3", "--points", "40", "--seed", "9", "--output", b.toString());
        CliRunner.Result r = CliRunner.run(
                "simulate", "--runs", "3", "--points", "40", "--seed", "9", "--ideal", "--output", ideal.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(a)).isEqualTo(Files.readAllLines(b)).isNotEqualTo(Files.readAllLines(ideal));
    }

    @Test
    void shouldRefuseANoiseCorrelationOfOneOrMore() {
        CliRunner.Result r = CliRunner.run(
                "simulate",
                "--noise-correlation",
                "1.5",
                "--output",
                dir.resolve("x.jsonl").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("noisePhi");
    }
}
