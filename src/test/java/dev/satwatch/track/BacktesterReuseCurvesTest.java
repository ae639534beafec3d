package dev.satwatch.track;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.io.CurveReader;
import dev.satwatch.io.InputFormat;
import dev.satwatch.io.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance of the decision issue on the real two-stage runs of {@code shared/data/reuse-curves} (continual
 * pretraining and growth, each with a from-scratch control), judged against the truth of their real cooldown
 * branches at 20/40/60 % of the budget (interpolated between them, 0 at 90 % where the run's own cooldown starts).
 * The expected figures were measured with {@code satwatch backtest} (BENCHMARKS.md §8); thresholds keep slack.
 */
class BacktesterReuseCurvesTest {

    private static final List<Backtester.Input> RUNS = new ArrayList<>();
    /** Per run: budget fraction → relative loss given up, from the cooldown branches. */
    private static final Map<String, TreeMap<Double, Double>> TRUTH = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        for (String folder : List.of("cpu-cpt", "cpu-growth")) {
            Path file = dir().resolve(folder).resolve("satwatch-events-with-branches.jsonl");
            List<RunEvent> events =
                    CurveReader.read(file, InputFormat.AUTO, null).events();
            Map<String, RunData> byId = new LinkedHashMap<>();
            for (RunData r : RunData.group(events)) {
                byId.put(r.runId(), r);
            }
            for (RunData r : byId.values()) {
                if (r.runId().contains("-cool@")) {
                    continue;
                }
                List<LossPoint> all = new ArrayList<>();
                r.pointsBySplit().values().forEach(all::addAll);
                RUNS.add(new Backtester.Input(r.runId(), r.meta(), all, r.finishStatus()));
                List<LossPoint> val = r.points(LossPoint.VAL);
                double fin = val.get(val.size() - 1).loss();
                TreeMap<Double, Double> truth = new TreeMap<>();
                for (double f : new double[] {0.2, 0.4, 0.6}) {
                    RunData branch = byId.get(r.runId() + "-cool@" + f);
                    List<LossPoint> bv = branch.points(LossPoint.VAL);
                    truth.put(f, (bv.get(bv.size() - 1).loss() - fin) / fin);
                }
                truth.put(0.9, 0.0);
                TRUTH.put(r.runId(), truth);
            }
        }
        assertThat(RUNS).hasSize(12);
    }

    static Path dir() {
        Path beside = Path.of("..", "shared", "data", "reuse-curves");
        Path worktree = Path.of("..", "..", "shared", "data", "reuse-curves");
        Path dir = Files.isDirectory(beside) ? beside : worktree;
        assertThat(dir).as("reuse curves (CI puts shared/ beside the clone)").isDirectory();
        return dir;
    }

    private static double truthAt(String runId, double f) {
        TreeMap<Double, Double> t = TRUTH.get(runId);
        if (f <= t.firstKey()) {
            return t.firstEntry().getValue();
        }
        Map.Entry<Double, Double> lo = t.floorEntry(f);
        Map.Entry<Double, Double> hi = t.ceilingEntry(f);
        if (hi == null) {
            return 0.0;
        }
        if (hi.getKey().equals(lo.getKey())) {
            return lo.getValue();
        }
        return lo.getValue() + (hi.getValue() - lo.getValue()) * (f - lo.getKey()) / (hi.getKey() - lo.getKey());
    }

    private static Map<String, Backtester.Result> backtest(double threshold) {
        TrackerConfig defaults = TrackerConfig.defaults();
        Backtester bt = Backtester.create(defaults.withDetect(defaults.detect().withStopMaxLossGivenUp(threshold)));
        Map<String, Backtester.Result> out = new LinkedHashMap<>();
        for (Backtester.Input in : RUNS) {
            out.put(in.runId(), bt.replay(in, null));
        }
        return out;
    }

    private static double stopFraction(Backtester.Result r) {
        return r.stop() == null ? 1.0 : r.stop().budgetFraction();
    }

    @Test
    void shouldNeverGiveUpMoreThanTheThresholdPlusOnePointByTheBranchTruth() {
        for (double threshold : new double[] {0.01, 0.03}) {
            for (Backtester.Result r : backtest(threshold).values()) {
                if (r.stop() != null) {
                    // Measured worst: 0.9 % at 1 %, 3.4 % at 3 % (growth-D1-4764672 stopped at 47 %).
                    assertThat(truthAt(r.runId(), r.stop().budgetFraction()))
                            .as("%s at threshold %s", r.runId(), threshold)
                            .isLessThanOrEqualTo(threshold + 0.01);
                }
            }
        }
    }

    @Test
    void shouldNotStopAFromScratchRunBeforeSeventyPercentOfItsBudget() {
        for (double threshold : new double[] {0.01, 0.03}) {
            backtest(threshold).values().stream()
                    .filter(r -> r.runId().startsWith("scratch"))
                    // Measured: never stopped at 1 %, stopped at 83-84 % at 3 %.
                    .forEach(r -> assertThat(stopFraction(r)).as(r.runId()).isGreaterThanOrEqualTo(0.7));
        }
    }

    @Test
    void shouldStopTheMostTrainedGrowthBaseByHalfwayAtThreePercent() {
        // Measured: 47 % of the budget, giving up 2.6 % by the branch truth.
        assertThat(stopFraction(backtest(0.03).get("growth-D1-9529344"))).isLessThanOrEqualTo(0.6);
    }

    @Test
    void shouldNeverStopLaterAsTheBaseGetsMoreTrained() {
        for (double threshold : new double[] {0.01, 0.03}) {
            Map<String, Backtester.Result> results = backtest(threshold);
            for (String family : List.of("cpt-D1-", "growth-D1-")) {
                List<Backtester.Result> ladder = results.values().stream()
                        .filter(r -> r.runId().startsWith(family))
                        .sorted((a, b) -> Double.compare(a.d1Tokens(), b.d1Tokens()))
                        .toList();
                assertThat(ladder).hasSize(5);
                for (int i = 1; i < ladder.size(); i++) {
                    assertThat(stopFraction(ladder.get(i)))
                            .as(
                                    "%s vs %s at %s",
                                    ladder.get(i).runId(), ladder.get(i - 1).runId(), threshold)
                            .isLessThanOrEqualTo(stopFraction(ladder.get(i - 1)) + 0.1);
                }
            }
        }
    }

    /** {tokens saved as a share of all budgets, largest loss given up by the branch truth} of one rule's stops. */
    private static double[] tradeOff(Iterable<Backtester.Result> results) {
        double saved = 0;
        double budget = 0;
        double worst = 0;
        for (Backtester.Result r : results) {
            budget += r.targetD2Tokens();
            if (r.stop() != null) {
                saved += r.stop().tokensSaved();
                worst = Math.max(worst, truthAt(r.runId(), r.stop().budgetFraction()));
            }
        }
        return new double[] {saved / budget, worst};
    }

    @Test
    void shouldDominateThePlateauRuleAtTheTolerancesWhereItWasMeasuredToDominate() {
        Backtester bt = Backtester.create(TrackerConfig.defaults());
        // Measured (BENCHMARKS.md §8.2): plateau 0.5 % saves 31.3 % giving up at most 5.49 %, satwatch 8 % saves
        // 31.6 % for 5.49 %; plateau 2 % saves 50.1 % for 12.07 %, satwatch 25 % saves 52.7 % for 11.60 %. (At tol
        // 1 % the plateau rule is not dominated: 38.7 % for 6.85 %, satwatch 11.2 % saves 39.1 % for 7.10 %.)
        Map<Double, Double> satwatchFor = Map.of(0.005, 0.08, 0.02, 0.25);
        satwatchFor.forEach((tol, threshold) -> {
            double[] plateau =
                    tradeOff(RUNS.stream().map(in -> bt.plateau(in, tol)).toList());
            double[] ours = tradeOff(backtest(threshold).values());
            assertThat(ours[0]).as("saved at %s vs plateau %s", threshold, tol).isGreaterThanOrEqualTo(plateau[0]);
            assertThat(ours[1])
                    .as("given up at %s vs plateau %s", threshold, tol)
                    .isLessThanOrEqualTo(plateau[1]);
        });
    }
}
