package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.event.LossPoint;
import dev.satwatch.track.ScheduleBacktest;
import dev.satwatch.track.ScheduleBacktestTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestSchedulesTest {

    @TempDir
    Path dir;

    /** Writes each run as a CSV {@code step,lr,loss} named after it, as the multipowerlaw files are. */
    private List<String> csvFiles() throws Exception {
        return csvFiles(ScheduleBacktestTest.setting());
    }

    private List<String> csvFiles(List<ScheduleBacktest.Run> runs) throws Exception {
        List<String> files = new ArrayList<>();
        for (ScheduleBacktest.Run run : runs) {
            List<String> lines = new ArrayList<>();
            lines.add("step,lr,loss");
            for (LossPoint p : run.points()) {
                lines.add(String.format(Locale.ROOT, "%d,%.17g,%.17g", p.step(), p.lr(), p.loss()));
            }
            Path f = dir.resolve(run.runId() + ".csv");
            Files.write(f, lines);
            files.add(f.toString());
        }
        return files;
    }

    @Test
    void shouldFitOnTheNamedRunsAndPredictTheOthersAsJson() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "backtest", "--schedules", "--fit-on", "constant,cosine", "--tokens-per-step", "1000000", "--json"));
        args.add("--input");
        args.addAll(csvFiles());

        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("fitting the annealing law on constant, cosine");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("fit_on")).hasSize(2);
        assertThat(doc.get("runs")).hasSize(6);
        assertThat(doc.get("law").get("alpha").asDouble()).isBetween(0.5499, 0.5501);
        assertThat(doc.get("mean_abs_rel_err").asDouble()).isLessThan(1e-6);
    }

    @Test
    void shouldCountAnUnloggedWarmupGivenItsLength() throws Exception {
        // Runs logged from step 500, the end of their 500-step warmup, as the multipowerlaw runs (from step 2160).
        List<String> args = new ArrayList<>(List.of(
                "backtest", "--schedules", "--fit-on", "constant,cosine", "--tokens-per-step", "1000000", "--json"));
        args.add("--input");
        args.addAll(csvFiles(ScheduleBacktestTest.settingLoggedFrom(500)));
        List<String> warmed = new ArrayList<>(args);
        warmed.addAll(List.of("--warmup-steps", "500"));

        CliRunner.Result flat = CliRunner.run(args.toArray(String[]::new));
        CliRunner.Result r = CliRunner.run(warmed.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("a linear warmup over the first 500 steps");
        assertThat(new ObjectMapper().readTree(r.out()).get("max_abs_rel_err").asDouble())
                .isLessThan(1e-6);
        assertThat(new ObjectMapper()
                        .readTree(flat.out())
                        .get("mean_abs_rel_err")
                        .asDouble())
                .isGreaterThan(1e-3); // measured 0.25 %
    }

    @Test
    void shouldRejectANegativeOrNonNumericWarmup() throws Exception {
        List<String> files = csvFiles();

        CliRunner.Result negative = CliRunner.run(
                "backtest", "--schedules", "--prefix", "0.5", "--warmup-steps", "-1", "--input", files.get(0));
        CliRunner.Result word = CliRunner.run(
                "backtest", "--schedules", "--prefix", "0.5", "--warmup-steps", "many", "--input", files.get(0));
        CliRunner.Result help = CliRunner.run("backtest", "--help");

        assertThat(negative.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(negative.err()).contains("--warmup-steps must be a number of steps >= 0, got -1");
        assertThat(word.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(word.err()).contains("--warmup-steps").contains("'many' is not a double");
        assertThat(help.out()).contains("--warmup-steps=W");
    }

    @Test
    void shouldSayClearlyWhichFitRunIsMissingAndWhenNoModeIsChosen() throws Exception {
        List<String> files = csvFiles();

        CliRunner.Result missing = CliRunner.run(
                "backtest",
                "--schedules",
                "--fit-on",
                "cosine,nope",
                "--tokens-per-step",
                "1",
                "--input",
                files.get(0));
        CliRunner.Result neither = CliRunner.run("backtest", "--schedules", "--input", files.get(0));

        assertThat(missing.exitCode()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(missing.err()).contains("--fit-on: no input run named 'cosine'");
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(neither.err()).contains("exactly one of --fit-on");
    }
}
