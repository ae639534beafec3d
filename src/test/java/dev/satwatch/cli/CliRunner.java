package dev.satwatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.satwatch.Satwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Runs a satwatch command in-process and captures its exit code, stdout and stderr. The log levels a command sets
 * ({@link LogOptions}: a process runs one command, so it sets them for good) are put back afterwards, so that
 * one test's quiet demo does not silence the logs the next test in the JVM reads.
 */
final class CliRunner {

    record Result(int exitCode, String out, String err) {}

    private CliRunner() {}

    static Result run(String... args) {
        LogLevels saved = LogLevels.save();
        try {
            return runKeepingLogLevels(args);
        } finally {
            saved.restore();
        }
    }

    /** As {@link #run}, leaving the log levels as the command set them (for tests of those levels). */
    static Result runKeepingLogLevels(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Satwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The levels of the loggers {@link LogOptions} sets (null: inherited), to put back. */
    record LogLevels(Map<String, Level> levels) {

        static LogLevels save() {
            Map<String, Level> levels = new LinkedHashMap<>();
            for (String name : names()) {
                levels.put(name, context().getLogger(name).getLevel());
            }
            return new LogLevels(levels);
        }

        void restore() {
            levels.forEach((name, level) -> context().getLogger(name).setLevel(level));
        }

        private static List<String> names() {
            List<String> names = new ArrayList<>(LogOptions.KAFKA_LOGGERS);
            names.add(LogOptions.SATWATCH_LOGGER);
            return names;
        }

        private static LoggerContext context() {
            return (LoggerContext) LoggerFactory.getILoggerFactory();
        }
    }
}
