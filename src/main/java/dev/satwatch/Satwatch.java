package dev.satwatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** CLI entry point: parses the command line and hands over to a subcommand. Wiring only. */
@Command(
        name = "satwatch",
        mixinStandardHelpOptions = true,
        version = "satwatch 0.1.0",
        description = "Watches reused-model training runs and tells when more tokens stop paying off.")
public final class Satwatch {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Satwatch()).execute(args));
    }
}
