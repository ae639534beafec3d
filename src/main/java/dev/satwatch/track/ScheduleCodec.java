package dev.satwatch.track;

import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.ScheduleSummary;
import java.util.Map;

/**
 * The schedule part of a {@link RunState}'s bytes (version 5, at the very end): the planned schedule, each split's
 * {@link ScheduleSummary} in the order of the splits, and the last fit's {@link ScheduleForecast}. Package-private;
 * throws {@link IllegalArgumentException} on bytes it did not write.
 */
final class ScheduleCodec {

    /** Most knots of a forecast's curve read back (the writer writes {@code SchedulePrediction.KNOTS}). */
    private static final int MAX_KNOTS = 256;

    private ScheduleCodec() {}

    static void writeTo(Bytes.Writer w, PlannedSchedule planned, Map<String, SplitTrack> splits, FitUpdate lastFit) {
        w.put((byte) (planned != null ? 1 : 0));
        if (planned != null) {
            w.putString(planned.type()).putString(planned.cooldownShape());
            w.putDouble(planned.warmupTokens()).putDouble(planned.cooldownFraction());
            w.putDouble(planned.peakLr()).putDouble(planned.finalLr());
        }
        w.putVarLong(splits.size());
        for (SplitTrack t : splits.values()) {
            w.putBytes(t.schedule.toBytes());
        }
        ScheduleForecast f = lastFit == null ? null : lastFit.schedule();
        w.put((byte) (f != null ? 1 : 0));
        if (f != null) {
            for (double v : new double[] {
                f.d2Tokens(),
                f.targetD2Tokens(),
                f.cooldownTokens(),
                f.finalLoss(),
                f.finalLow(),
                f.finalHigh(),
                f.cooldownNowLoss(),
                f.cooldownNowLow(),
                f.cooldownNowHigh(),
                f.lossGivenUp(),
                f.lossGivenUpUpper()
            }) {
                w.putDouble(v);
            }
            // The curve's D2 values are its knots (ScheduleForecast#knotD2); its losses are floats.
            double[] curve = f.curveLoss();
            w.putVarLong(curve.length);
            for (double v : curve) {
                w.putFloat((float) v);
            }
            w.put((byte) (f.cKnown() ? 1 : 0));
            w.putString(f.scheduleSource()).putString(f.note());
        }
    }

    /** Reads the planned schedule and the splits' summaries (into {@code splits}, already read). */
    static PlannedSchedule readFrom(Bytes.Reader r, Map<String, SplitTrack> splits) {
        PlannedSchedule planned = null;
        if (r.getBoolean()) {
            String type = r.getString();
            String shape = r.getString();
            if (!PlannedSchedule.isType(type)) {
                throw new IllegalArgumentException("run state: bad schedule type " + type);
            }
            planned = new PlannedSchedule(type, r.getDouble(), r.getDouble(), shape, r.getDouble(), r.getDouble());
        }
        int n = (int) r.getNonNegative(RunState.MAX_SPLITS);
        if (n != splits.size()) {
            throw new IllegalArgumentException(
                    "run state: " + n + " schedule summaries for " + splits.size() + " splits");
        }
        for (SplitTrack t : splits.values()) {
            t.schedule = ScheduleSummary.fromBytes(r.getBytes(ScheduleSummary.MAX_SERIALIZED_BYTES));
        }
        return planned;
    }

    /** Reads the last fit's forecast; null when none was written. */
    static ScheduleForecast readForecast(Bytes.Reader r) {
        if (!r.getBoolean()) {
            return null;
        }
        double[] v = new double[11];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.getDouble();
        }
        double[] loss = new double[(int) r.getNonNegative(MAX_KNOTS)];
        double[] d2 = new double[loss.length];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = r.getFloat();
            d2[i] = ScheduleForecast.knotD2(v[0], v[1], i + 1, loss.length);
        }
        boolean cKnown = r.getBoolean();
        String source = r.getString();
        String note = r.getString();
        return new ScheduleForecast(
                v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], d2, loss, cKnown, source, note);
    }
}
