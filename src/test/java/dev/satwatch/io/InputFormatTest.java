package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFormatTest {

    @TempDir
    Path dir;

    @Test
    void shouldDetectByFileNameFirst() throws Exception {
        // Content deliberately contradicts the name: the name wins.
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("a.csv"), "{\"x\":1}")))
                .isEqualTo(InputFormat.CSV);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("a.tsv"), "x")))
                .isEqualTo(InputFormat.CSV);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("a.jsonl"), "a,b")))
                .isEqualTo(InputFormat.JSONL);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("a.ndjson"), "a,b")))
                .isEqualTo(InputFormat.JSONL);
        Files.createDirectories(dir.resolve("run"));
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("run/trainer_state.json"), "[]")))
                .isEqualTo(InputFormat.TRAINER_STATE);
    }

    @Test
    void shouldSniffTheContentOfOtherFiles() throws Exception {
        assertThat(InputFormat.detect(Files.writeString(
                        dir.resolve("state.json"), "{\n  \"best_metric\": null,\n  \"log_history\": []}")))
                .isEqualTo(InputFormat.TRAINER_STATE);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("events.json"), "{\"type\":\"loss\"}\n")))
                .isEqualTo(InputFormat.JSONL);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("events.log"), "\n  {\"type\":\"loss\"}\n")))
                .isEqualTo(InputFormat.JSONL);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("curve.txt"), "step,loss\n1,2\n")))
                .isEqualTo(InputFormat.CSV);
        assertThat(InputFormat.detect(Files.writeString(dir.resolve("curve.dat"), "step\tloss\n1\t2\n")))
                .isEqualTo(InputFormat.CSV);
    }

    @Test
    void shouldDetectTheRealCurveFiles() throws Exception {
        assertThat(InputFormat.detect(RealCurves.file("olmo2-ladder/wsd_const.csv")))
                .isEqualTo(InputFormat.CSV);
        assertThat(InputFormat.detect(Path.of("src/test/resources/io/trainer/cpt-code-1b/trainer_state.json")))
                .isEqualTo(InputFormat.TRAINER_STATE);
    }

    @Test
    void shouldExplainWhatToPassWhenTheContentFitsNoFormat() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.txt"), "hello world\n");
        assertThatThrownBy(() -> InputFormat.detect(f))
                .isInstanceOf(InputFormatException.class)
                .hasMessage(f + ": cannot tell the format (not JSON, no comma or tab in the first line);"
                        + " pass --format jsonl, csv or trainer_state");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "  \n");
        assertThatThrownBy(() -> InputFormat.detect(empty)).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> InputFormat.detect(dir.resolve("missing.txt"))).hasMessageEndingWith("file not found");
    }
}
