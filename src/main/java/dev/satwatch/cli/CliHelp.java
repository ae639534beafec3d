package dev.satwatch.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help and parsing rules that every command shares, applied once to the whole command tree by
 * {@link #configure(CommandLine)}: a mistyped flag is an "unknown option" even where a flag takes several values,
 * and every {@code --help} lists exit code 70 (internal error) beside the command's own codes.
 */
public final class CliHelp {

    /** The exit code of an unexpected failure (sysexits {@code EX_SOFTWARE}). */
    public static final int INTERNAL_ERROR = 70;

    static final String INTERNAL_ERROR_TEXT = "internal error (a bug; SATWATCH_DEBUG=1 prints the stack trace)";

    private CliHelp() {}

    /** Applies the shared rules to {@code cli} and every subcommand below it; returns {@code cli}. */
    public static CommandLine configure(CommandLine cli) {
        // picocli otherwise takes an unknown "--jsn" after "--input a.jsonl" as one more input file.
        cli.setUnmatchedOptionsAllowedAsOptionParameters(false);
        listInternalError(cli);
        return cli;
    }

    private static void listInternalError(CommandLine cli) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        if (!(cli.getCommand() instanceof CommandLine.HelpCommand)) {
            Map<String, String> codes = new LinkedHashMap<>(usage.exitCodeList());
            if (codes.isEmpty()) {
                codes.put("0", "success");
                codes.put("2", "bad flags");
                usage.exitCodeListHeading("%nExit codes:%n");
            }
            codes.putIfAbsent(Integer.toString(INTERNAL_ERROR), INTERNAL_ERROR_TEXT);
            usage.exitCodeList(codes);
        }
        cli.getSubcommands().values().forEach(CliHelp::listInternalError);
    }
}
