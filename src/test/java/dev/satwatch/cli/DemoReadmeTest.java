package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.sim.Scenario;
import dev.satwatch.sim.SimRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README quotes an alert of the default demo ({@code ./satwatch demo}: 12 runs, seed 1) that it can print. */
class DemoReadmeTest {

    static final Pattern QUOTED_ALERT = Pattern.compile("`OPEN EXPONENT_BELOW_PREDICTION (sim-\\d{4}) ");

    @Test
    void shouldQuoteARunThatTheDefaultDemoSimulatesAsSaturating() throws IOException {
        Matcher quoted = QUOTED_ALERT.matcher(Files.readString(Path.of("README.md")));
        assertThat(quoted.find())
                .as("README quotes an EXPONENT_BELOW_PREDICTION alert of the demo")
                .isTrue();

        Map<String, Scenario> truth =
                DemoCommand.fleet(12, 1).stream().collect(Collectors.toMap(SimRun::runId, SimRun::scenario));

        // Only a run whose true exponent falls short of the law's raises this alert.
        assertThat(truth.get(quoted.group(1)))
                .as(quoted.group(1) + " in " + truth)
                .isEqualTo(Scenario.SATURATING);
    }
}
