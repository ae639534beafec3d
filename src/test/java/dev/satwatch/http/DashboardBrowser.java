package dev.satwatch.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium for the dashboard tests: loads a page, lets it run for a budget of virtual time (so the page's
 * 5 s refresh timer fires without the test waiting 5 s of wall time), and returns the DOM it ended with or a
 * screenshot, plus Chromium's log.
 *
 * <p>Chromium is {@code /usr/bin/chromium} (Debian package {@code chromium}; {@code scripts/test} installs it). When it is
 * absent, {@link #find()} fails the test with that message: a skipped browser test would hide a broken page.
 *
 * <p>Each call starts its own browser with a fresh profile under {@code work}; instances are not thread-safe.
 */
final class DashboardBrowser {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Virtual time the page runs before the DOM is dumped: the first refresh plus one 5 s refresh cycle. */
    static final int VIRTUAL_TIME_BUDGET_MS = 8000;

    private static final long WALL_LIMIT_SECONDS = 120;

    private final Path executable;
    private final Path work;
    private int calls;

    private DashboardBrowser(Path executable, Path work) {
        this.executable = executable;
        this.work = work;
    }

    /**
     * The system Chromium, with scratch files under {@code work}.
     *
     * @throws AssertionError when {@code /usr/bin/chromium} does not exist
     */
    static DashboardBrowser find(Path work) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " not found: the dashboard browser test needs Debian's chromium"
                    + " package, which scripts/test installs (apt-get install -y chromium)");
        }
        return new DashboardBrowser(CHROMIUM, work);
    }

    /** Loads {@code url}, runs it for {@link #VIRTUAL_TIME_BUDGET_MS} of virtual time and dumps the DOM. */
    Visit dumpDom(URI url) throws IOException, InterruptedException {
        return run(url, List.of("--dump-dom"));
    }

    /** As {@link #dumpDom(URI)} in a window {@code width} × {@code height} CSS pixels. */
    Visit dumpDom(URI url, int width, int height) throws IOException, InterruptedException {
        return run(url, List.of("--window-size=" + width + "," + height, "--dump-dom"));
    }

    /** Loads {@code url} in a 1280×900 window and writes a PNG screenshot to {@code png}. */
    Visit screenshot(URI url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        return run(url, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,900"));
    }

    private Visit run(URI url, List<String> action) throws IOException, InterruptedException {
        int call = ++calls;
        Path profile = Files.createDirectories(work.resolve("profile-" + call));
        Path out = work.resolve("stdout-" + call + ".txt");
        Path err = work.resolve("stderr-" + call + ".txt");
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "--headless",
                "--no-sandbox", // runs as root in CI containers, where the sandbox cannot start
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--enable-logging=stderr",
                "--v=0",
                // Console messages (uncaught errors, console.error/warn) reach stderr only at INFO level.
                "--log-level=0",
                "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
        command.addAll(action);
        command.add(url.toString());
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(WALL_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + WALL_LIMIT_SECONDS + " s loading " + url);
        }
        return new Visit(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    /**
     * What one browser run left behind.
     *
     * @param exitCode Chromium's exit code
     * @param stdout the dumped DOM (empty for screenshots)
     * @param log Chromium's stderr lines
     */
    record Visit(int exitCode, String stdout, List<String> log) {

        /** Console lines reporting an uncaught exception or a resource that failed to load. */
        List<String> consoleProblems() {
            return log.stream()
                    .filter(l -> l.contains("Uncaught") || l.contains("Failed to load resource"))
                    .toList();
        }

        /** The dumped DOM, read for the page's test hooks. */
        DashboardPage page() {
            return DashboardPage.parse(stdout);
        }
    }
}
