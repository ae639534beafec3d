package dev.satwatch.fit;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary form of a {@link CurveSummary} (layout in {@link CurveSummary#toBytes()}): exact size, writing, and
 * reading with validation, so that no byte string decodes to a summary {@link CurveSummary#add} could not have built.
 * Stateless; thread-safe.
 */
final class CurveSummaryCodec {

    private CurveSummaryCodec() {}

    static int serializedSize(CurveSummary s) {
        int bytes = CurveSummary.SETTINGS_BYTES
                + CurveSummary.STATE_BYTES
                + CurveBytes.varLongSize(s.recent.size)
                + s.recent.size * 2 * Double.BYTES;
        for (CurveBins b : s.bins) {
            bytes += b.serializedSize();
        }
        return bytes;
    }

    static void write(CurveSummary s, ByteBuffer buf) {
        buf.put(CurveSummary.FORMAT_VERSION);
        CurveBytes.putVarLong(buf, s.config.binsPerDecade());
        buf.putDouble(s.config.burnInFraction());
        buf.putDouble(s.config.annealLrRatio());
        CurveBytes.putVarLong(buf, s.config.recentPoints());
        buf.put((byte) s.phase.ordinal());
        buf.putDouble(s.peakLr);
        buf.putDouble(s.peakD2);
        buf.putDouble(s.stableLr);
        buf.putDouble(s.maxD2);
        buf.putDouble(s.minLoss);
        buf.putDouble(s.lastD2);
        buf.putDouble(s.lastLoss);
        CurveBytes.putVarLong(buf, s.recent.size);
        int start = s.recent.start();
        for (int i = 0; i < s.recent.size; i++) {
            int j = (start + i) % s.recent.d2.length;
            buf.putDouble(s.recent.d2[j]);
            buf.putDouble(s.recent.loss[j]);
        }
        for (CurveBins b : s.bins) {
            b.write(buf);
        }
    }

    static CurveSummary fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("CurveSummary bytes are empty");
        }
        if (bytes[0] != CurveSummary.FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown CurveSummary format version " + bytes[0] + " (expected "
                    + CurveSummary.FORMAT_VERSION + ")");
        }
        try {
            return read(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("CurveSummary bytes are truncated (" + bytes.length + " bytes)", e);
        }
    }

    private static CurveSummary read(ByteBuffer buf) {
        SummaryConfig config = new SummaryConfig(
                CurveBytes.getVarInt(buf, SummaryConfig.MAX_BINS_PER_DECADE, "binsPerDecade"),
                buf.getDouble(),
                buf.getDouble(),
                CurveBytes.getVarInt(buf, SummaryConfig.MAX_RECENT_POINTS, "recentPoints"));
        CurveSummary s = new CurveSummary(config);
        int phaseOrdinal = buf.get();
        if (phaseOrdinal < 0 || phaseOrdinal >= CurveSummary.PHASES.length) {
            throw new IllegalArgumentException("unknown LR phase " + phaseOrdinal);
        }
        s.phase = CurveSummary.PHASES[phaseOrdinal];
        s.peakLr = buf.getDouble();
        s.peakD2 = buf.getDouble();
        s.stableLr = buf.getDouble();
        s.maxD2 = buf.getDouble();
        s.minLoss = buf.getDouble();
        s.lastD2 = buf.getDouble();
        s.lastLoss = buf.getDouble();
        int ring = CurveBytes.getVarInt(buf, config.recentPoints(), "ring size");
        for (int i = 0; i < ring; i++) {
            s.recent.d2[i] = buf.getDouble();
            s.recent.loss[i] = buf.getDouble();
            if (!isPositiveFinite(s.recent.d2[i]) || !isPositiveFinite(s.recent.loss[i])) {
                throw new IllegalArgumentException("recent point " + i + " is not a valid point");
            }
        }
        s.recent.restore(ring);
        int minKey = (int) Math.floor(Math.log(Double.MIN_VALUE) * s.keysPerLn);
        int maxKey = (int) Math.floor(Math.log(Double.MAX_VALUE) * s.keysPerLn);
        int budget = CurveSummary.MAX_BINS;
        for (int k = 0; k < CurveSummary.KINDS; k++) {
            s.bins[k] = CurveBins.read(buf, s.step, budget, minKey, maxKey, CurveSummary.KIND_NAMES[k]);
            budget -= s.bins[k].size();
        }
        if (buf.hasRemaining()) {
            throw new IllegalArgumentException("CurveSummary bytes have " + buf.remaining() + " trailing bytes");
        }
        try {
            s.fittedPoints = s.bins[CurveSummary.STABLE].totalCount();
            s.totalPoints = Math.addExact(
                    s.fittedPoints,
                    Math.addExact(s.bins[CurveSummary.WARMUP].totalCount(), s.bins[CurveSummary.ANNEAL].totalCount()));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("CurveSummary bin counts overflow", e);
        }
        checkConsistent(s, ring);
        return s;
    }

    /** Rejects decoded state that {@link CurveSummary#add} could never have produced. */
    private static void checkConsistent(CurveSummary s, int ring) {
        boolean any = s.totalPoints > 0;
        boolean extremesOk = any
                ? isPositiveFinite(s.maxD2)
                        && isPositiveFinite(s.minLoss)
                        && isPositiveFinite(s.lastD2)
                        && isPositiveFinite(s.lastLoss)
                : Double.isNaN(s.maxD2)
                        && Double.isNaN(s.minLoss)
                        && Double.isNaN(s.lastD2)
                        && Double.isNaN(s.lastLoss);
        boolean lrOk = (Double.isNaN(s.peakLr) || (s.peakLr >= 0 && s.peakLr < Double.POSITIVE_INFINITY))
                && (Double.isNaN(s.stableLr) || (s.stableLr >= 0 && s.stableLr < Double.POSITIVE_INFINITY))
                && (Double.isNaN(s.peakD2) || isPositiveFinite(s.peakD2));
        if (!extremesOk || !lrOk || ring > s.totalPoints) {
            throw new IllegalArgumentException("CurveSummary bytes are inconsistent: " + s.totalPoints + " points, "
                    + ring + " recent, max D2 " + s.maxD2 + ", min loss " + s.minLoss + ", peak LR " + s.peakLr
                    + ", stable LR " + s.stableLr);
        }
    }

    private static boolean isPositiveFinite(double v) {
        return v > 0 && v < Double.POSITIVE_INFINITY;
    }
}
