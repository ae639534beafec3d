package dev.satwatch.detect;

import dev.satwatch.event.AlertType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The alert bookkeeping of one run: which alert types are open, the hysteresis streaks, and per-type sequence
 * numbers (DESIGN §5: at most one open alert per type per run; the n-th opening of a type has sequence n).
 *
 * <h2>Hysteresis</h2>
 *
 * {@link #observe} counts consecutive evaluations: a closed alert opens once its condition held on
 * {@code openAfter} consecutive evaluations, an open one resolves once the condition failed on {@code resolveAfter}
 * consecutive evaluations. {@link #open} and {@link #resolve} bypass the streaks (for events that are facts at
 * once, such as a non-finite loss).
 *
 * <h2>Bytes</h2>
 *
 * {@link #toBytes()} writes a version byte and, per {@link AlertType} in declaration order, a flag byte and three
 * unsigned varints (sequence, true streak, false streak): at most {@code 1 + 7 × 16} bytes, typically 29.
 * {@link #fromBytes} throws {@link IllegalArgumentException} on anything it did not write.
 *
 * <p>Mutable and <b>not thread-safe</b>: one owner, the stream task of its run. Equality is by content.
 */
public final class AlertState {

    /** Format version written as the first byte of {@link #toBytes()}. */
    public static final byte FORMAT_VERSION = 1;

    private static final AlertType[] TYPES = AlertType.values();
    private static final int MAX_VARINT_BYTES = 5;

    /** Largest {@link #serializedSize()}. */
    public static final int MAX_SERIALIZED_BYTES = 1 + TYPES.length * (1 + 3 * MAX_VARINT_BYTES);

    private final boolean[] open = new boolean[TYPES.length];
    private final int[] sequence = new int[TYPES.length];
    private final int[] trueStreak = new int[TYPES.length];
    private final int[] falseStreak = new int[TYPES.length];

    private AlertState() {}

    /** A state with nothing open. */
    public static AlertState create() {
        return new AlertState();
    }

    /** Whether an alert of this type is open. */
    public boolean isOpen(AlertType type) {
        return open[type.ordinal()];
    }

    /** The sequence number of the latest opening of this type (0 if it never opened). */
    public int sequence(AlertType type) {
        return sequence[type.ordinal()];
    }

    /** The open alert types, in declaration order. */
    public List<AlertType> openAlerts() {
        List<AlertType> out = new ArrayList<>();
        for (AlertType t : TYPES) {
            if (open[t.ordinal()]) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Records one evaluation of a type's condition and applies the hysteresis.
     *
     * @param type the alert type
     * @param condition whether the alert's condition holds now
     * @param openAfter consecutive true evaluations needed to open (≥ 1)
     * @param resolveAfter consecutive false evaluations needed to resolve (≥ 1)
     * @return the transition, {@link Transition#NONE} when the state did not flip
     */
    public Transition observe(AlertType type, boolean condition, int openAfter, int resolveAfter) {
        int i = type.ordinal();
        if (condition) {
            falseStreak[i] = 0;
            trueStreak[i] = saturatingIncrement(trueStreak[i]);
            if (!open[i] && trueStreak[i] >= openAfter) {
                return open(type);
            }
        } else {
            trueStreak[i] = 0;
            falseStreak[i] = saturatingIncrement(falseStreak[i]);
            if (open[i] && falseStreak[i] >= resolveAfter) {
                return resolve(type);
            }
        }
        return Transition.NONE;
    }

    /** Opens an alert at once (no-op returning NONE when already open). */
    public Transition open(AlertType type) {
        int i = type.ordinal();
        if (open[i]) {
            return Transition.NONE;
        }
        open[i] = true;
        sequence[i] = saturatingIncrement(sequence[i]);
        falseStreak[i] = 0;
        return Transition.OPENED;
    }

    /** Resolves an alert at once (no-op returning NONE when not open). */
    public Transition resolve(AlertType type) {
        int i = type.ordinal();
        if (!open[i]) {
            return Transition.NONE;
        }
        open[i] = false;
        trueStreak[i] = 0;
        return Transition.RESOLVED;
    }

    private static int saturatingIncrement(int v) {
        return v == Integer.MAX_VALUE ? v : v + 1;
    }

    /** Size in bytes of {@link #toBytes()}. */
    public int serializedSize() {
        int n = 1;
        for (int i = 0; i < TYPES.length; i++) {
            n += 1 + varintSize(sequence[i]) + varintSize(trueStreak[i]) + varintSize(falseStreak[i]);
        }
        return n;
    }

    /** The versioned binary form (see the class comment). */
    public byte[] toBytes() {
        ByteBuffer buf = ByteBuffer.allocate(serializedSize());
        writeTo(buf);
        return buf.array();
    }

    /** Writes {@link #serializedSize()} bytes to {@code buf}. */
    public void writeTo(ByteBuffer buf) {
        buf.put(FORMAT_VERSION);
        for (int i = 0; i < TYPES.length; i++) {
            buf.put((byte) (open[i] ? 1 : 0));
            putVarint(buf, sequence[i]);
            putVarint(buf, trueStreak[i]);
            putVarint(buf, falseStreak[i]);
        }
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are null, truncated, of another version or have trailing data
     */
    public static AlertState fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("alert state bytes must not be null");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        AlertState s = readFrom(buf);
        if (buf.hasRemaining()) {
            throw new IllegalArgumentException("alert state: " + buf.remaining() + " trailing bytes");
        }
        return s;
    }

    /**
     * Reads one state from {@code buf} (advancing it).
     *
     * @throws IllegalArgumentException when the bytes are not a state this class wrote
     */
    public static AlertState readFrom(ByteBuffer buf) {
        try {
            byte version = buf.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("alert state: unknown format version " + version);
            }
            AlertState s = new AlertState();
            for (int i = 0; i < TYPES.length; i++) {
                byte flag = buf.get();
                if (flag != 0 && flag != 1) {
                    throw new IllegalArgumentException("alert state: bad open flag " + flag);
                }
                s.open[i] = flag == 1;
                s.sequence[i] = getVarint(buf);
                s.trueStreak[i] = getVarint(buf);
                s.falseStreak[i] = getVarint(buf);
            }
            return s;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("alert state: truncated", e);
        }
    }

    static int varintSize(int v) {
        int n = 1;
        int rest = v >>> 7;
        while (rest != 0) {
            n++;
            rest >>>= 7;
        }
        return n;
    }

    static void putVarint(ByteBuffer buf, int v) {
        int rest = v;
        while ((rest & ~0x7F) != 0) {
            buf.put((byte) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        buf.put((byte) rest);
    }

    static int getVarint(ByteBuffer buf) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = buf.get();
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new IllegalArgumentException("alert state: negative count");
                }
                return v;
            }
        }
        throw new IllegalArgumentException("alert state: varint too long");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertState other
                && Arrays.equals(open, other.open)
                && Arrays.equals(sequence, other.sequence)
                && Arrays.equals(trueStreak, other.trueStreak)
                && Arrays.equals(falseStreak, other.falseStreak);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(open) + Arrays.hashCode(sequence)) + Arrays.hashCode(trueStreak))
                + Arrays.hashCode(falseStreak);
    }

    @Override
    public String toString() {
        return "AlertState" + openAlerts();
    }
}
