package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {

    static final Duration NO_WAIT = Duration.ofMillis(1);

    @TempDir
    Path dir;

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void shouldReturnOnlyCompleteLinesInOrder() throws Exception {
        Path file = dir.resolve("log.jsonl");
        append(file, "one\ntwo\nthr");
        try (FileTailer tailer = new FileTailer(file, false)) {
            assertThat(tailer.poll(NO_WAIT)).containsExactly("one", "two");
            assertThat(tailer.poll(NO_WAIT)).isEmpty();
            append(file, "ee\r\nfour\n");
            assertThat(tailer.poll(NO_WAIT)).containsExactly("three", "four");
        }
    }

    @Test
    void shouldWaitForAFileThatDoesNotExistYet() throws Exception {
        Path file = dir.resolve("later.csv");
        try (FileTailer tailer = new FileTailer(file, false)) {
            assertThat(tailer.poll(NO_WAIT)).isEmpty();
            append(file, "a,b\n1,2\n");
            assertThat(tailer.poll(NO_WAIT)).containsExactly("a,b", "1,2");
        }
    }

    @Test
    void shouldStartAgainWhenTheFileIsTruncated() throws Exception {
        Path file = dir.resolve("log.jsonl");
        append(file, "first run line 1\nfirst run line 2\n");
        try (FileTailer tailer = new FileTailer(file, false)) {
            assertThat(tailer.poll(NO_WAIT)).hasSize(2);
            Files.writeString(file, "new\n", StandardCharsets.UTF_8);
            List<String> lines = tailer.poll(NO_WAIT);
            assertThat(tailer.restarted()).isTrue();
            assertThat(lines).containsExactly("new");
        }
    }

    @Test
    void shouldSkipExistingContentFromTheEndButStillReadTheHeader() throws Exception {
        Path file = dir.resolve("log.csv");
        append(file, "step,loss\n1,3.0\n");
        try (FileTailer tailer = new FileTailer(file, true)) {
            assertThat(tailer.poll(NO_WAIT)).isEmpty();
            assertThat(tailer.firstLine()).isEqualTo("step,loss");
            append(file, "2,2.9\n");
            assertThat(tailer.poll(NO_WAIT)).containsExactly("2,2.9");
            assertThat(tailer.position()).isEqualTo(Files.size(file));
        }
    }
}
