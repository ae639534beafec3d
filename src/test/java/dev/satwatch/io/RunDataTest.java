package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunDataTest {

    private static LossPoint point(String run, long step, double d2, double loss, String split, RunMeta meta) {
        return new LossPoint(run, null, step, d2, loss, split, Double.NaN, meta);
    }

    @Test
    void shouldGroupRunsInFirstSeenOrderAndSortEachSplitByD2() {
        List<RunEvent> events = List.of(
                point("b", -1, 3e9, 2.3, "val", RunMeta.EMPTY),
                point("a", -1, 2e9, 2.4, "train", RunMeta.EMPTY),
                point("b", -1, 1e9, 2.5, "val", RunMeta.EMPTY),
                point("b", -1, 1e9, 2.51, "val", RunMeta.EMPTY), // duplicate D2 kept, after the first
                new RunFinished("b", null, "completed"));

        List<RunData> runs = RunData.group(events);

        assertThat(runs).extracting(RunData::runId).containsExactly("b", "a");
        assertThat(runs.get(0).points("val")).extracting(LossPoint::loss).containsExactly(2.5, 2.51, 2.3);
        assertThat(runs.get(0).finishStatus()).isEqualTo("completed");
        assertThat(runs.get(1).finishStatus()).isNull();
    }

    @Test
    void shouldMergeRunStartedMetaFirstThenInlineMeta() {
        RunMeta started = new RunMeta("cpt-code", null, 3e11, Double.NaN, Double.NaN, 0);
        RunMeta inline1 = new RunMeta("other", "base-1b", 9e11, 1.1e9, Double.NaN, 0);
        RunMeta inline2 = new RunMeta(null, "base-2b", Double.NaN, Double.NaN, 5e10, 4096);
        List<RunEvent> events = List.of(
                point("r", -1, 1e9, 2.5, "val", inline1),
                new RunStarted("r", null, started),
                point("r", -1, 2e9, 2.4, "val", inline2));

        RunData run = RunData.group(events).get(0);

        assertThat(run.meta()).isEqualTo(new RunMeta("cpt-code", "base-1b", 3e11, 1.1e9, 5e10, 4096));
    }

    @Test
    void shouldResolveMissingD2FromStepTimesTokensPerStepOrDropAndReportThePoint() {
        List<RunEvent> events = List.of(
                new RunStarted("known", null, new RunMeta(null, null, Double.NaN, Double.NaN, Double.NaN, 1000)),
                point("known", 20, Double.NaN, 2.4, "val", RunMeta.EMPTY),
                point("known", 10, Double.NaN, 2.5, "val", RunMeta.EMPTY),
                point(
                        "own",
                        10,
                        Double.NaN,
                        2.5,
                        "val",
                        new RunMeta(null, null, Double.NaN, Double.NaN, Double.NaN, 7)),
                point("unknown", 10, Double.NaN, 2.5, "val", RunMeta.EMPTY),
                point("unknown", 11, Double.NaN, 2.4, "val", RunMeta.EMPTY),
                point("unknown", -1, 5e6, 2.3, "val", RunMeta.EMPTY));

        RunData.Grouping g = RunData.groupReporting(events);

        assertThat(g.runs().get(0).points("val"))
                .extracting(LossPoint::d2Tokens)
                .containsExactly(10_000.0, 20_000.0);
        assertThat(g.runs().get(1).points("val"))
                .extracting(LossPoint::d2Tokens)
                .containsExactly(70.0);
        assertThat(g.runs().get(2).points("val"))
                .extracting(LossPoint::d2Tokens)
                .containsExactly(5e6);
        // "known" arrives out of order: kept and sorted, but named, since merged runs look like this.
        assertThat(g.problems())
                .containsExactly(
                        "run 'known', split 'val': tokens go backwards 1 time(s): several runs merged under one id?"
                                + " Give each run its own id (a run column, or several: --run-column a,b)",
                        "run 'unknown', split 'val': 2 loss point(s) without d2_tokens dropped: no"
                                + " tokens_per_step known (send d2_tokens, or tokens_per_step on run_started)");
    }

    @Test
    void shouldPreferTheGivenSplitThenValThenTrainThenTheFirst() {
        RunData valAndTrain = RunData.group(List.of(
                        point("r", -1, 1, 2.0, "train", RunMeta.EMPTY), point("r", -1, 1, 3.0, "val", RunMeta.EMPTY)))
                .get(0);
        RunData trainAndCode = RunData.group(List.of(
                        point("r", -1, 1, 4.0, "code", RunMeta.EMPTY), point("r", -1, 1, 2.0, "train", RunMeta.EMPTY)))
                .get(0);
        RunData codeOnly = RunData.group(List.of(point("r", -1, 1, 4.0, "code", RunMeta.EMPTY)))
                .get(0);
        RunData none =
                RunData.group(List.of(new RunStarted("r", null, RunMeta.EMPTY))).get(0);

        assertThat(valAndTrain.points(null)).extracting(LossPoint::loss).containsExactly(3.0);
        assertThat(valAndTrain.points("train")).extracting(LossPoint::loss).containsExactly(2.0);
        assertThat(valAndTrain.points("missing")).isEmpty();
        assertThat(trainAndCode.points(null)).extracting(LossPoint::loss).containsExactly(2.0);
        assertThat(codeOnly.points(null)).extracting(LossPoint::loss).containsExactly(4.0);
        assertThat(none.points(null)).isEmpty();
        assertThat(none.meta()).isEqualTo(RunMeta.EMPTY);
    }

    @Test
    void shouldBeImmutable() {
        RunData run = RunData.group(List.of(point("r", -1, 1, 2.0, "val", RunMeta.EMPTY)))
                .get(0);

        assertThatThrownBy(() -> run.pointsBySplit().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> run.points("val").clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
