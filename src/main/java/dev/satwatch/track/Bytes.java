package dev.satwatch.track;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Growable writer and bounds-checked reader of the tracker's binary state (package-private plumbing). */
final class Bytes {

    /** Longest string the state stores (run ids, settings, split names), in UTF-8 bytes. */
    static final int MAX_STRING_BYTES = 1024;

    private Bytes() {}

    /** Appends primitives; grows by doubling. */
    static final class Writer {
        private byte[] buf;
        private int size;

        Writer() {
            this(512);
        }

        /** A writer whose buffer starts at {@code capacity} bytes (it grows as needed). */
        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        Writer put(byte b) {
            ensure(1);
            buf[size++] = b;
            return this;
        }

        Writer putBytes(byte[] b) {
            putVarLong(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        /**
         * Writes a length prefix and then {@code n} bytes that {@code content} puts into the buffer it is given
         * (positioned at their start, big-endian), without an intermediate array.
         */
        Writer putBytes(int n, java.util.function.Consumer<ByteBuffer> content) {
            putVarLong(n);
            ensure(n);
            ByteBuffer slice = ByteBuffer.wrap(buf, size, n).slice();
            content.accept(slice);
            if (slice.position() != n) {
                throw new IllegalStateException("wrote " + slice.position() + " of " + n + " bytes");
            }
            size += n;
            return this;
        }

        Writer putDouble(double v) {
            long bits = Double.doubleToRawLongBits(v);
            ensure(Long.BYTES);
            for (int i = 0; i < Long.BYTES; i++) {
                buf[size++] = (byte) (bits >>> (8 * i));
            }
            return this;
        }

        Writer putFloat(float v) {
            int bits = Float.floatToRawIntBits(v);
            ensure(Integer.BYTES);
            for (int i = 0; i < Integer.BYTES; i++) {
                buf[size++] = (byte) (bits >>> (8 * i));
            }
            return this;
        }

        /** Unsigned LEB128 of a non-negative long. */
        Writer putVarLong(long v) {
            long rest = v;
            while ((rest & ~0x7FL) != 0) {
                put((byte) ((rest & 0x7F) | 0x80));
                rest >>>= 7;
            }
            return put((byte) rest);
        }

        /** Zig-zag LEB128 of any long. */
        Writer putSignedVarLong(long v) {
            return putVarLong((v << 1) ^ (v >> 63));
        }

        /** A nullable string: 0 for null, else UTF-8 length + 1 and the bytes (truncated to the limit). */
        Writer putString(String s) {
            if (s == null) {
                return putVarLong(0);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(b.length, MAX_STRING_BYTES);
            putVarLong(n + 1L);
            ensure(n);
            System.arraycopy(b, 0, buf, size, n);
            size += n;
            return this;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** Reads what {@link Writer} wrote; every malformed input becomes an {@link IllegalArgumentException}. */
    static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes);
        }

        ByteBuffer buffer() {
            return buf;
        }

        byte get() {
            try {
                return buf.get();
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("run state: truncated", e);
            }
        }

        boolean getBoolean() {
            byte b = get();
            if (b != 0 && b != 1) {
                throw new IllegalArgumentException("run state: bad boolean " + b);
            }
            return b == 1;
        }

        byte[] getBytes(int max) {
            long n = getVarLong();
            if (n > max || n > buf.remaining()) {
                throw new IllegalArgumentException("run state: bad length " + n);
            }
            byte[] out = new byte[(int) n];
            buf.get(out);
            return out;
        }

        double getDouble() {
            long bits = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                bits |= (get() & 0xFFL) << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        float getFloat() {
            int bits = 0;
            for (int i = 0; i < Integer.BYTES; i++) {
                bits |= (get() & 0xFF) << (8 * i);
            }
            return Float.intBitsToFloat(bits);
        }

        long getVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = get();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("run state: varint too long");
        }

        long getNonNegative(long max) {
            long v = getVarLong();
            if (v < 0 || v > max) {
                throw new IllegalArgumentException("run state: count out of range " + v);
            }
            return v;
        }

        long getSignedVarLong() {
            long z = getVarLong();
            return (z >>> 1) ^ -(z & 1);
        }

        String getString() {
            long n = getVarLong();
            if (n == 0) {
                return null;
            }
            if (n - 1 > MAX_STRING_BYTES || n - 1 > buf.remaining()) {
                throw new IllegalArgumentException("run state: bad string length " + (n - 1));
            }
            byte[] b = new byte[(int) (n - 1)];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        void requireEnd() {
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("run state: " + buf.remaining() + " trailing bytes");
            }
        }
    }
}
