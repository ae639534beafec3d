package dev.satwatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Input flags shared by the commands that read curve files: the files and TensorBoard logdirs (at least one of
 * either), plus how to read them.
 */
public final class InputOptions {

    @Option(
            names = {"-i", "--input"},
            arity = "1..*",
            paramLabel = "FILE",
            description = "Curve file(s): satwatch JSONL, CSV or a Hugging Face trainer_state.json.")
    List<Path> inputs = new ArrayList<>();

    @Option(
            names = "--tensorboard",
            arity = "1..*",
            paramLabel = "LOGDIR",
            description = "TensorBoard logdir(s): every events.out.tfevents.* file under it; a run per folder.")
    List<Path> logdirs = new ArrayList<>();

    @Mixin
    FormatOptions read;

    /**
     * Fails unless some input was given.
     *
     * @throws CliException ({@link ExitCodes#USAGE}) when neither {@code --input} nor {@code --tensorboard} was
     */
    void requireSome() {
        if (inputs.isEmpty() && logdirs.isEmpty()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "no input: pass --input FILE (JSONL, CSV, trainer_state.json) or --tensorboard LOGDIR");
        }
    }

    /** The inputs for messages: files, then logdirs. */
    List<Path> all() {
        List<Path> all = new ArrayList<>(inputs);
        all.addAll(logdirs);
        return all;
    }
}
