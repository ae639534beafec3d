package dev.satwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.law.CalibrationRun;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationRunJsonTest {

    private static final CalibrationRun RUN =
            new CalibrationRun("r1", 300, new double[] {5, 6.1}, new double[] {2.41, 2.39}, new double[] {3, 4});

    @Test
    void shouldRoundTripARunWithItsAnnealingC() {
        CalibrationRun decayed = RUN.withAnnealingC(0.31);

        byte[] json = CalibrationRunJson.toJson(decayed);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"annealing_c\":0.31");
        assertThat(CalibrationRunJson.parse(json)).isEqualTo(decayed);
        assertThat(CalibrationRunJson.parseList(CalibrationRunJson.toJson(List.of(decayed, RUN))))
                .containsExactly(decayed, RUN);
    }

    @Test
    void shouldLeaveAnUnknownAnnealingCOutAndReadOldRecordsWithoutIt() {
        byte[] json = CalibrationRunJson.toJson(RUN);
        byte[] old = "{\"run_id\":\"r1\",\"d1\":300.0,\"d2\":[5.0,6.1],\"loss\":[2.41,2.39],\"weight\":[3,4]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("annealing_c");
        assertThat(CalibrationRunJson.parse(json)).isEqualTo(RUN);
        assertThat(CalibrationRunJson.parse(old)).isEqualTo(RUN);
        assertThat(CalibrationRunJson.parse(old).annealingC()).isNaN();
    }
}
