package dev.satwatch;

import dev.satwatch.cli.BacktestCommand;
import dev.satwatch.cli.BenchCommand;
import dev.satwatch.cli.CliHelp;
import dev.satwatch.cli.DemoCommand;
import dev.satwatch.cli.FitCommand;
import dev.satwatch.cli.LawCommand;
import dev.satwatch.cli.ReplayCommand;
import dev.satwatch.cli.RunCommand;
import dev.satwatch.cli.SimulateCommand;
import dev.satwatch.cli.TailCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** CLI entry point: parses the command line and hands over to a subcommand. Wiring only. */
@Command(
        name = "satwatch",
        mixinStandardHelpOptions = true,
        version = "satwatch 0.1.0",
        description = "Watches reused-model training runs and tells when more tokens stop paying off.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            SimulateCommand.class,
            FitCommand.class,
            LawCommand.class,
            ReplayCommand.class,
            TailCommand.class,
            BenchCommand.class,
            BacktestCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Satwatch {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests to run commands in-process). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Satwatch());
        cli.setExecutionExceptionHandler(Satwatch::onUnexpected);
        return CliHelp.configure(cli);
    }

    /**
     * Last line of defence: a bug must not greet the user with a stack trace. The trace goes to stderr only
     * when {@code SATWATCH_DEBUG} is set.
     */
    private static int onUnexpected(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr()
                .println("satwatch " + cli.getCommandName() + ": internal error: " + e
                        + (System.getenv("SATWATCH_DEBUG") == null
                                ? " (set SATWATCH_DEBUG=1 for the stack trace)"
                                : ""));
        if (System.getenv("SATWATCH_DEBUG") != null) {
            e.printStackTrace(cli.getErr());
        }
        return CliHelp.INTERNAL_ERROR;
    }
}
