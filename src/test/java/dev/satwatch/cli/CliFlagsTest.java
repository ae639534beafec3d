package dev.satwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.Satwatch;
import dev.satwatch.event.LossPoint;
import dev.satwatch.sim.TimedEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Flags a newcomer mistypes get errors that name the flag; help reads as sentences; input flags are shared. */
class CliFlagsTest {

    @TempDir
    Path dir;

    /** Every command below {@code satwatch}, the help command left out. */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Satwatch.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandLine> all) {
        if (!(cli.getCommand() instanceof CommandLine.HelpCommand)) {
            all.add(cli);
        }
        cli.getSubcommands().values().forEach(c -> collect(c, all));
    }

    static CommandLine command(String... path) {
        CommandLine cli = Satwatch.commandLine();
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        return cli;
    }

    static Set<String> optionNames(CommandLine cli) {
        return cli.getCommandSpec().options().stream()
                .flatMap(o -> List.of(o.names()).stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shouldRejectAMistypedFlagAfterInputAsAnUnknownOptionNotAFileName() {
        for (String command : List.of("fit", "replay", "demo")) {
            CliRunner.Result r = CliRunner.run(command, "--input", "runs.jsonl", "--jsn");

            assertThat(r.exitCode()).as(command + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(command).contains("Unknown option: '--jsn'").doesNotContain("no such file");
        }
    }

    @Test
    void shouldNameTheOffendingFlagAloneWhenDemoRunsIsZero() {
        CliRunner.Result r = CliRunner.run("demo", "--runs", "0");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("satwatch demo: --runs must be at least 1 (got 0)");
    }

    @Test
    void shouldNameTheOffendingFlagAloneInBenchAndSimulate() {
        CliRunner.Result bench = CliRunner.run("bench", "--instances", "0");
        CliRunner.Result simulate = CliRunner.run("simulate", "--points", "3", "--output", "x.jsonl");

        assertThat(bench.err().strip()).isEqualTo("satwatch bench: --instances must be at least 1 (got 0)");
        assertThat(simulate.err().strip()).isEqualTo("satwatch simulate: --points must be at least 10 (got 3)");
    }

    @Test
    void shouldDescribeEveryOptionOfEveryCommand() {
        for (CommandLine cli : commands()) {
            for (OptionSpec option : cli.getCommandSpec().options()) {
                assertThat(String.join(" ", option.description()))
                        .as(cli.getCommandSpec().qualifiedName() + " " + option.longestName())
                        .isNotBlank();
            }
        }
        assertThat(usage(command("bench"))).contains("--instances").contains("App instances");
    }

    @Test
    void shouldEndEveryLineOfEveryCommandDescriptionWithASentence() {
        for (CommandLine cli : commands()) {
            for (String line : cli.getCommandSpec().usageMessage().description()) {
                assertThat(line)
                        .as(cli.getCommandSpec().qualifiedName() + " description")
                        .matches("(?s)[A-Z].*[.:)]");
            }
        }
    }

    @Test
    void shouldListExitCode70InEveryCommandsHelp() {
        for (CommandLine cli : commands()) {
            assertThat(usage(cli))
                    .as(cli.getCommandSpec().qualifiedName())
                    .contains("Exit codes:")
                    .containsPattern("\\n\\s+70\\s+\\S");
        }
    }

    @Test
    void shouldTakeTheSameInputOptionsInEveryCommandThatReadsCurves() {
        Set<String> shared = optionNames(command("fit"));
        shared.retainAll(CommandSpec.forAnnotatedObject(new FormatOptions()).options().stream()
                .flatMap(o -> List.of(o.names()).stream())
                .collect(Collectors.toSet()));
        shared.add("--input");
        assertThat(shared).contains("--loss-column", "--run-column", "--tokens-column", "--format", "--input");

        for (CommandLine cli : List.of(command("demo"), command("replay"), command("law", "fit"), command("tail"))) {
            assertThat(optionNames(cli))
                    .as(cli.getCommandSpec().qualifiedName())
                    .containsAll(shared);
        }
    }

    @Test
    void shouldDemoACsvReadWithTheSameColumnFlagsAsFit() throws IOException {
        Path csv = Files.write(dir.resolve("wsd_const.csv"), List.of("run,tokens,c4_en", "a,1e9,3.1", "a,2e9,3.0"));
        CommandLine cli = Satwatch.commandLine();
        CommandLine.ParseResult parsed =
                cli.parseArgs("demo", "--input", csv.toString(), "--loss-column", "c4_en", "--run-column", "run");
        DemoCommand demo = parsed.subcommand().commandSpec().commandLine().getCommand();

        List<TimedEvent> events = demo.fromFile(new PrintWriter(new StringWriter()));

        assertThat(events)
                .extracting(TimedEvent::event)
                .allSatisfy(e -> assertThat(e).isInstanceOf(LossPoint.class))
                .extracting(e -> ((LossPoint) e).loss())
                .containsExactly(3.1, 3.0);
    }

    private static String usage(CommandLine cli) {
        StringWriter out = new StringWriter();
        cli.usage(new PrintWriter(out, true));
        return out.toString();
    }
}
