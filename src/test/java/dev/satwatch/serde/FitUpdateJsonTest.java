package dev.satwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.ScheduleForecast;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON of a fit update on {@code satwatch.fits}, with and without the schedule forecast. */
class FitUpdateJsonTest {

    private static FitUpdate update() {
        return new FitUpdate(
                "r1",
                "cpt",
                "val",
                Instant.parse("2026-12-05T10:00:00Z"),
                3,
                3e11,
                5e10,
                1.2e10,
                2.31,
                120,
                0.31,
                0.29,
                0.33,
                1.7,
                0.8,
                0.05,
                0.04,
                Double.NaN,
                2.2,
                2.19,
                2.21,
                0.004,
                0.1,
                0.004,
                0.008,
                2.9e10,
                true,
                true,
                "ok");
    }

    private static ScheduleForecast forecast() {
        return new ScheduleForecast(
                1.2e10,
                5e10,
                5e9,
                2.20,
                2.18,
                2.22,
                2.25,
                2.23,
                2.27,
                0.0227,
                0.031,
                new double[] {2.4e10, 3.7e10, 5e10},
                new double[] {2.28, 2.24, 2.20},
                true,
                "planned",
                null);
    }

    @Test
    void shouldRoundTripAnUpdateWithItsScheduleForecast() {
        FitUpdate f = update().withSchedule(forecast());

        byte[] json = FitUpdateJson.toJson(f);

        assertThat(FitUpdateJson.parse(json)).isEqualTo(f);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"schedule\":{\"d2_tokens\":1.2E10")
                .contains("\"curve_loss\":[2.28,2.24,2.2]")
                .contains("\"schedule_source\":\"planned\"");
    }

    @Test
    void shouldLeaveTheScheduleOutWhenThereIsNone() {
        byte[] json = FitUpdateJson.toJson(update());

        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("schedule");
        assertThat(FitUpdateJson.parse(json).schedule()).isNull();
        assertThat(FitUpdateJson.parse(json)).isEqualTo(update());
    }

    @Test
    void shouldNameTheFieldOfABadSchedule() {
        String bad = new String(FitUpdateJson.toJson(update().withSchedule(forecast())), StandardCharsets.UTF_8)
                .replace("\"curve_loss\":[2.28,", "\"curve_loss\":[\"x\",");
        assertThatThrownBy(() -> FitUpdateJson.parse(bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schedule.curve_loss[0]");
    }
}
