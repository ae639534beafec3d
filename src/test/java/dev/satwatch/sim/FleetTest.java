package dev.satwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunStarted;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetTest {

    private static final FleetSpec SPEC = FleetSpec.defaults(60);

    @Test
    void shouldDrawTheSameFleetForTheSameSeedAndAnotherForAnotherSeed() {
        List<SimRun> a = Fleet.generate(SPEC, 1);
        List<SimRun> b = Fleet.generate(SPEC, 1);
        List<SimRun> c = Fleet.generate(SPEC, 2);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void shouldSplitScenariosByTheMix() {
        Map<Scenario, Long> counts = Fleet.generate(SPEC, 1).stream()
                .collect(Collectors.groupingBy(SimRun::scenario, Collectors.counting()));
        // 60 runs × (0.5, 0.2, 0.1, 0.1, 0.1).
        assertThat(counts)
                .containsEntry(Scenario.HEALTHY, 30L)
                .containsEntry(Scenario.SATURATING, 12L)
                .containsEntry(Scenario.DIVERGING, 6L)
                .containsEntry(Scenario.SPIKING, 6L)
                .containsEntry(Scenario.STALLING, 6L);
    }

    @Test
    void shouldCarryGroundTruthThatMatchesTheEvents() {
        for (SimRun r : Fleet.generate(SPEC, 3)) {
            assertThat(r.events().get(0).event()).isInstanceOf(RunStarted.class);
            List<LossPoint> points = r.events().stream()
                    .map(TimedEvent::event)
                    .filter(LossPoint.class::isInstance)
                    .map(LossPoint.class::cast)
                    .toList();
            boolean finished = r.events().get(r.events().size() - 1).event() instanceof RunFinished;
            boolean anyNaN = points.stream().anyMatch(p -> Double.isNaN(p.loss()));
            assertThat(r.predictedAlpha()).isEqualTo(r.law().alphaAt(r.meta().d1Tokens() / 1e9));
            switch (r.scenario()) {
                case HEALTHY -> {
                    assertThat(r.trueAlpha()).isEqualTo(r.predictedAlpha());
                    assertThat(r.anomalyFraction()).isNaN();
                    assertThat(points.size()).isBetween(380, 420);
                    assertThat(finished).isTrue();
                }
                case SATURATING ->
                    assertThat(r.trueAlpha() / r.predictedAlpha()).isBetween(0.3, 0.6);
                case DIVERGING -> {
                    assertThat(anyNaN).isTrue();
                    assertThat(((RunFinished) r.events()
                                            .get(r.events().size() - 1)
                                            .event())
                                    .status())
                            .isEqualTo("failed");
                }
                case STALLING -> {
                    assertThat(finished).isFalse();
                    assertThat(points.get(points.size() - 1).d2Tokens()
                                    / r.meta().targetD2Tokens())
                            .isEqualTo(r.anomalyFraction())
                            .isBetween(0.29, 0.81);
                }
                case SPIKING -> assertThat(r.anomalyFraction()).isBetween(0.24, 0.91);
                default -> throw new AssertionError(r.scenario());
            }
            if (r.scenario() != Scenario.DIVERGING) {
                assertThat(anyNaN).isFalse();
            }
        }
    }

    @Test
    void shouldInterleaveEveryEventInWallTimeOrder() {
        List<SimRun> runs = Fleet.generate(SPEC, 4);
        List<TimedEvent> all = Fleet.interleave(runs);
        assertThat(all).hasSize(runs.stream().mapToInt(r -> r.events().size()).sum());
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).wallTime()).isAfterOrEqualTo(all.get(i - 1).wallTime());
        }
        // Each run's own order survives the merge.
        Map<String, SimRun> byId = runs.stream().collect(Collectors.toMap(SimRun::runId, Function.identity()));
        Map<String, List<TimedEvent>> regrouped =
                all.stream().collect(Collectors.groupingBy(e -> e.event().runId()));
        regrouped.forEach(
                (id, events) -> assertThat(events).isEqualTo(byId.get(id).events()));
    }

    @Test
    void shouldChangeOnlyTheNamedFieldWithEachWither() {
        FleetSpec d = FleetSpec.defaults(7);

        assertThat(d.withPointsPerRun(120))
                .isEqualTo(new FleetSpec(
                        7, d.settings(), d.mix(), 120, d.noise(), d.start(), d.startSpread(), d.evalInterval()));
        assertThat(d.withMix(Map.of(Scenario.HEALTHY, 1.0)))
                .isEqualTo(new FleetSpec(
                        7,
                        d.settings(),
                        Map.of(Scenario.HEALTHY, 1.0),
                        d.pointsPerRun(),
                        d.noise(),
                        d.start(),
                        d.startSpread(),
                        d.evalInterval()));
        assertThat(d.withNoise(0.01))
                .isEqualTo(new FleetSpec(
                        7,
                        d.settings(),
                        d.mix(),
                        d.pointsPerRun(),
                        0.01,
                        d.start(),
                        d.startSpread(),
                        d.evalInterval()));
    }

    private static final FleetSpec REALISTIC = FleetSpec.realistic(250);

    @Test
    void shouldDrawTheSameRealisticFleetForTheSameSeed() {
        assertThat(Fleet.generate(REALISTIC, 5)).isEqualTo(Fleet.generate(REALISTIC, 5));
        assertThat(Fleet.generate(REALISTIC, 5)).isNotEqualTo(Fleet.generate(REALISTIC, 6));
    }

    @Test
    void shouldSpreadRealisticRunsAroundTheirSettingsLaw() {
        List<SimRun> healthy = Fleet.generate(REALISTIC, 7).stream()
                .filter(r -> r.scenario() == Scenario.HEALTHY)
                .toList();
        double[] logRatio = healthy.stream()
                .mapToDouble(r -> Math.log(r.trueAlpha() / r.predictedAlpha()))
                .toArray();
        double[] eRatio = healthy.stream()
                .mapToDouble(r -> ((SimCurve) r.truth()).e() / r.law().e() - 1)
                .toArray();
        // 125 draws of N(0, 0.08) and N(0, 0.01): sample standard deviations within ±25 % (about 4 standard errors).
        assertThat(std(logRatio)).isBetween(0.06, 0.10);
        assertThat(std(eRatio)).isBetween(0.0075, 0.0125);
    }

    @Test
    void shouldDrawSaturatingRunsFarBelowTheLawAndGivingUpLittleByHalfTheirBudget() {
        for (SimRun r : Fleet.generate(REALISTIC, 8)) {
            if (r.scenario() == Scenario.SATURATING) {
                assertThat(r.trueAlpha() / r.predictedAlpha()).isBetween(0.05, 0.15);
                assertThat(r.truth().trueLossGivenUp(0.5 * r.meta().targetD2Tokens()))
                        .isLessThan(r.truth().trueLossGivenUp(0.2 * r.meta().targetD2Tokens()));
            }
        }
    }

    @Test
    void shouldCarryEachRunsScheduleInTheLearningRateOfItsPoints() {
        Map<LrSchedule.Type, Long> types = Fleet.generate(REALISTIC, 9).stream()
                .collect(Collectors.groupingBy(
                        r -> ((SimCurve) r.truth()).schedule().type(), Collectors.counting()));
        // 250 draws with weights 0.70 / 0.15 / 0.10 / 0.05: every type appears.
        assertThat(types).containsOnlyKeys(LrSchedule.Type.values());
        for (SimRun r : Fleet.generate(REALISTIC, 9).subList(0, 20)) {
            r.events().stream()
                    .map(TimedEvent::event)
                    .filter(LossPoint.class::isInstance)
                    .map(LossPoint.class::cast)
                    .forEach(p -> assertThat(p.lr()).isEqualTo(r.truth().lr(p.d2Tokens())));
        }
    }

    @Test
    void shouldDrawAHistoryOfHealthyRunsOfTheSameLawsButOtherRuns() {
        List<SimRun> fleet = Fleet.generate(REALISTIC, 10);
        List<SimRun> history = Fleet.history(REALISTIC, 10, 4);
        assertThat(history).hasSize(3 * 4).allSatisfy(r -> {
            assertThat(r.scenario()).isEqualTo(Scenario.HEALTHY);
            assertThat(r.runId()).startsWith("hist-");
            assertThat(((RunFinished) r.events().get(r.events().size() - 1).event()).status())
                    .isEqualTo("completed");
        });
        Map<String, Object> lawBySetting =
                fleet.stream().collect(Collectors.toMap(r -> r.meta().setting(), SimRun::law, (a, b) -> a));
        history.forEach(
                r -> assertThat(r.law()).isEqualTo(lawBySetting.get(r.meta().setting())));
        assertThat(history.stream().map(r -> r.meta().d1Tokens()))
                .doesNotContainAnyElementsOf(
                        fleet.stream().map(r -> r.meta().d1Tokens()).toList());
    }

    @Test
    void shouldKeepTheIdealisedFleetForTheEightArgumentSpec() {
        assertThat(SPEC.realism()).isEqualTo(Realism.IDEAL);
        assertThat(Fleet.generate(SPEC, 1))
                .allSatisfy(r -> assertThat(r.truth()).isInstanceOf(SyntheticRun.class));
    }

    private static double std(double[] x) {
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        return Math.sqrt(
                java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (x.length - 1));
    }
}
