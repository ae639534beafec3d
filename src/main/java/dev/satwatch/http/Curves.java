package dev.satwatch.http;

import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.Numbers;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.CurveBin;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.PowerLaw;
import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.ApiJson.CurvePoint;
import dev.satwatch.track.RunState;
import java.util.ArrayList;
import java.util.List;

/**
 * The curves {@code /api/runs/{id}} draws next to the bins, at {@value #POINTS} log-spaced D2 from the first bin to
 * the larger of the target and the last D2:
 *
 * <ul>
 *   <li>fitted: {@code L = E + B·D2^(−α)} with the latest fit's free parameters (D2 in billions), empty until a fit
 *       has finite parameters (the fit's {@code converged} and {@code verdict} in the same answer say how far to
 *       trust it);
 *   <li>predicted: the setting's law {@code L(D1, D2) = A·D1^(−α1)·D2^(−α2+α3·ln D1) + E}, empty without a law or a
 *       D1.
 * </ul>
 *
 * and, from the latest fit, the schedule-aware annealing law's forecast ({@link #schedule}): its curve for the rest of
 * the planned schedule, from the last point to the target, and the loss after a cooldown started now.
 *
 * Stateless and thread-safe.
 */
final class Curves {

    static final int POINTS = 64;

    private Curves() {}

    /** A D2 range in raw tokens. */
    record Range(double from, double to) {}

    /** The D2 range of the curves, or null when the run has no bins yet. */
    static Range range(RunState s) {
        CurveSummary summary = s.fitSplit() == null ? null : s.summary(s.fitSplit());
        if (summary == null || summary.binCount() == 0) {
            return null;
        }
        List<CurveBin> bins = summary.bins();
        double from = bins.get(0).d2() * Numbers.TOKENS_PER_BILLION;
        double to = Math.max(
                summary.maxD2Tokens(), s.meta().targetD2Tokens() > 0 ? s.meta().targetD2Tokens() : 0);
        if (!(from > 0) || !(to > from)) {
            return null;
        }
        return new Range(from, to);
    }

    static List<CurvePoint> fitted(RunState s) {
        FitUpdate f = s.lastFit();
        Range range = range(s);
        PowerLaw curve = f == null ? PowerLaw.NONE : new PowerLaw(f.e(), f.b(), f.alpha());
        if (range == null || !curve.finite()) {
            return List.of();
        }
        List<CurvePoint> out = new ArrayList<>(POINTS);
        for (double d2 : logSpaced(range.from(), range.to())) {
            out.add(new CurvePoint(d2, curve.at(ReuseLaw.billions(d2))));
        }
        return out;
    }

    static List<CurvePoint> predicted(RunState s, ReuseLaw law) {
        double d1 = s.meta().d1Tokens();
        Range range = range(s);
        if (law == null || range == null || !(d1 > 0)) {
            return List.of();
        }
        List<CurvePoint> out = new ArrayList<>(POINTS);
        for (double d2 : logSpaced(range.from(), range.to())) {
            out.add(new CurvePoint(d2, law.loss(ReuseLaw.billions(d1), ReuseLaw.billions(d2))));
        }
        return out;
    }

    /**
     * The latest fit's schedule forecast when the annealing law made one ({@link ScheduleForecast#predicted()});
     * null before the first fit, for a fit without one, and for one that says why it could not be made.
     */
    static ScheduleForecast schedule(RunState s) {
        FitUpdate f = s.lastFit();
        ScheduleForecast forecast = f == null ? null : f.schedule();
        return forecast != null && forecast.predicted() ? forecast : null;
    }

    private static double[] logSpaced(double from, double to) {
        double[] out = new double[POINTS];
        double a = Math.log(from);
        double step = (Math.log(to) - a) / (POINTS - 1);
        for (int i = 0; i < POINTS; i++) {
            out[i] = Math.exp(a + i * step);
        }
        out[POINTS - 1] = to;
        return out;
    }
}
