package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.sim.SyntheticRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LawFitCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Eight synthetic runs of one setting, D1 from 20B to 2T tokens, drawn from FitCommandTest.LAW. */
    Path fleet() throws IOException {
        List<SyntheticRun> runs = new ArrayList<>();
        double[] d1 = {20e9, 50e9, 100e9, 200e9, 400e9, 800e9, 1200e9, 2000e9};
        for (int i = 0; i < d1.length; i++) {
            runs.add(FitCommandTest.run("run-" + i, d1[i], 100 + i));
        }
        return FitCommandTest.writeFleet(dir.resolve("fleet.jsonl"), runs, 1.0);
    }

    @Test
    void shouldCalibrateTheLawAndReportLeaveOneOutErrors() throws IOException {
        CliRunner.Result r = CliRunner.run("law", "fit", "--input", fleet().toString(), "--json", "--leave-one-out");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode law = JSON.readTree(r.out()).get("laws").get(0);
        assertThat(law.get("setting").asText()).isEqualTo("synthetic");
        assertThat(law.get("runs_used").asInt()).isEqualTo(8);
        // The D2 exponent at D1 = 300B must come back close to the truth (0.40 − 0.04·ln 300 ≈ 0.172).
        double alpha2 = law.get("law").get("alpha2").asDouble();
        double alpha3 = law.get("law").get("alpha3").asDouble();
        assertThat(alpha2 - alpha3 * Math.log(300)).isCloseTo(FitCommandTest.LAW.alphaAt(300), within(0.01));
        assertThat(law.get("leave_one_out")).hasSize(8);
        for (JsonNode loo : law.get("leave_one_out")) {
            assertThat(Math.abs(loo.get("rel_err").asDouble()))
                    .as(loo.toString())
                    .isLessThan(0.02);
        }
        for (String field : List.of("a", "alpha1", "alpha2", "alpha3", "e")) {
            assertThat(law.get("law").has(field)).isTrue();
            assertThat(law.get("stderr").has(field)).isTrue();
        }
        assertThat(law.has("rmse")).isTrue();
    }

    @Test
    void shouldWriteALawFileThatFitReads() throws IOException {
        Path fleet = fleet();
        Path laws = dir.resolve("laws.json");
        CliRunner.Result written = CliRunner.run("law", "fit", "--input", fleet.toString(), "--write", laws.toString());
        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(written.out()).contains("setting synthetic");

        CliRunner.Result fit = CliRunner.run("fit", "--input", fleet.toString(), "--law", laws.toString(), "--json");

        assertThat(fit.exitCode()).as(fit.err()).isZero();
        for (JsonNode run : JSON.readTree(fit.out()).get("runs")) {
            assertThat(run.get("alpha_predicted").isNumber()).isTrue();
        }
    }

    @Test
    void shouldReportAlpha3WithItsIntervalAndSignAndThatTheLawIsPublishable() throws IOException {
        CliRunner.Result r = CliRunner.run("law", "fit", "--input", fleet().toString());
        CliRunner.Result json = CliRunner.run("law", "fit", "--input", fleet().toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        // FitCommandTest.LAW has alpha3 = 0.04; eight runs at 0.3 % noise pin it far from 0.
        assertThat(r.out())
                .containsPattern("α3 = 0\\.04\\d+, 95% interval \\[0\\.0\\d+, 0\\.0\\d+\\]: α3 > 0: saturation");
        assertThat(r.out()).contains("publishable: 8 runs, 8 distinct D1, leave-one-out median |rel err|");
        JsonNode law = JSON.readTree(json.out()).get("laws").get(0);
        assertThat(law.get("alpha3_sign").asText()).isEqualTo("saturation");
        assertThat(law.get("alpha3_ci95").get(0).asDouble()).isPositive();
        assertThat(law.get("alpha3_ci95").get(0).asDouble())
                .isLessThan(law.get("law").get("alpha3").asDouble());
        assertThat(law.get("alpha3_ci95").get(1).asDouble())
                .isGreaterThan(law.get("law").get("alpha3").asDouble());
        assertThat(law.get("publishable").asBoolean()).isTrue();
        assertThat(law.get("not_published_because")).isEmpty();
        assertThat(law.get("loo_median_abs_rel_err").asDouble()).isLessThan(0.02);
    }

    @Test
    void shouldSayWhyALawFromTooFewRunsIsNotPublishedAndWriteItOnlyWhenAsked() throws IOException {
        List<SyntheticRun> runs = new ArrayList<>();
        double[] d1 = {20e9, 200e9, 2000e9};
        for (int i = 0; i < d1.length; i++) {
            runs.add(FitCommandTest.run("run-" + i, d1[i], 200 + i));
        }
        Path fleet = FitCommandTest.writeFleet(dir.resolve("three.jsonl"), runs, 1.0);
        Path laws = dir.resolve("laws.json");

        CliRunner.Result gated = CliRunner.run("law", "fit", "--input", fleet.toString(), "--write", laws.toString());

        assertThat(gated.exitCode()).isEqualTo(ExitCodes.NOTHING_FITTED);
        assertThat(gated.out()).contains("not publishable: too few runs: 3 < law.min.runs 4");
        assertThat(gated.err()).contains("--write-unpublishable");
        assertThat(laws).doesNotExist();

        CliRunner.Result forced = CliRunner.run(
                "law", "fit", "--input", fleet.toString(), "--write", laws.toString(), "--write-unpublishable");

        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(laws).exists();
        assertThat(JSON.readTree(laws.toFile()).get("laws").get(0).has("covariance"))
                .isTrue();

        CliRunner.Result relaxed = CliRunner.run("law", "fit", "--input", fleet.toString(), "--min-runs", "3");

        assertThat(relaxed.exitCode()).as(relaxed.out()).isZero();
        assertThat(relaxed.out()).contains("publishable: 3 runs, 3 distinct D1");
    }

    @Test
    void shouldSayWhenNoSettingMatches() throws IOException {
        CliRunner.Result r = CliRunner.run("law", "fit", "--input", fleet().toString(), "--setting", "nope");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOTHING_FITTED);
        assertThat(r.err()).contains("nope");
    }
}
