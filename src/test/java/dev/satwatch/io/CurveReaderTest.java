package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurveReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadJsonlAndReportEachBadLineWithItsNumberAndField() throws Exception {
        Path f = write(
                "events.jsonl",
                """
                {"type":"run_started","run_id":"a","d1_tokens":3e11,"tokens_per_step":1000}
                {"type":"loss","run_id":"a","step":10,"loss":2.9}

                {"type":"loss","run_id":"a","d2_tokens":-1,"loss":2.8}
                not json
                {"type":"loss","run_id":"a","d2_tokens":2e4,"loss":"NaN"}
                {"type":"run_finished","run_id":"a","status":"stopped"}
                """);

        ReadResult r = CurveReader.read(f, InputFormat.AUTO, null);

        assertThat(r.linesRead()).isEqualTo(7);
        assertThat(r.events())
                .hasSize(4)
                .hasExactlyElementsOfTypes(RunStarted.class, LossPoint.class, LossPoint.class, RunFinished.class);
        assertThat(r.problems()).extracting(InputProblem::line).containsExactly(4L, 5L);
        assertThat(r.problems().get(0).describe()).isEqualTo(f + ":4: field 'd2_tokens': d2_tokens is negative (-1.0)");
        assertThat(r.problems().get(1).field()).isNull();
        assertThat(r.problems().get(1).describe()).startsWith(f + ":5: bad JSON");
    }

    @Test
    void shouldReportABadCsvNumberInCompilerStyle() throws Exception {
        Path f = write("f.csv", "run,tokens,loss\nr1,1e9,2.5\nr1,2e9,abc\nr1,3e9,2.3\n");

        ReadResult r = CurveReader.read(f, InputFormat.AUTO, null);

        assertThat(r.events()).hasSize(2);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("loss");
            assertThat(p.describe()).isEqualTo(f + ":3: field 'loss': not a number ('abc')");
        });
    }

    @Test
    void shouldReportEmptyCellsWrongFieldCountsAndNegativeTokens() throws Exception {
        Path f = write(
                "g.csv",
                "run,tokens,step,loss,lr\n"
                        + "r,,,2.5,1e-4\n" // no tokens, no step
                        + "r,1e9,5\n" // too few fields
                        + "r,-3,5,2.4,1e-4\n" // negative tokens
                        + "r,1e9,5,,1e-4\n" // empty loss
                        + "r,1e9,2.5,2.4,1e-4\n" // fractional step
                        + "r,1e9,5,2.4,fast\n" // bad lr
                        + ",1e9,5,2.4,1e-4\n" // empty run id
                        + ",,,,\n" // empty row: skipped silently
                        + "r,1e9,5,inf,\n"); // divergence, kept

        ReadResult r = CurveReader.read(f, InputFormat.CSV, null);

        assertThat(r.problems())
                .extracting(InputProblem::line, InputProblem::field)
                .containsExactly(
                        tuple(2L, "tokens"),
                        tuple(3L, null),
                        tuple(4L, "tokens"),
                        tuple(5L, "loss"),
                        tuple(6L, "step"),
                        tuple(7L, "lr"),
                        tuple(8L, "run"));
        assertThat(r.problems().get(1).message()).isEqualTo("expected 5 fields, found 3");
        assertThat(r.events()).singleElement().satisfies(e -> {
            LossPoint p = (LossPoint) e;
            assertThat(p.loss()).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(p.lr()).isNaN();
        });
    }

    @Test
    void shouldParseQuotedFieldsIncludingDelimitersQuotesAndLineBreaks() throws Exception {
        Path f = write(
                "q.csv",
                "run_name,num_tokens,val_loss,setting\n"
                        + "\"run, \"\"one\"\"\",1e9,2.5,\"cpt\ncode\"\n"
                        + "plain,2e9,2.4,cpt-code\n");

        ReadResult r = CurveReader.read(f, InputFormat.CSV, null);

        assertThat(r.problems()).isEmpty();
        assertThat(r.events()).hasSize(2);
        LossPoint first = (LossPoint) r.events().get(0);
        assertThat(first.runId()).isEqualTo("run, \"one\"");
        assertThat(first.meta().setting()).isEqualTo("cpt\ncode");
        assertThat(((LossPoint) r.events().get(1)).meta().setting()).isEqualTo("cpt-code");
    }

    @Test
    void shouldReportAnUnterminatedQuoteAtTheRecordsFirstLine() throws Exception {
        Path f = write("u.csv", "run,tokens,loss\nr,1e9,2.5\n\"r,2e9,2.4\nr,3e9,2.3\n");

        ReadResult r = CurveReader.read(f, InputFormat.CSV, null);

        assertThat(r.events()).hasSize(1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("unterminated quoted field");
        });
    }

    @Test
    void shouldTakeD1AndSettingFromColumnsOrAFixedValue() throws Exception {
        Path f = write("d.csv", "run,tokens,loss,d1_tokens,setting\na,1e9,2.5,3e11,cpt\nb,1e9,2.6,,\n");

        ReadResult r =
                CurveReader.read(f, InputFormat.CSV, CsvMapping.defaults().withD1Value(1e12));

        assertThat(r.events())
                .extracting(e -> ((LossPoint) e).meta())
                .containsExactly(
                        new RunMeta("cpt", null, 3e11, Double.NaN, Double.NaN, 0),
                        new RunMeta(null, null, 1e12, Double.NaN, Double.NaN, 0));
    }

    @Test
    void shouldReadTabSeparatedFilesAndStripAByteOrderMark() throws Exception {
        Path f = write("t.tsv", "\uFEFFrun\tsteps\tloss\tlearning_rate\nx\t10\t2.5\t1e-4\n");

        ReadResult r =
                CurveReader.read(f, InputFormat.AUTO, CsvMapping.defaults().withTokensPerStep(2048));

        assertThat(r.problems()).isEmpty();
        LossPoint p = (LossPoint) r.events().get(0);
        assertThat(p.d2Tokens()).isEqualTo(20480.0);
        assertThat(p.lr()).isEqualTo(1e-4);
        assertThat(p.meta().tokensPerStep()).isEqualTo(2048);
    }

    @Test
    void shouldUseAnExplicitSplitAndFailOnAnExplicitColumnMissingFromTheHeader() throws Exception {
        Path f = write("s.csv", "run,tokens,loss\nr,1e9,2.5\n");

        ReadResult r =
                CurveReader.read(f, InputFormat.CSV, CsvMapping.defaults().withSplit("code"));
        assertThat(((LossPoint) r.events().get(0)).split()).isEqualTo("code");

        assertThatThrownBy(() -> CurveReader.read(
                        f, InputFormat.CSV, CsvMapping.defaults().withLrColumn("lr_now")))
                .isInstanceOf(InputFormatException.class)
                .hasMessage(f + ":1: lr column 'lr_now' is not in the header. Columns: run, tokens, loss");
    }

    @Test
    void shouldFailOnAMissingFileADirectoryAndAnEmptyCsv() throws Exception {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CurveReader.read(missing, InputFormat.AUTO, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessage(missing + ": file not found");
        assertThatThrownBy(() -> CurveReader.read(dir, InputFormat.CSV, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("not a regular file");
        Path empty = write("empty.csv", "\n\n");
        assertThatThrownBy(() -> CurveReader.read(empty, InputFormat.CSV, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("no header row");
    }

    @Test
    void shouldKeepDuplicateAndOutOfOrderTokenCounts() throws Exception {
        Path f = write("dup.csv", "run,tokens,loss\nr,2e9,2.4\nr,1e9,2.5\nr,2e9,2.41\n");

        ReadResult r = CurveReader.read(f, InputFormat.CSV, null);

        assertThat(r.events()).hasSize(3);
        assertThat(RunData.group(r.events()).get(0).points(null))
                .extracting(LossPoint::loss)
                .containsExactly(2.5, 2.4, 2.41);
    }

    @Test
    void shouldReplaceMalformedUtf8InsteadOfFailingTheFile() throws Exception {
        Path f = dir.resolve("bin.jsonl");
        byte[] good =
                "{\"type\":\"loss\",\"run_id\":\"a\",\"d2_tokens\":1,\"loss\":2}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, '\n'};
        Files.write(f, concat(good, bad, good));

        ReadResult r = CurveReader.read(f, InputFormat.JSONL, null);

        assertThat(r.events()).hasSize(2);
        assertThat(r.problems()).extracting(InputProblem::line).containsExactly(2L);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
