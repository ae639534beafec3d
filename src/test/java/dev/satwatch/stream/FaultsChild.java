package dev.satwatch.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One satwatch instance in a child JVM, {@code satwatch run --set k=v ...}, that a test can kill hard: {@link
 * #kill()} is {@link Process#destroyForcibly()} (SIGKILL on Unix), so the instance gets no chance to commit, close
 * its stores, flush its producer or leave its consumer group, as when a machine dies.
 *
 * <p>The child runs on this JVM's class path, in {@code workDir} (so no {@code config/satwatch.properties} of the
 * project is picked up), without the parent's {@code SATWATCH_*} environment, with a small heap and the serial
 * collector (the machine is shared); stdout and stderr go to {@code log}. Not thread-safe.
 */
final class FaultsChild implements AutoCloseable {

    private final Process process;
    private final Path log;

    private FaultsChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code satwatch run} with {@code settings} as {@code --set} flags; returns once the JVM is launched. */
    static FaultsChild start(Map<String, String> settings, Path workDir, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.satwatch.Satwatch",
                "run"));
        // Sorted, so that the log's first line reads the same from run to run.
        new TreeMap<>(settings).forEach((k, v) -> {
            command.add("--set");
            command.add(k + "=" + v);
        });
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SATWATCH_"));
        return new FaultsChild(builder.start(), log);
    }

    /** Whether the child JVM is still running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Where the child's output goes (quoted in assertion messages). */
    Path log() {
        return log;
    }

    /**
     * Kills the JVM at once (no shutdown hooks) and waits until it is gone.
     *
     * @return whether it was gone within {@link StreamingFixture#WAIT}
     */
    boolean kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor(StreamingFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the child if a test left it running; never throws. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
