package dev.satwatch.track;

import dev.satwatch.detect.StopAssessment;
import dev.satwatch.estimate.RunEstimate;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.fit.FitResult;
import java.time.Instant;
import java.util.Locale;

/** Builds {@link FitUpdate}s from estimates and (de)serializes them inside a {@link RunState}. */
final class FitUpdates {

    private FitUpdates() {}

    /** The fit update of one estimate: the free fit's numbers, as {@code satwatch fit --json} reports them. */
    static FitUpdate of(RunEstimate est, StopAssessment stop, Instant ts, long sequence) {
        FitResult fit = est.fit();
        return new FitUpdate(
                est.runId(),
                est.setting(),
                est.split(),
                ts,
                sequence,
                est.d1Tokens(),
                est.targetD2Tokens(),
                est.d2Tokens(),
                est.lastLoss(),
                est.pointsUsed(),
                fit.alpha(),
                fit.alphaCiLow(),
                fit.alphaCiHigh(),
                fit.e(),
                fit.b(),
                est.logLog().alpha(),
                est.local().alpha(),
                est.alphaPredicted(),
                est.projectedLossAtTarget(),
                est.projectedLossCiLow(),
                est.projectedLossCiHigh(),
                est.gainPerBillionTokens(),
                est.remainingGain(),
                stop.lossGivenUp(),
                stop.lossGivenUpUpper(),
                stop.tokensSaved(),
                fit.converged(),
                fit.reliable(),
                fit.reliability().name().toLowerCase(Locale.ROOT));
    }

    static void writeTo(Bytes.Writer w, FitUpdate f) {
        w.putString(f.runId()).putString(f.setting()).putString(f.split()).putString(f.verdict());
        w.put((byte) ((f.ts() != null ? 1 : 0) | (f.converged() ? 2 : 0) | (f.reliable() ? 4 : 0)));
        if (f.ts() != null) {
            w.putSignedVarLong(f.ts().getEpochSecond()).putVarLong(f.ts().getNano());
        }
        w.putVarLong(f.sequence()).putVarLong(f.pointsUsed());
        for (double v : new double[] {
            f.d1Tokens(),
            f.targetD2Tokens(),
            f.d2Tokens(),
            f.lastLoss(),
            f.alpha(),
            f.alphaCiLow(),
            f.alphaCiHigh(),
            f.e(),
            f.b(),
            f.alphaLogLog(),
            f.alphaLocal(),
            f.alphaPredicted(),
            f.projectedLossAtTarget(),
            f.projectedLossCiLow(),
            f.projectedLossCiHigh(),
            f.gainPerBillionTokens(),
            f.remainingGain(),
            f.lossGivenUp(),
            f.lossGivenUpUpper(),
            f.tokensSaved()
        }) {
            w.putDouble(v);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote; {@code withStop} false reads the older form without the early-stop numbers
     * (they come back NaN).
     */
    static FitUpdate readFrom(Bytes.Reader r, boolean withStop) {
        String runId = r.getString();
        String setting = r.getString();
        String split = r.getString();
        String verdict = r.getString();
        int flags = r.get();
        if ((flags & ~7) != 0) {
            throw new IllegalArgumentException("run state: bad fit flags " + flags);
        }
        Instant ts = null;
        if ((flags & 1) != 0) {
            long sec = r.getSignedVarLong();
            long nano = r.getNonNegative(999_999_999L);
            try {
                ts = Instant.ofEpochSecond(sec, nano);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("run state: bad fit time", e);
            }
        }
        long sequence = r.getNonNegative(Long.MAX_VALUE);
        long points = r.getNonNegative(Long.MAX_VALUE);
        double[] v = new double[20];
        java.util.Arrays.fill(v, Double.NaN);
        for (int i = 0; i < (withStop ? 20 : 17); i++) {
            v[i] = r.getDouble();
        }
        return new FitUpdate(
                runId,
                setting,
                split,
                ts,
                sequence,
                v[0],
                v[1],
                v[2],
                v[3],
                points,
                v[4],
                v[5],
                v[6],
                v[7],
                v[8],
                v[9],
                v[10],
                v[11],
                v[12],
                v[13],
                v[14],
                v[15],
                v[16],
                v[17],
                v[18],
                v[19],
                (flags & 2) != 0,
                (flags & 4) != 0,
                verdict);
    }
}
