package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Feeds real OLMo-2 ladder curves (shared/data/real-curves/olmo2-ladder/ladder_cosine.csv, allenai/OLMo
 * commit 9bc064c, Apache-2.0; see its SOURCE.md): warmup, then a cosine-like decay to 10 % of the peak.
 */
class CurveSummaryRealCurveTest {

    /** One CSV row: tokens, lr, c4_en validation loss. */
    private record Row(double tokens, double lr, double loss) {}

    static Path realCurves() {
        // CI checks the shared folder out next to the repository; a git worktree sits one level deeper.
        for (Path p : List.of(
                Path.of("..", "shared", "data", "real-curves"), Path.of("..", "..", "shared", "data", "real-curves"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("real curves not found at ../shared/data/real-curves (relative to "
                + Path.of("").toAbsolutePath() + "): check out the shared data next to the repository");
    }

    private static Map<String, List<Row>> ladderCosine() throws IOException {
        Path csv = realCurves().resolve("olmo2-ladder").resolve("ladder_cosine.csv");
        Map<String, List<Row>> runs = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            List<String> header = List.of(in.readLine().split(","));
            int run = header.indexOf("run");
            int tokens = header.indexOf("tokens");
            int lr = header.indexOf("lr");
            int c4 = header.indexOf("c4_en");
            assertThat(List.of(run, tokens, lr, c4)).doesNotContain(-1);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",", -1);
                runs.computeIfAbsent(f[run], k -> new ArrayList<>())
                        .add(new Row(
                                Double.parseDouble(f[tokens]), Double.parseDouble(f[lr]), Double.parseDouble(f[c4])));
            }
        }
        return runs;
    }

    @Test
    void shouldExcludeTheCosineTailAndFitOnlyStableRegionPointsOfEveryLadderRun() throws IOException {
        Map<String, List<Row>> runs = ladderCosine();
        assertThat(runs).hasSize(30);
        for (Map.Entry<String, List<Row>> e : runs.entrySet()) {
            List<Row> rows = e.getValue();
            double peak = rows.stream().mapToDouble(Row::lr).max().orElseThrow();
            double target = rows.get(rows.size() - 1).tokens();
            CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
            double runningMax = Double.NaN;
            double lastStable = Double.NaN;
            int anneal = 0;
            for (Row r : rows) {
                AddResult got = s.add(r.tokens(), r.loss(), r.lr());
                // Expected from the LR column alone: rising ⇒ warmup, below 0.9 × peak ⇒ anneal.
                AddResult expected;
                if (Double.isNaN(runningMax) || r.lr() > runningMax) {
                    expected = AddResult.WARMUP;
                    runningMax = r.lr();
                } else if (r.lr() < 0.9 * peak) {
                    expected = AddResult.ANNEAL;
                    anneal++;
                } else {
                    expected = got == AddResult.NEW_BIN ? AddResult.NEW_BIN : AddResult.UPDATED;
                    lastStable = r.tokens();
                }
                assertThat(got).as("%s at %s tokens", e.getKey(), r.tokens()).isEqualTo(expected);
            }
            // The cosine tail (lr < 0.9 × peak) is most of a run: about 78 % of the steps.
            assertThat(anneal).as(e.getKey()).isGreaterThan(rows.size() / 2);
            FitPoints fp = s.fitPoints(target);
            assertThat(fp.size()).as(e.getKey()).isPositive();
            // Bin means carry ln D2 as a float offset: 1e-7 relative slack.
            double lo = 0.1 * target / 1e9 * (1 - 1e-7);
            double hi = lastStable / 1e9 * (1 + 1e-7);
            assertThat(Arrays.stream(fp.x()).boxed().toList()).as(e.getKey()).allSatisfy(x -> assertThat(x)
                    .isBetween(lo, hi));
            assertThat(s.phase()).isEqualTo(LrPhase.ANNEAL);
            assertThat(s.stableLr()).isEqualTo(peak);
        }
    }
}
