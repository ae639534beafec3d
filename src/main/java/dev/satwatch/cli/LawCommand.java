package dev.satwatch.cli;

import picocli.CommandLine.Command;

/** {@code satwatch law}: commands about the reuse law. */
@Command(
        name = "law",
        mixinStandardHelpOptions = true,
        description = "Calibrate and inspect the reuse law L(D1, D2).",
        subcommands = {LawFitCommand.class})
public final class LawCommand {}
