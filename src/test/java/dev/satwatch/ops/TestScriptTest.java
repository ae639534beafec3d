package dev.satwatch.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command ({@code scripts/test}) is what CI runs, and on a machine without the tools it names what
 * is missing at once instead of failing a test tier minutes into the build: the tools come from the script, never
 * from someone's hand-installed machine.
 */
class TestScriptTest {

    static final Path SCRIPT = Path.of("scripts/test");

    @TempDir
    Path dir;

    @Test
    void shouldNameEveryMissingToolAndHowToGetItWhenItCannotInstall() throws IOException, InterruptedException {
        // A PATH holding bash alone: no java, prometheus, chromium, amtool, python3, protoc, node or npm (and no
        // coreutils). (python3-protobuf is reported missing too when /usr/bin/python3 lacks it; it is checked by
        // importing it.)
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("bash"), Path.of("/bin/bash"));
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(), SCRIPT.toString(), "--check")
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());

        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output)
                .containsPattern("missing java prometheus promtool chromium amtool prometheus-alertmanager python3"
                        + " (python3-protobuf )?protoc node npm")
                .contains("Run scripts/test as root")
                .containsPattern(
                        "apt-get install -y openjdk-17-jdk-headless prometheus chromium prometheus-alertmanager"
                                + " python3 (python3-protobuf )?protobuf-compiler nodejs npm");
    }

    @Test
    void shouldBeWhatCiRunsAndWhatTheReadmeDocuments() throws IOException {
        assertThat(Files.isExecutable(SCRIPT)).as("scripts/test is executable").isTrue();
        assertThat(Files.readString(Path.of(".ci/run"))).contains("exec scripts/test");
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("scripts/test").contains("./mvnw verify");
        assertThat(Files.readString(SCRIPT))
                .contains("apt-get install")
                .contains("prometheus")
                .contains("chromium")
                .contains("python3-protobuf")
                .contains("protobuf-compiler")
                .contains("./mvnw -B -ntp verify");
    }
}
