package dev.satwatch.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Input flags shared by the commands that read curve files: the files, plus how to read them. */
public final class InputOptions {

    @Option(
            names = {"-i", "--input"},
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "Curve file(s): satwatch JSONL, CSV or a Hugging Face trainer_state.json.")
    List<Path> inputs;

    @Mixin
    FormatOptions read;
}
