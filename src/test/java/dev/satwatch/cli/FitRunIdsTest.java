package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit} never merges runs silently: ids unique per file path, composite run keys, a warning on merged runs. */
class FitRunIdsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** CSV rows {@code prefix,step,tokens,loss} of a clean power law L = e + 3·(D2/1e9)^(−alpha). */
    static List<String> curve(String prefix, double e, double alpha) {
        List<String> rows = new ArrayList<>();
        for (int step = 1; step <= 200; step++) {
            double tokens = step * 1e8;
            double loss = e + 3 * Math.pow(tokens / 1e9, -alpha);
            rows.add(String.format(Locale.ROOT, "%s%d,%.0f,%.6f", prefix, step, tokens, loss));
        }
        return rows;
    }

    static Path write(Path file, String header, List<String> rows) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        return Files.write(file, lines);
    }

    static List<String> runIds(CliRunner.Result r) throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode run : JSON.readTree(r.out()).get("runs")) {
            ids.add(run.get("run_id").asText());
        }
        return ids;
    }

    @Test
    void shouldKeepFilesOfTheSameNameApartAsRunsNamedByTheirFolders() throws IOException {
        Path small = write(dir.resolve("25M/constant_24000.csv"), "step,tokens,loss", curve("", 3.0, 0.3));
        Path large = write(dir.resolve("100M/constant_24000.csv"), "step,tokens,loss", curve("", 2.5, 0.4));

        CliRunner.Result r = CliRunner.run("fit", "--input", small.toString(), large.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(runIds(r)).containsExactly("25M/constant_24000", "100M/constant_24000");
        assertThat(r.err()).doesNotContain("merged");
    }

    @Test
    void shouldNameASingleFilesRunByItsFileName() throws IOException {
        Path only = write(dir.resolve("25M/constant_24000.csv"), "step,tokens,loss", curve("", 3.0, 0.3));

        CliRunner.Result r = CliRunner.run("fit", "--input", only.toString(), "--json");

        assertThat(runIds(r)).containsExactly("constant_24000");
    }

    @Test
    void shouldCombineSeveralRunColumnsIntoOneKey() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.addAll(curve("14m,1,", 3.0, 0.3));
        rows.addAll(curve("14m,2,", 3.0, 0.31));
        rows.addAll(curve("70m,1,", 2.5, 0.4));
        Path file = write(dir.resolve("seeds.csv"), "model_size,seed,step,tokens,loss", rows);

        CliRunner.Result r =
                CliRunner.run("fit", "--input", file.toString(), "--run-column", "model_size,seed", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(runIds(r)).containsExactly("14m-1", "14m-2", "70m-1");
        assertThat(r.err()).doesNotContain("merged");
    }

    @Test
    void shouldWarnThatRunsLookMergedWhenOneRunsStepsRepeat() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.addAll(curve("14m,1,", 3.0, 0.3));
        rows.addAll(curve("70m,1,", 2.5, 0.4));
        Path file = write(dir.resolve("seeds.csv"), "model_size,seed,step,tokens,loss", rows);

        CliRunner.Result r = CliRunner.run("fit", "--input", file.toString(), "--run-column", "seed", "--json");

        assertThat(runIds(r)).containsExactly("1");
        assertThat(r.err())
                .contains("warning: run '1'")
                .contains("200 point(s) repeat an earlier step (first: step 1)")
                .contains("tokens go backwards 1 time(s)")
                .contains("several runs merged under one id?")
                .contains("--run-column a,b");
    }
}
