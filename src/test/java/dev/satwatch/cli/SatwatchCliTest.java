package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.Satwatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class SatwatchCliTest {

    @Test
    void shouldOfferEveryCommandOfTheDesign() {
        assertThat(Satwatch.commandLine().getSubcommands().keySet())
                .containsAll(List.of("demo", "run", "fit", "law", "replay", "simulate", "tail"));
        assertThat(Satwatch.commandLine().getSubcommands().get("law").getSubcommands())
                .containsKey("fit");
    }

    @Test
    void shouldPrintHelpForEveryCommandWithoutErrors() {
        for (String command : List.of("demo", "run", "fit", "replay", "simulate", "tail")) {
            CliRunner.Result r = CliRunner.run(command, "--help");
            assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
            assertThat(r.out()).contains("Usage: satwatch " + command);
        }
    }

    @Test
    void shouldExplainAMissingKafkaAddress() {
        CliRunner.Result r = CliRunner.run("simulate", "--runs", "2");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--bootstrap-servers");
    }

    @Test
    void shouldRejectABadDuration() {
        CliRunner.Result r = CliRunner.run("demo", "--duration", "soon");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("soon").contains("90s");
    }
}
