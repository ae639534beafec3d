package dev.satwatch.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads the records of a TFRecord file (the framing of TensorBoard's {@code events.out.tfevents.*}) as it grows.
 * Each record is {@code uint64 length, uint32 masked_crc32c(length), byte[length] data, uint32 masked_crc32c(data)},
 * little-endian, where {@code masked_crc32c(x) = ((c >>> 15) | (c << 17)) + 0xa282ead8} for the CRC-32C {@code c}
 * of {@code x} (tensorflow/core/lib/io/record_writer.cc, tensorflow/core/lib/hash/crc32c.h).
 *
 * <p>Usage: one reader per file; call {@link #read} whenever the file may have grown. Both CRCs are checked. A record
 * whose data CRC is wrong is skipped (its length is trustworthy: its own CRC matched) and reported as {@link Damage}
 * with its byte offset. A length whose CRC is wrong cannot be trusted, so the reader reports it and then looks for
 * the next offset where a header's length CRC matches (a false match has odds of 2<sup>-32</sup> per offset). A
 * record not yet complete at the end of the file (the writer is still writing it) is left for the next call; with
 * {@code atEnd} (the file is finished) it is reported as truncated instead. A file that shrinks (replaced or
 * truncated) is read again from its start, and {@link Batch#restarted()} says so. Not thread-safe.
 */
public final class TfRecordReader {

    /** Bytes before the data: the length and its CRC. */
    static final int HEADER_BYTES = 12;

    /** Bytes after the data: its CRC. */
    static final int FOOTER_BYTES = 4;

    /** The constant TFRecord adds to a rotated CRC. */
    private static final int MASK_DELTA = 0xa282ead8;

    /** How much is read at once while looking for the next valid header. */
    private static final int SCAN_CHUNK = 64 * 1024;

    private final Path file;
    private long position;
    private boolean resyncing;

    /**
     * One record's data.
     *
     * @param offset where its frame starts in the file
     * @param data its payload (for TensorBoard, a serialized {@code Event})
     */
    public record Record(long offset, byte[] data) {}

    /**
     * A part of the file that was skipped.
     *
     * @param offset where the bad frame starts in the file
     * @param message what is wrong, e.g. {@code data CRC mismatch}
     */
    public record Damage(long offset, String message) {}

    /**
     * What one {@link #read} found.
     *
     * @param records the complete, valid records, in file order
     * @param damage the skipped frames, in file order
     * @param pendingBytes bytes at the end of the file that are not yet a complete record (0 when none, or when
     *     {@code atEnd} reported them as truncated)
     * @param restarted whether the file had shrunk and was read again from its start
     */
    public record Batch(List<Record> records, List<Damage> damage, long pendingBytes, boolean restarted) {
        /** Copies the lists, so a batch is immutable. */
        public Batch {
            records = List.copyOf(records);
            damage = List.copyOf(damage);
        }
    }

    /** @param file the TFRecord file; it need not exist yet */
    public TfRecordReader(Path file) {
        this.file = file;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** Bytes of the file consumed so far: the offset of the next record. */
    public long position() {
        return position;
    }

    /**
     * Reads the records completed since the last call.
     *
     * @param atEnd the file is finished: report an incomplete last record as truncated rather than wait for it
     * @return the records, the damage and what is still pending
     * @throws IOException if the file cannot be read
     */
    public Batch read(boolean atEnd) throws IOException {
        List<Record> records = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        boolean restarted = false;
        long pending = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < position) {
                position = 0;
                resyncing = false;
                restarted = true;
            }
            while (position < size) {
                if (resyncing && !resync(channel, size)) {
                    break;
                }
                long remaining = size - position;
                if (remaining < HEADER_BYTES) {
                    pending = remaining;
                    break;
                }
                ByteBuffer header = readFully(channel, position, HEADER_BYTES);
                long length = header.getLong(0);
                if (maskedCrc32c(header.array(), 0, 8) != header.getInt(8)) {
                    damage.add(new Damage(position, "length CRC mismatch; skipping to the next valid record"));
                    resyncing = true;
                    position++;
                    continue;
                }
                if (length < 0 || length > Integer.MAX_VALUE - HEADER_BYTES - FOOTER_BYTES) {
                    damage.add(new Damage(
                            position,
                            "implausible record length " + Long.toUnsignedString(length)
                                    + "; skipping to the next valid record"));
                    resyncing = true;
                    position++;
                    continue;
                }
                long frame = HEADER_BYTES + length + FOOTER_BYTES;
                if (remaining < frame) {
                    pending = remaining;
                    break;
                }
                ByteBuffer body = readFully(channel, position + HEADER_BYTES, (int) length + FOOTER_BYTES);
                byte[] data = new byte[(int) length];
                body.get(0, data);
                if (maskedCrc32c(data, 0, data.length) != body.getInt((int) length)) {
                    damage.add(new Damage(position, "data CRC mismatch; record of " + length + " bytes skipped"));
                } else {
                    records.add(new Record(position, data));
                }
                position += frame;
            }
            if (atEnd && pending > 0) {
                damage.add(new Damage(
                        position, "truncated: the last record is incomplete (" + pending + " bytes at the end)"));
                position = size;
                pending = 0;
            }
        } catch (NoSuchFileException e) {
            return new Batch(records, damage, 0, false);
        }
        return new Batch(records, damage, pending, restarted);
    }

    /**
     * Moves {@link #position} to the next offset whose 12 bytes form a header with a matching length CRC.
     *
     * @return true when one was found; false when the rest of the file holds none yet (the position then stays at
     *     the first offset not yet checkable, so a header being written is found on a later call)
     */
    private boolean resync(FileChannel channel, long size) throws IOException {
        while (position + HEADER_BYTES <= size) {
            int n = (int) Math.min(SCAN_CHUNK + HEADER_BYTES - 1, size - position);
            ByteBuffer chunk = readFully(channel, position, n);
            byte[] bytes = chunk.array();
            for (int i = 0; i + HEADER_BYTES <= n; i++) {
                if (maskedCrc32c(bytes, i, 8) == chunk.getInt(i + 8)) {
                    position += i;
                    resyncing = false;
                    return true;
                }
            }
            position += n - HEADER_BYTES + 1;
        }
        return false;
    }

    private static ByteBuffer readFully(FileChannel channel, long at, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) {
                throw new IOException("file shrank while being read");
            }
        }
        return buffer;
    }

    /**
     * TFRecord's masked CRC-32C of {@code bytes[offset, offset + length)}: the CRC rotated right by 15 bits, plus
     * {@code 0xa282ead8} (so that a CRC of data holding CRCs is not degenerate).
     */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
