package dev.satwatch.fit;

import java.nio.ByteBuffer;

/**
 * Variable-length integer coding (LEB128, as in protobuf) for the binary form of {@link CurveSummary}.
 * Stateless and thread-safe.
 */
final class CurveBytes {

    /** Most bytes a non-negative {@code long} takes (63 bits in 7-bit groups). */
    static final int MAX_VAR_LONG_BYTES = 9;

    private CurveBytes() {}

    /** Bytes {@link #putVarLong} writes for a non-negative value. */
    static int varLongSize(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value | 1L);
        return (bits + 6) / 7;
    }

    /** Bytes a signed int takes after zigzag coding. */
    static int zigZagSize(int value) {
        return varLongSize(zigZag(value));
    }

    static void putVarLong(ByteBuffer buf, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    static void putZigZag(ByteBuffer buf, int value) {
        putVarLong(buf, zigZag(value));
    }

    /**
     * Reads a non-negative varint of at most {@link #MAX_VAR_LONG_BYTES} bytes.
     *
     * @throws IllegalArgumentException when the varint is longer or ends the buffer early
     */
    static long getVarLong(ByteBuffer buf) {
        long result = 0;
        for (int shift = 0; shift < 7 * MAX_VAR_LONG_BYTES; shift += 7) {
            if (!buf.hasRemaining()) {
                throw new IllegalArgumentException("truncated varint at byte " + buf.position());
            }
            byte b = buf.get();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than " + MAX_VAR_LONG_BYTES + " bytes");
    }

    /** Reads a varint that must lie in [0, max]. */
    static int getVarInt(ByteBuffer buf, int max, String what) {
        long v = getVarLong(buf);
        if (v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v + " > " + max);
        }
        return (int) v;
    }

    /** Reads a zigzag-coded signed int. */
    static int getZigZag(ByteBuffer buf, String what) {
        long z = getVarLong(buf);
        if (z > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " out of int range");
        }
        return (int) ((z >>> 1) ^ -(z & 1));
    }

    private static long zigZag(int value) {
        return ((long) value << 1) ^ (long) (value >> 31);
    }
}
