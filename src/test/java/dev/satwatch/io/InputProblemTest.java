package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InputProblemTest {

    @Test
    void shouldDescribeItselfInCompilerStyleLeavingOutUnknownParts() {
        Path f = Path.of("f.csv");

        assertThat(new InputProblem(f, 12, "loss", "not a number ('abc')").describe())
                .isEqualTo("f.csv:12: field 'loss': not a number ('abc')");
        assertThat(new InputProblem(f, 12, null, "expected 3 fields, found 2").describe())
                .isEqualTo("f.csv:12: expected 3 fields, found 2");
        assertThat(new InputProblem(f, 0, "log_history", "no entry has a loss").describe())
                .isEqualTo("f.csv: field 'log_history': no entry has a loss");
    }
}
