package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.LawJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The demo's table and law lines print numbers a person can read. */
class FleetTableTest {

    static FitUpdate fit(String run, double d1, double d2, double alpha, double lo, double hi) {
        return new FitUpdate(
                run,
                "cpt-code",
                "val",
                Instant.EPOCH,
                1,
                d1,
                50e9,
                d2,
                2.3,
                40,
                alpha,
                lo,
                hi,
                1.7,
                3.0,
                0.1,
                0.1,
                Double.NaN,
                2.1,
                2.0,
                2.2,
                0.000123,
                0.05,
                0.003,
                0.006,
                29e9,
                true,
                true,
                "reliable");
    }

    @Test
    void shouldShowTheStopDecisionWithWhatIsLeftToGainAndTheTokensItSaves() {
        FitUpdate f = fit("r", 300e9, 20e9, 0.1, 0.05, 0.15);
        assertThat(FleetTable.decision(new FleetTable.Row(f, null, java.util.List.of(AlertType.DIMINISHING_RETURNS))))
                .isEqualTo("stop: ≤ 0.6 % to gain, saves 29B tokens");
        assertThat(FleetTable.decision(new FleetTable.Row(f, null, java.util.List.of())))
                .isEqualTo("continue: ≤ 0.6 % to gain");
    }

    @Test
    void shouldPrintTokensWithSiSuffixesAndUnknownsAsADash() {
        Map<String, FitUpdate> fits = new TreeMap<>(Map.of(
                "sim-0001", fit("sim-0001", 36e6, 1.2e9, 0.42, 0.40, 0.44),
                "sim-0002", fit("sim-0002", 3e12, 250e6, Double.NaN, Double.NaN, Double.NaN)));

        String table = FleetTable.demo().render(fits, Map.of("sim-0001", "healthy"), run -> Set.of());

        List<String> lines = table.lines().toList();
        assertThat(lines.get(1))
                .contains("sim-0001", "healthy", "36M", "1.2B", "0.420", "[0.400, 0.440]", "1.23e-4")
                .doesNotContain("NaN");
        assertThat(lines.get(2)).contains("3T", "250M", "—").doesNotContain("NaN");
    }

    @Test
    void shouldClipAMeaninglessIntervalInsteadOfPrintingItsDigits() {
        String table = FleetTable.demo()
                .render(Map.of("r", fit("r", 1e9, 1e9, 0.3, -4.417e53, 9e40)), Map.of(), run -> Set.of());

        assertThat(table).contains("unbounded").doesNotContain("E+").doesNotContain("0000000");
    }

    @Test
    void shouldTakeAnExtraColumnWithoutTouchingTheOthers() {
        FleetTable withDecision = FleetTable.demo().with(new FleetTable.Column("decision", -8, r -> "stop"));

        String table = withDecision.render(
                Map.of("r", fit("r", 1e9, 1e9, 0.3, 0.2, 0.4)), Map.of(), run -> Set.of(AlertType.LOSS_SPIKE));

        assertThat(table.lines().toList().get(0)).endsWith("decision");
        assertThat(table.lines().toList().get(1)).contains("LOSS_SPIKE").endsWith("stop");
    }

    @Test
    void shouldWriteALawWithoutADoubleSignOrAnInfiniteD1() {
        LawJson.Entry rising = new LawJson.Entry("s", new ReuseLaw(4.0, 0.1, 0.31, -0.0929, 1.7), null, 0.01, 12);
        LawJson.Entry falling = new LawJson.Entry("s", new ReuseLaw(4.0, 0.1, 0.40, 0.04, 1.7), null, 0.01, 12);

        assertThat(OutputWatcher.lawSentence(rising))
                .isEqualTo("α(D1) = 0.310 + 0.0929·ln D1, E = 1.700 (from 12 runs; α never reaches 0)");
        // exp(0.40 / 0.04) = 22026 billion tokens
        assertThat(OutputWatcher.lawSentence(falling)).endsWith("α = 0 at D1 = 22T)");
    }

    @Test
    void shouldPrintALawFitWithoutInfinityOrNaN() {
        assertThat(LawFitCommand.saturation(new ReuseLaw(4.0, 0.1, 0.31, -0.0929, 1.7)))
                .isEqualTo("exponent α(D1) never reaches 0 (α3 ≤ 0: it does not fall with D1)");
        assertThat(LawFitCommand.saturation(new ReuseLaw(4.0, 0.1, 0.40, 0.04, 1.7)))
                .isEqualTo("exponent α(D1) reaches 0 at D1* = 22T tokens");
        assertThat(LawFitCommand.plusMinus(0.4, Double.NaN, 4)).isEqualTo("0.4000");
        assertThat(LawFitCommand.plusMinus(0.4, 0.01, 4)).isEqualTo("0.4000±0.0100");
    }
}
