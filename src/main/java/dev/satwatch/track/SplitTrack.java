package dev.satwatch.track;

import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.ScheduleSummary;
import dev.satwatch.fit.SummaryConfig;

/**
 * Per-split part of a {@link RunState}: the curve summary, the seen steps (dedupe), and the short memory the point
 * rules need (rise streak, previous in-order point, whether the previous point was a spike). Package-private,
 * mutable, one owner.
 */
final class SplitTrack {

    final CurveSummary summary;
    /** Every point's schedule sums and bins (DESIGN §4b); stored at the end of the run state (version 5). */
    ScheduleSummary schedule = new ScheduleSummary();

    final StepSet steps;
    final StepSet tokens;
    long unplaced;
    int risingPoints;
    double riseStartLoss = Double.NaN;
    double prevLoss = Double.NaN;
    double prevD2 = Double.NaN;
    boolean lastWasSpike;
    /** Exponentially weighted mean of |log residual| of non-spike points against the decision curve; NaN before. */
    double absResidualEwma = Double.NaN;

    private SplitTrack(CurveSummary summary, StepSet steps, StepSet tokens) {
        this.summary = summary;
        this.steps = steps;
        this.tokens = tokens;
    }

    static SplitTrack create(SummaryConfig config) {
        return new SplitTrack(CurveSummary.create(config), new StepSet(), new StepSet());
    }

    void writeTo(Bytes.Writer w) {
        w.putBytes(summary.serializedSize(), summary::writeTo);
        steps.writeTo(w);
        tokens.writeTo(w);
        w.putVarLong(unplaced).putVarLong(risingPoints);
        w.putDouble(riseStartLoss).putDouble(prevLoss).putDouble(prevD2).putDouble(absResidualEwma);
        w.put((byte) (lastWasSpike ? 1 : 0));
    }

    static SplitTrack readFrom(Bytes.Reader r) {
        CurveSummary summary = CurveSummary.fromBytes(r.getBytes(CurveSummary.MAX_SERIALIZED_BYTES));
        SplitTrack t = new SplitTrack(summary, StepSet.readFrom(r), StepSet.readFrom(r));
        t.unplaced = r.getNonNegative(Long.MAX_VALUE);
        t.risingPoints = (int) r.getNonNegative(Integer.MAX_VALUE);
        t.riseStartLoss = r.getDouble();
        t.prevLoss = r.getDouble();
        t.prevD2 = r.getDouble();
        t.absResidualEwma = r.getDouble();
        t.lastWasSpike = r.getBoolean();
        return t;
    }
}
