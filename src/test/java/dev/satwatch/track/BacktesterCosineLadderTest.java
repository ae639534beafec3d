package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OLMo-2 cosine ladder ({@code shared/data/real-curves/olmo2-ladder/ladder_cosine.csv}: 5 sizes × 0.5/1/2/5/10 ×
 * Chinchilla tokens plus 1× reruns, c4_en validation loss, a cosine LR from the first point) through the tracker: the
 * schedule-aware law judges every run from 20 % of its budget (the stable-phase rule had 5–8 bins per run and judged
 * them only near the end), and its stops are scored against the ladder's own proxy truth (a stop at f·T cooled down
 * over 0.1·T ends at (f + 0.1)·T; the loss there is the ladder's full-cosine final loss interpolated in ln tokens,
 * {@code scripts/ladder-truth.py}). Expected figures from {@code satwatch backtest} (BENCHMARKS.md §10.4).
 */
class BacktesterCosineLadderTest {

    private static final Map<String, Backtester.Input> RUNS = new LinkedHashMap<>();
    /** Per size: full-cosine run tokens → final loss (mean of the last 3 points), reruns left out. */
    private static final Map<String, TreeMap<Double, Double>> LADDER = new LinkedHashMap<>();

    private static final Map<String, Double> FINAL = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        Path beside = Path.of("..", "shared", "data", "real-curves", "olmo2-ladder", "ladder_cosine.csv");
        Path worktree = Path.of("..", "..", "shared", "data", "real-curves", "olmo2-ladder", "ladder_cosine.csv");
        Path file = Files.exists(beside) ? beside : worktree;
        assertThat(file).as("OLMo-2 ladder (CI puts shared/ beside the clone)").exists();
        List<String> lines = Files.readAllLines(file);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int run = header.indexOf("run");
        int step = header.indexOf("step");
        int tokens = header.indexOf("tokens");
        int lr = header.indexOf("lr");
        int batch = header.indexOf("batch_size_tokens");
        int loss = header.indexOf("c4_en");
        Map<String, List<LossPoint>> points = new LinkedHashMap<>();
        Map<String, Long> tps = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[loss].isEmpty()) {
                continue;
            }
            points.computeIfAbsent(f[run], k -> new ArrayList<>())
                    .add(new LossPoint(
                            f[run],
                            null,
                            Long.parseLong(f[step]),
                            Double.parseDouble(f[tokens]),
                            Double.parseDouble(f[loss]),
                            LossPoint.VAL,
                            Double.parseDouble(f[lr]),
                            RunMeta.EMPTY));
            tps.put(f[run], (long) Double.parseDouble(f[batch]));
        }
        points.forEach((id, pts) -> {
            double target = pts.get(pts.size() - 1).d2Tokens();
            RUNS.put(
                    id,
                    new Backtester.Input(
                            id,
                            new RunMeta("olmo2-cosine", null, Double.NaN, Double.NaN, target, tps.get(id)),
                            pts,
                            "completed"));
            int n = pts.size();
            double fin = (pts.get(n - 1).loss()
                            + pts.get(n - 2).loss()
                            + pts.get(n - 3).loss())
                    / 3;
            FINAL.put(id, fin);
            if (!id.contains("rerun")) {
                LADDER.computeIfAbsent(id.split("-")[0], k -> new TreeMap<>()).put(target, fin);
            }
        });
        assertThat(RUNS).hasSize(30);
    }

    /** The proxy truth of a stop at {@code fraction} of a run's budget (see the class comment). */
    private static double proxyLossGivenUp(String runId, double fraction) {
        TreeMap<Double, Double> ladder = LADDER.get(runId.split("-")[0]);
        double end = (fraction + 0.1) * RUNS.get(runId).meta().targetD2Tokens();
        Map.Entry<Double, Double> lo = ladder.floorEntry(end);
        Map.Entry<Double, Double> hi = ladder.ceilingEntry(end);
        double at;
        if (hi == null) {
            at = ladder.lastEntry().getValue();
        } else if (lo == null || lo.getKey().equals(hi.getKey())) {
            at = hi.getValue();
        } else {
            double u = Math.log(end / lo.getKey()) / Math.log(hi.getKey() / lo.getKey());
            at = lo.getValue() + u * (hi.getValue() - lo.getValue());
        }
        double own = FINAL.get(runId);
        return (at - own) / own;
    }

    /** Stops and their proxy truth at one threshold; asserts every run is judged from 20 % of its budget on. */
    private static List<double[]> stops(double threshold) {
        TrackerConfig defaults = TrackerConfig.defaults();
        Backtester backtester =
                Backtester.create(defaults.withDetect(defaults.detect().withStopMaxLossGivenUp(threshold)));
        List<double[]> out = new ArrayList<>();
        for (Backtester.Input in : RUNS.values()) {
            double target = in.meta().targetD2Tokens();
            List<Double> judgedAt = new ArrayList<>();
            Backtester.Result r = backtester.replay(in, null, (FitUpdate f) -> {
                if (Double.isFinite(f.lossGivenUpUpper())) {
                    judgedAt.add(f.d2Tokens() / target);
                }
            });
            assertThat(judgedAt).as(in.runId() + " judged").isNotEmpty();
            // Measured (satwatch backtest --trace, 2026-12-05): every run's first judged refit at 20.1–22.5 % of its
            // budget; the stable-phase rule alone first judged them at 20.6–63.3 %, on a trend frozen once the LR
            // fell below 0.9 × its peak.
            assertThat(judgedAt.get(0)).as(in.runId() + " first judged at").isBetween(0.2, 0.23);
            if (r.stop() != null) {
                double f = r.stop().budgetFraction();
                out.add(new double[] {
                    f,
                    r.stop().predictedLossGivenUpUpper(),
                    proxyLossGivenUp(in.runId(), f),
                    r.stop().tokensSaved()
                });
            }
        }
        return out;
    }

    @Test
    void shouldJudgeEveryCosineRunFromTwentyPercentOfItsBudgetOnAndStopWithAnHonestBound() {
        List<double[]> stops = stops(0.01);

        // Measured (satwatch backtest + scripts/ladder-truth.py, BENCHMARKS §10.4): 19 of 30 stopped, at 80–90 % of
        // their budgets, proxy loss given up at most 0.29 %, g⁺ below the proxy at 2 of 18 scored stops (by at most
        // 0.02 points).
        assertThat(stops).hasSizeBetween(14, 24);
        assertThat(stops)
                .allSatisfy(s -> assertThat(s[2]).as("proxy loss given up").isLessThan(0.01));
        assertThat(stops.stream().filter(s -> s[1] < s[2] - 0.001).count())
                .as("stops whose g⁺ is below the proxy truth by more than 0.1 point")
                .isZero();
    }

    @Test
    void shouldTradeTokensForLossAlongTheThreshold() {
        List<double[]> stops = stops(0.03);
        double saved = stops.stream().mapToDouble(s -> s[3]).sum();
        double total = RUNS.values().stream()
                .mapToDouble(in -> in.meta().targetD2Tokens())
                .sum();

        // Measured at 3 %: 30 of 30 stopped, 42.6 % of the tokens saved, proxy loss given up at most 1.91 %.
        assertThat(stops).hasSizeGreaterThanOrEqualTo(27);
        assertThat(saved / total).isGreaterThan(0.35);
        assertThat(stops)
                .allSatisfy(s -> assertThat(s[2]).as("proxy loss given up").isLessThan(0.03));
    }

    @Test
    void shouldForecastEachFinalLossFromHalfTheRunAsTheOfflinePrefixFitDoes() {
        Backtester backtester = Backtester.create(TrackerConfig.defaults());
        double sum = 0;
        double max = 0;
        for (Backtester.Input in : RUNS.values()) {
            double target = in.meta().targetD2Tokens();
            dev.satwatch.event.ScheduleForecast[] first = new dev.satwatch.event.ScheduleForecast[1];
            backtester.replay(in, null, f -> {
                if (first[0] == null
                        && f.schedule() != null
                        && f.schedule().predicted()
                        && f.d2Tokens() >= 0.5 * target) {
                    first[0] = f.schedule();
                }
            });
            assertThat(first[0]).as(in.runId() + " forecast at 50 %").isNotNull();
            assertThat(first[0].scheduleSource()).as(in.runId()).isEqualTo("inferred: cosine");
            double actual = in.points().get(in.points().size() - 1).loss();
            double rel = Math.abs(first[0].finalLoss() / actual - 1);
            sum += rel;
            max = Math.max(max, rel);
        }
        // Measured (2026-12-05): the live forecast (binned points, the plan inferred from the LRs: a cosine to 0.1 ×
        // the peak) at the first refit past 50 %: mean |rel err| 0.55 %, max 1.90 %; the offline prefix fit on the raw
        // points and the logged LRs gets 0.41 % / 1.50 % (BENCHMARKS §10.2, §10.4).
        assertThat(sum / RUNS.size()).isLessThan(0.008);
        assertThat(max).isLessThan(0.03);
    }
}
