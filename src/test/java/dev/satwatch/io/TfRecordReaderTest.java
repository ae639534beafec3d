package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.io.TensorBoardFixtures.Rec;
import dev.satwatch.io.TensorBoardFixtures.Run;
import dev.satwatch.io.TensorBoardFixtures.Written;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TFRecord framing against files of the independent writer ({@code scripts/write-tfevents.py}). */
class TfRecordReaderTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheWriter() {
        TensorBoardFixtures.assumeWriterAvailable();
    }

    @Test
    void shouldComputeTheMaskedCrcOfTheSpecFromTheCrc32cCheckValue() {
        // CRC-32C("123456789") = 0xE3069283 (the CRC catalogue's check value for CRC-32/ISCSI); masked by hand:
        // ror15 = 0x2507C60D, + 0xa282ead8 = 0xC78AB0E5.
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TfRecordReader.maskedCrc32c(check, 0, check.length)).isEqualTo(0xC78AB0E5);
    }

    @Test
    void shouldReadEveryRecordAtTheOffsetsTheWriterReports() throws IOException {
        Run run = TensorBoardFixtures.hf("a", 100, 1);
        Written w = TensorBoardFixtures.write(dir.resolve("events.out.tfevents.1"), false, run.records());

        TfRecordReader.Batch batch = new TfRecordReader(w.path()).read(true);

        assertThat(batch.damage()).isEmpty();
        // The file_version record first, then one per fixture record.
        assertThat(batch.records()).hasSize(run.records().size() + 1);
        assertThat(batch.records().subList(1, batch.records().size()).stream()
                        .map(TfRecordReader.Record::offset)
                        .toList())
                .isEqualTo(w.offsets());
        assertThat(batch.pendingBytes()).isZero();
    }

    @Test
    void shouldSkipARecordWhoseDataCrcIsWrongAndReportItsOffset() throws IOException {
        Run run = TensorBoardFixtures.hf("a", 50, 1);
        int bad = 7;
        Written w = TensorBoardFixtures.write(
                dir.resolve("events.out.tfevents.1"),
                false,
                run.with(bad, run.records().get(bad).corrupted("data")).records());

        TfRecordReader.Batch batch = new TfRecordReader(w.path()).read(true);

        assertThat(batch.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(w.offsets().get(bad));
            assertThat(d.message()).contains("data CRC mismatch");
        });
        assertThat(batch.records()).hasSize(run.records().size()); // + file_version - the bad one
    }

    @Test
    void shouldFindTheNextRecordAfterALengthWhoseCrcIsWrong() throws IOException {
        Run run = TensorBoardFixtures.hf("a", 50, 1);
        int bad = 3;
        Written w = TensorBoardFixtures.write(
                dir.resolve("events.out.tfevents.1"),
                false,
                run.with(bad, run.records().get(bad).corrupted("length")).records());

        TfRecordReader.Batch batch = new TfRecordReader(w.path()).read(true);

        assertThat(batch.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(w.offsets().get(bad));
            assertThat(d.message()).contains("length CRC mismatch");
        });
        assertThat(batch.records().stream().map(TfRecordReader.Record::offset))
                .contains(w.offsets().get(bad + 1))
                .hasSize(run.records().size());
    }

    @Test
    void shouldWaitForATornLastRecordAndReadItWhenTheRestIsWritten() throws IOException {
        Run run = TensorBoardFixtures.megatron("m", 50, 2);
        List<Rec> recs = run.records();
        int last = recs.size() - 1;
        Path file = dir.resolve("events.out.tfevents.1");
        List<Rec> first = new java.util.ArrayList<>(recs.subList(0, last));
        first.add(recs.get(last).torn(9)); // inside the 12-byte header
        Written w = TensorBoardFixtures.write(file, false, first);
        TfRecordReader reader = new TfRecordReader(file);

        TfRecordReader.Batch before = reader.read(false);
        assertThat(before.damage()).isEmpty();
        assertThat(before.pendingBytes()).isEqualTo(9);
        assertThat(reader.position()).isEqualTo(w.offsets().get(last));

        TensorBoardFixtures.write(file, true, List.of(recs.get(last).restFrom(9)));
        TfRecordReader.Batch after = reader.read(false);

        assertThat(after.damage()).isEmpty();
        assertThat(after.records()).singleElement().satisfies(r -> assertThat(r.offset())
                .isEqualTo(w.offsets().get(last)));
        assertThat(after.pendingBytes()).isZero();
    }

    @Test
    void shouldReportATruncatedLastRecordWhenTheFileIsFinished() throws IOException {
        Run run = TensorBoardFixtures.megatron("m", 50, 2);
        List<Rec> recs = new java.util.ArrayList<>(run.records());
        int last = recs.size() - 1;
        recs.set(last, recs.get(last).torn(20)); // header complete, data cut
        Written w = TensorBoardFixtures.write(dir.resolve("events.out.tfevents.1"), false, recs);

        TfRecordReader.Batch batch = new TfRecordReader(w.path()).read(true);

        assertThat(batch.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(w.offsets().get(last));
            assertThat(d.message()).contains("truncated");
        });
        assertThat(batch.records()).hasSize(recs.size()); // + file_version - the torn one
    }

    @Test
    void shouldReadNothingFromAFileNotYetCreated() throws IOException {
        TfRecordReader.Batch batch = new TfRecordReader(dir.resolve("events.out.tfevents.missing")).read(false);

        assertThat(batch.records()).isEmpty();
        assertThat(batch.damage()).isEmpty();
        assertThat(Files.exists(dir.resolve("events.out.tfevents.missing"))).isFalse();
    }
}
