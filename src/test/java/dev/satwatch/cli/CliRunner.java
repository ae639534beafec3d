package dev.satwatch.cli;

import dev.satwatch.Satwatch;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a satwatch command in-process and captures its exit code, stdout and stderr. */
final class CliRunner {

    record Result(int exitCode, String out, String err) {}

    private CliRunner() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Satwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
