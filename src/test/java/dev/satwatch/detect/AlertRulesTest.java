package dev.satwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.event.Alert;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.LocalTrend;
import dev.satwatch.fit.Reliability;
import dev.satwatch.fit.SlopeResult;
import dev.satwatch.law.ReuseLaw;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final DetectConfig CONFIG = DetectConfig.defaults();
    private static final AlertRules RULES = AlertRules.create(CONFIG);
    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
    private static final double TARGET = 50e9;

    /** A trend over 12 points at x = 20 (billions) falling by {@code slope} per billion tokens. */
    private static LocalTrend trend(double slope, double se) {
        return new LocalTrend(20, 2.3, slope, se, 2.3, slope * 20 / 2.3, se * 20 / 2.3, 1.81, 12);
    }

    private static List<Alert> onFit(AlertState s, AlertContext ctx, RunEstimate est) {
        return RULES.onFit(s, ctx, est, RULES.earlyStop().assess(est));
    }

    private static AlertContext ctx(double d2) {
        return new AlertContext("run-1", "cpt", T, d2);
    }

    private static FitResult fit(double e, double b, double alpha, double ciHalf, Reliability r) {
        return new FitResult(
                e, b, alpha, 0.01, 0.01, ciHalf / 2, alpha - ciHalf, alpha + ciHalf, null, 0.003, 20, 5, true, r);
    }

    /** An estimate at {@code d2} tokens whose law-E fit has the given exponent and 95 % half-width. */
    private static RunEstimate estimate(double d2, double alpha, double ciHalf, double predicted, int bins) {
        FitResult free = fit(1.5, 0.8, alpha, 0.5, Reliability.INTERVAL_TOO_WIDE);
        FitResult fixed = fit(1.8, 0.8, alpha, ciHalf, Reliability.RELIABLE);
        SlopeResult slope = new SlopeResult(alpha / 3, 0.01, alpha / 3 - 0.02, alpha / 3 + 0.02, 1.0, bins);
        return new RunEstimate(
                "run-1",
                "cpt",
                "val",
                300e9,
                TARGET,
                d2,
                2.3,
                100L * bins,
                bins,
                free,
                slope,
                slope,
                fixed,
                predicted,
                Double.NaN,
                2.2,
                2.1,
                2.3,
                2.2,
                0.001,
                0.05,
                trend(-1e-3, 1e-4));
    }

    @Test
    void shouldOpenExponentBelowPredictionAfterTwoRefitsAndResolveAfterThree() {
        AlertState s = AlertState.create();
        // Upper bound 0.12 + 0.01 = 0.13 < 0.30 − 0.02: below the prediction.
        assertThat(onFit(s, ctx(20e9), estimate(20e9, 0.12, 0.01, 0.30, 10)))
                .extracting(Alert::type)
                .doesNotContain(AlertType.EXPONENT_BELOW_PREDICTION);
        List<Alert> second = onFit(s, ctx(21e9), estimate(21e9, 0.12, 0.01, 0.30, 10));
        Alert open = second.stream()
                .filter(a -> a.type() == AlertType.EXPONENT_BELOW_PREDICTION)
                .findFirst()
                .orElseThrow();
        assertThat(open.state()).isEqualTo(Alert.State.OPEN);
        assertThat(open.sequence()).isEqualTo(1);
        assertThat(open.values()).containsEntry("alpha_ci_high", 0.13).containsEntry("alpha_predicted", 0.30);
        assertThat(open.message()).contains("0.120", "0.130", "0.300");
        // Back within tolerance: resolves on the third consecutive good refit only.
        assertThat(onFit(s, ctx(22e9), estimate(22e9, 0.29, 0.01, 0.30, 10)))
                .extracting(Alert::type)
                .doesNotContain(AlertType.EXPONENT_BELOW_PREDICTION);
        assertThat(onFit(s, ctx(23e9), estimate(23e9, 0.29, 0.01, 0.30, 10)))
                .extracting(Alert::type)
                .doesNotContain(AlertType.EXPONENT_BELOW_PREDICTION);
        List<Alert> third = onFit(s, ctx(24e9), estimate(24e9, 0.29, 0.01, 0.30, 10));
        assertThat(third)
                .filteredOn(a -> a.type() == AlertType.EXPONENT_BELOW_PREDICTION)
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
                    assertThat(a.sequence()).isEqualTo(1);
                });
    }

    @Test
    void shouldJudgeASmallExponentWhoseIntervalIsWiderThanItself() {
        // Law-E fit α = 0.05 ± 0.06 is "interval too wide" yet its upper end 0.11 is far below 0.30 − 0.02.
        FitResult fixed = fit(1.8, 0.8, 0.05, 0.06, Reliability.INTERVAL_TOO_WIDE);
        FitResult free = fit(1.5, 0.8, 0.05, 0.5, Reliability.INTERVAL_TOO_WIDE);
        SlopeResult slope = new SlopeResult(0.02, 0.01, 0.0, 0.04, 1.0, 10);
        RunEstimate est = new RunEstimate(
                "run-1",
                "cpt",
                "val",
                300e9,
                TARGET,
                20e9,
                2.3,
                1000,
                12,
                free,
                slope,
                slope,
                fixed,
                0.30,
                Double.NaN,
                2.2,
                2.1,
                2.3,
                2.2,
                0.001,
                0.05,
                LocalTrend.undefined());
        AlertState s = AlertState.create();
        onFit(s, ctx(20e9), est);
        assertThat(onFit(s, ctx(20e9), est))
                .extracting(Alert::type)
                .contains(AlertType.EXPONENT_BELOW_PREDICTION, AlertType.FIT_UNRELIABLE)
                .doesNotContain(AlertType.DIMINISHING_RETURNS);
    }

    @Test
    void shouldNotJudgeTheExponentBeforeTheMinimumProgress() {
        AlertState s = AlertState.create();
        for (int i = 0; i < 5; i++) {
            // 5e9 of 50e9 = 10 % < 20 %.
            assertThat(onFit(s, ctx(5e9), estimate(5e9, 0.05, 0.01, 0.30, 10))).isEmpty();
        }
    }

    @Test
    void shouldRecommendAnEarlyStopWithTheLossGivenUpAndTheTokensItWouldSave() {
        AlertState s = AlertState.create();
        // 20e9 of 50e9 (40 %); cooldown 10 % = 5e9; stable end 45e9. Slope bound (1e-4 + 1.81·1e-5) per billion over
        // 25 billion tokens ≈ 0.0030 nats of ≈ 2.3: g⁺ ≈ 0.13 % ≤ 1 %.
        StopAssessment stop = RULES.earlyStop().assess(trend(-1e-4, 1e-5), 20e9, TARGET);
        assertThat(stop.lossGivenUpUpper()).isBetween(0.0012, 0.0014);
        assertThat(stop.tokensSaved()).isEqualTo(25e9);
        assertThat(RULES.onStop(s, ctx(20e9), stop, 20e9, TARGET)).isEmpty();
        Alert open = RULES.onStop(s, ctx(20e9), stop, 20e9, TARGET).stream()
                .filter(a -> a.type() == AlertType.DIMINISHING_RETURNS)
                .findFirst()
                .orElseThrow();
        assertThat(open.tokensSaved()).isEqualTo(25e9);
        assertThat(open.values()).containsEntry("budget_fraction", 0.4).containsKey("loss_given_up_upper");
        assertThat(open.message()).contains("Stop and cool down now", "20B tokens", "40.0 %", "saves 25B tokens");
    }

    @Test
    void shouldPriceTheTokensSavedAtTheRunsOwnCostRateAheadOfTheConfiguredOne() {
        // 25e9 tokens saved (as above) = 25 billion: at 40 per billion 1000; the default config knows no price.
        assertThat(RULES.earlyStop().assess(trend(-1e-4, 1e-5), 20e9, TARGET).costSaved())
                .isNaN();
        assertThat(RULES.earlyStop()
                        .assess(trend(-1e-4, 1e-5), 20e9, TARGET, 40.0)
                        .costSaved())
                .isCloseTo(1000.0, org.assertj.core.data.Offset.offset(1e-9));
        DetectConfig sevenPerBillion = dev.satwatch.config.SatwatchConfigLoader.create()
                .withOverrides(java.util.Map.of("detect.cost.per.billion.tokens", "7"))
                .load()
                .tracker()
                .detect();
        EarlyStop priced = AlertRules.create(sevenPerBillion).earlyStop();
        assertThat(priced.assess(trend(-1e-4, 1e-5), 20e9, TARGET).costSaved())
                .isCloseTo(175.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(priced.assess(trend(-1e-4, 1e-5), 20e9, TARGET, 40.0).costSaved())
                .as("the run's rate wins over the configured one")
                .isCloseTo(1000.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldKeepTrainingWhileTheBoundOnTheLossGivenUpIsAboveTheThreshold() {
        AlertState s = AlertState.create();
        // Falling by 0.01 per billion: 0.25 nats over the 25 billion tokens left, about 12 % of the loss.
        StopAssessment stop = RULES.earlyStop().assess(trend(-0.01, 1e-3), 20e9, TARGET);
        assertThat(stop.lossGivenUpUpper()).isGreaterThan(0.1);
        for (int i = 0; i < 5; i++) {
            assertThat(RULES.onStop(s, ctx(20e9), stop, 20e9, TARGET)).isEmpty();
        }
    }

    @Test
    void shouldGiveTheSameVerdictToTheSameCurveShapeAtAnyScale() {
        // The same relative curve at 1000× the tokens: slope per billion scales by 1/1000.
        StopAssessment small = RULES.earlyStop().assess(trend(-1e-3, 1e-4), 20e9, TARGET);
        LocalTrend big = new LocalTrend(20_000, 2.3, -1e-6, 1e-7, 2.3, -1e-3 * 20 / 2.3, 1e-4 * 20 / 2.3, 1.81, 12);
        StopAssessment large = RULES.earlyStop().assess(big, 20e12, 1000 * TARGET);
        assertThat(large.lossGivenUpUpper())
                .isCloseTo(small.lossGivenUpUpper(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RULES.earlyStop().recommends(large))
                .isEqualTo(RULES.earlyStop().recommends(small));
    }

    @Test
    void shouldNotRecommendAStopAfterThePlannedStablePhase() {
        AlertState s = AlertState.create();
        // 46e9 of 50e9 is past the stable end at 45e9: the run is cooling down already.
        StopAssessment stop = RULES.earlyStop().assess(trend(-1e-6, 1e-7), 46e9, TARGET);
        assertThat(stop.judged()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(RULES.onStop(s, ctx(46e9), stop, 46e9, TARGET)).isEmpty();
        }
    }

    @Test
    void shouldFlagUnreliableOnlyWhenTheLossGivenUpCannotBeBounded() {
        AlertState s = AlertState.create();
        FitResult bad = FitResult.failed(Reliability.NOT_CONVERGED, 5);
        SlopeResult slope = new SlopeResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        RunEstimate bounded = new RunEstimate(
                "run-1",
                "cpt",
                "val",
                300e9,
                TARGET,
                20e9,
                2.3,
                500,
                12,
                bad,
                slope,
                slope,
                null,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                trend(-1e-3, 1e-4));
        RunEstimate unbounded = new RunEstimate(
                "run-1",
                "cpt",
                "val",
                300e9,
                TARGET,
                20e9,
                2.3,
                30,
                3,
                bad,
                slope,
                slope,
                null,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                LocalTrend.undefined());
        // A failed free fit alone is not "unreliable": the decision quantity is still bounded.
        assertThat(onFit(s, ctx(20e9), bounded)).isEmpty();
        assertThat(onFit(s, ctx(20e9), bounded)).isEmpty();
        assertThat(onFit(s, ctx(20e9), unbounded)).isEmpty();
        assertThat(onFit(s, ctx(20e9), unbounded)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.FIT_UNRELIABLE);
            assertThat(a.severity()).isEqualTo(Alert.Severity.INFO);
            assertThat(a.message()).contains("cannot be bounded", "too few fit points");
        });
    }

    @Test
    void shouldOpenALossSpikeAtOnceAndResolveAfterCleanPoints() {
        AlertState s = AlertState.create();
        assertThat(RULES.isSpike(2.6, 2.0, 0.003)).isTrue();
        assertThat(RULES.isSpike(2.04, 2.0, 0.001)).as("below the 5 % floor").isFalse();
        List<Alert> open = RULES.onPoint(s, ctx(10e9), 2.6, 2.0, 0.003, 0, 0);
        assertThat(open).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.LOSS_SPIKE);
            assertThat(a.state()).isEqualTo(Alert.State.OPEN);
            assertThat(a.message()).contains("2.60", "30.0 %", "2.00");
        });
        assertThat(RULES.onPoint(s, ctx(10e9), 2.0, 2.0, 0.003, 0, 0)).isEmpty();
        assertThat(RULES.onPoint(s, ctx(10e9), 2.0, 2.0, 0.003, 0, 0)).isEmpty();
        assertThat(RULES.onPoint(s, ctx(10e9), 2.0, 2.0, 0.003, 0, 0))
                .singleElement()
                .extracting(Alert::state)
                .isEqualTo(Alert.State.RESOLVED);
    }

    @Test
    void shouldOpenDivergenceOnANonFiniteLossAndOnASustainedRise() {
        AlertState s = AlertState.create();
        assertThat(RULES.onNonFiniteLoss(s, ctx(10e9), Double.NaN, 1200))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AlertType.DIVERGENCE);
                    assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
                    assertThat(a.message()).contains("NaN", "1200");
                });
        assertThat(RULES.onNonFiniteLoss(s, ctx(10e9), Double.NaN, 1201))
                .as("already open")
                .isEmpty();

        AlertState rise = AlertState.create();
        assertThat(RULES.onPoint(rise, ctx(10e9), 2.2, Double.NaN, Double.NaN, 5, 0.10))
                .as("5 < 6 rising points")
                .isEmpty();
        assertThat(RULES.onPoint(rise, ctx(10e9), 2.3, Double.NaN, Double.NaN, 6, 0.03))
                .as("3 % < 5 % rise")
                .isEmpty();
        assertThat(RULES.onPoint(rise, ctx(10e9), 2.4, Double.NaN, Double.NaN, 6, 0.12))
                .singleElement()
                .satisfies(a -> assertThat(a.message()).contains("6 consecutive", "12.0 %"));
    }

    @Test
    void shouldOpenStalledOnceAfterTheSilenceAndResolveOnActivity() {
        AlertState s = AlertState.create();
        assertThat(RULES.onSilence(s, ctx(1e9), Duration.ofMinutes(9))).isEmpty();
        assertThat(RULES.onSilence(s, ctx(1e9), Duration.ofMinutes(10)))
                .singleElement()
                .satisfies(a -> assertThat(a.message()).contains("600 s"));
        assertThat(RULES.onSilence(s, ctx(1e9), Duration.ofMinutes(20))).isEmpty();
        assertThat(RULES.onActivity(s, ctx(1e9)))
                .singleElement()
                .extracting(Alert::state)
                .isEqualTo(Alert.State.RESOLVED);
        assertThat(RULES.onActivity(s, ctx(1e9))).isEmpty();
        assertThat(RULES.onSilence(s, ctx(1e9), Duration.ofHours(1)))
                .singleElement()
                .extracting(Alert::sequence)
                .isEqualTo(2);
    }

    @Test
    void shouldFlagAnOvertrainedBaseByTheLawOrByTokensPerParameter() {
        // α(D1) = 0.3 − 0.05·ln(3000) = −0.10 < 0.05.
        ReuseLaw law = new ReuseLaw(2.0, 0.1, 0.3, 0.05, 1.8);
        RunMeta meta = new RunMeta("cpt", "base", 3000e9, Double.NaN, 50e9, 0);
        AlertState s = AlertState.create();
        assertThat(RULES.onBase(s, ctx(0), meta, law)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.BASE_OVERTRAINED);
            assertThat(a.message()).contains("3.00e+12", "-0.100");
        });
        assertThat(RULES.onBase(AlertState.create(), ctx(0), meta, null))
                .as("no law, no params")
                .isEmpty();
        RunMeta dense = new RunMeta("cpt", "base", 3000e9, 1e9, 50e9, 0);
        assertThat(RULES.onBase(AlertState.create(), ctx(0), dense, null))
                .singleElement()
                .satisfies(a -> assertThat(a.values()).containsEntry("tokens_per_param", 3000.0));
        RunMeta modest = new RunMeta("cpt", "base", 100e9, 1e9, 50e9, 0);
        assertThat(RULES.onBase(s, ctx(0), modest, new ReuseLaw(2.0, 0.1, 0.45, 0.03, 1.8)))
                .singleElement()
                .extracting(Alert::state)
                .isEqualTo(Alert.State.RESOLVED);
    }

    @Test
    void shouldResolveEveryOpenAlertWhenTheRunFinishes() {
        AlertState s = AlertState.create();
        s.open(AlertType.STALLED);
        s.open(AlertType.LOSS_SPIKE);
        assertThat(RULES.onFinished(s, ctx(1e9), "completed"))
                .extracting(Alert::type, Alert::state)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(AlertType.LOSS_SPIKE, Alert.State.RESOLVED),
                        org.assertj.core.groups.Tuple.tuple(AlertType.STALLED, Alert.State.RESOLVED));
        assertThat(s.openAlerts()).isEmpty();
    }

    private static dev.satwatch.event.ScheduleForecast forecast(double d2, double g, double upper) {
        return new dev.satwatch.event.ScheduleForecast(
                d2, TARGET, 0.1 * TARGET, 2.2, 2.1, 2.3, 2.21, 2.1, 2.3, g, upper, null, null, true, "planned", null);
    }

    @Test
    void shouldJudgeTheScheduleForecastOnlyInsideTheJudgedPartOfTheBudget() {
        EarlyStop rule = RULES.earlyStop();

        StopAssessment early = rule.assess(forecast(0.1 * TARGET, 0.001, 0.002), Double.NaN);
        StopAssessment mid = rule.assess(forecast(0.5 * TARGET, 0.004, 0.008), Double.NaN);
        StopAssessment late = rule.assess(forecast(0.95 * TARGET, 0.0001, 0.0002), Double.NaN);

        assertThat(early.judged()).isFalse();
        assertThat(early.note()).isEqualTo("before the judged part of the budget");
        assertThat(mid.judged()).isTrue();
        assertThat(mid.lossGivenUpUpper()).isEqualTo(0.008);
        // A stop at 50 % still runs its 10 % cooldown: it saves 40 % of the budget.
        assertThat(mid.tokensSaved()).isCloseTo(0.4 * TARGET, org.assertj.core.data.Offset.offset(1.0));
        assertThat(mid.note()).isEqualTo("schedule-aware law");
        assertThat(rule.recommends(mid)).isTrue();
        assertThat(late.judged()).isFalse();
        assertThat(late.note()).isEqualTo("inside the final cooldown");
    }

    @Test
    void shouldNotRecommendAStopWhenTheScheduleForecastCannotBeBounded() {
        EarlyStop rule = RULES.earlyStop();

        StopAssessment unbounded = rule.assess(forecast(0.5 * TARGET, 0.004, Double.POSITIVE_INFINITY), Double.NaN);
        StopAssessment none = rule.assess(
                dev.satwatch.event.ScheduleForecast.none(0.5 * TARGET, TARGET, "only 3 schedule bins"), Double.NaN);

        assertThat(unbounded.bounded()).isFalse();
        assertThat(rule.recommends(unbounded)).isFalse();
        assertThat(none.judged()).isTrue();
        assertThat(none.bounded()).isFalse();
        assertThat(none.note()).isEqualTo("schedule-aware law: only 3 schedule bins");
    }

    @Test
    void shouldBoundAFlatDecayingRunByTheLogLogLineWhenTheLawCannotBeFitted() {
        // A flat curve: its annealing fit ends at the edge of the α range for every λ, so there is no forecast; the
        // E-free log-log line still bounds what the rest of the plan can gain: (T / (D + K))^a⁺ − 1.
        LocalTrend flat = trend(-1e-5, 1e-6);
        dev.satwatch.event.ScheduleForecast none = dev.satwatch.event.ScheduleForecast.none(
                0.5 * TARGET, TARGET, "the schedule-aware law did not converge for any λ");

        StopAssessment a = RULES.earlyStop().assess(none, flat, Double.NaN);

        double expected = Math.pow(TARGET / (0.6 * TARGET), flat.exponentUpper()) - 1;
        assertThat(a.bounded()).isTrue();
        assertThat(a.lossGivenUpUpper()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(a.note()).isEqualTo("log-log line (the schedule-aware law did not converge for any λ)");
        assertThat(a.tokensSaved()).isCloseTo(0.4 * TARGET, org.assertj.core.data.Offset.offset(1.0));
        // Without the line there is nothing to bound it with.
        assertThat(RULES.earlyStop().assess(none, null, Double.NaN).bounded()).isFalse();
    }
}
