package dev.satwatch.track;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunMeta;
import dev.satwatch.fit.AnnealingPoints;
import dev.satwatch.fit.MultiPowerJointFit;
import dev.satwatch.fit.MultiPowerLaw;
import dev.satwatch.fit.ScheduleState;
import dev.satwatch.track.CooldownBacktest.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The trajectories of {@link CooldownBacktest}: each finished branch's (its parent's prefix, then its own LR path) and
 * each finished non-branch run's own decay, with the annealing sums and multi-power LR drops along them, and which of
 * a setting's trajectories may calibrate a branch. Stateless; a {@link Trajectory} is not changed after construction.
 */
final class CooldownTrajectories {

    /**
     * Points after the branch point a trajectory contributes to the multi-power calibration (evenly spread, the last
     * one always in): LD costs one {@code pow} per LR-drop piece before each point, and these points weigh 1 per
     * trajectory in all however many there are.
     */
    static final int MULTIPOWER_AFTER_POINTS = 12;

    private CooldownTrajectories() {}

    /** A point after the prefix: its sums, its multi-power mark (LR-drop pieces before it) and its loss. */
    record After(double s1, double[] s2, int pieces, double y, double d2) {}

    /** A prefix and the points after it, in one setting. */
    static final class Trajectory {
        final Run run;
        final String parentId;
        final String setting;
        final double branchAt;
        /** The base model's pretraining tokens D1 (the run's, else its parent's); 0 for a from-scratch run. */
        final double d1;

        final AnnealingPoints prefix;
        final List<After> after;
        /** The prefix points and the points after it, as one trajectory of the setting's joint fit. */
        final AnnealingPoints joint;
        /** The LR drops along the trajectory (multi-power law). */
        final MultiPowerLaw.Path path;
        /** Each prefix point's mark in {@link #path}. */
        final int[] prefixPieces;
        /** The trajectory for the multi-power calibration (the points after the prefix thinned). */
        final MultiPowerJointFit.Trajectory multiPower;

        Trajectory(
                Run run,
                String parentId,
                String setting,
                double branchAt,
                double d1,
                AnnealingPoints prefix,
                int[] prefixPieces,
                List<After> after,
                MultiPowerLaw.Path path) {
            this.run = run;
            this.parentId = parentId;
            this.setting = setting;
            this.branchAt = branchAt;
            this.d1 = d1;
            this.prefix = prefix;
            this.prefixPieces = prefixPieces;
            this.after = after;
            this.path = path;
            AnnealingPoints.Builder b = AnnealingPoints.builder();
            double[] row = new double[ScheduleState.LAMBDA_COUNT];
            for (int i = 0; i < prefix.size(); i++) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = prefix.s2(k, i);
                }
                b.addValue(prefix.s1(i), row, prefix.y(i), prefix.w(i));
            }
            // The points after the prefix weigh 1 in all, each its share of the span after the branch point: a
            // branch that logs only its final loss weighs as much as one logged every 200 steps.
            double span = after.isEmpty() ? 0 : after.get(after.size() - 1).d2() - branchAt;
            double previous = branchAt;
            for (After q : after) {
                double w = span > 0 ? (q.d2() - previous) / span : 1.0 / after.size();
                b.addValue(q.s1(), q.s2(), Math.log(q.y()), w > 0 ? w : 1e-6);
                previous = q.d2();
            }
            this.joint = b.build();
            this.multiPower = multiPowerTrajectory();
        }

        private MultiPowerJointFit.Trajectory multiPowerTrajectory() {
            List<After> kept = new ArrayList<>();
            int n = after.size();
            int keep = Math.min(n, MULTIPOWER_AFTER_POINTS);
            for (int j = 1; j <= keep; j++) {
                kept.add(after.get((int) Math.round((double) j * n / keep) - 1));
            }
            int m = prefix.size() + kept.size();
            double[] s1 = new double[m];
            int[] pieces = new int[m];
            double[] y = new double[m];
            double[] w = new double[m];
            for (int i = 0; i < prefix.size(); i++) {
                s1[i] = prefix.s1(i);
                pieces[i] = prefixPieces[i];
                y[i] = prefix.y(i);
                w[i] = prefix.w(i);
            }
            double span = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).d2() - branchAt;
            double previous = branchAt;
            int i = prefix.size();
            for (After q : kept) {
                double wq = span > 0 ? (q.d2() - previous) / span : 1.0 / kept.size();
                s1[i] = q.s1();
                pieces[i] = q.pieces();
                y[i] = Math.log(q.y());
                w[i] = wq > 0 ? wq : 1e-6;
                previous = q.d2();
                i++;
            }
            return new MultiPowerJointFit.Trajectory(s1, pieces, y, w, path);
        }

        boolean isBranch() {
            return run.isBranch();
        }
    }

    /** The setting's trajectories that may calibrate the target: not it, its siblings or its parent's decay. */
    static List<Trajectory> calibration(Trajectory target, List<Trajectory> all) {
        List<Trajectory> cal = new ArrayList<>();
        for (Trajectory t : all) {
            if (t == target || !t.setting.equals(target.setting)) {
                continue;
            }
            boolean sibling = t.isBranch() && t.parentId.equals(target.parentId) && sameD2(t.branchAt, target.branchAt);
            boolean parentDecay = !t.isBranch() && t.run.runId().equals(target.parentId);
            if (!sibling && !parentDecay) {
                cal.add(t);
            }
        }
        return cal;
    }

    private static boolean sameD2(double a, double b) {
        return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    }

    /** The run's D1, else its parent's; 0 when neither has a positive one (a from-scratch run). */
    private static double d1Of(Run r, Run parent) {
        for (Run x : new Run[] {r, parent}) {
            if (x.meta() != null && x.meta().isReuse()) {
                return x.meta().d1Tokens();
            }
        }
        return 0;
    }

    private static String settingOf(Run r) {
        return r.meta() != null ? r.meta().settingOrDefault() : RunMeta.DEFAULT_SETTING;
    }

    /** Adds the branch's trajectory; returns why it has none, else null. */
    static String branchTrajectory(Run b, Run parent, List<Trajectory> out) {
        double at = b.started().branchAtD2Tokens();
        String split = b.preferredSplit();
        if (split == null) {
            return "no loss points";
        }
        if (Double.isNaN(at)) {
            return "no branch_at_d2_tokens";
        }
        List<LossPoint> prefix = new ArrayList<>();
        for (LossPoint p : parent.points(split)) {
            if (p.d2Tokens() <= at * (1 + 1e-9) && Double.isFinite(p.loss())) {
                prefix.add(p);
            }
        }
        List<LossPoint> after = new ArrayList<>();
        for (LossPoint p : b.points(split)) {
            if (p.d2Tokens() > at * (1 + 1e-9) && Double.isFinite(p.loss())) {
                after.add(p);
            }
        }
        if (after.isEmpty()) {
            return "no points after the branch point";
        }
        if (prefix.isEmpty()) {
            return "the parent has no '" + split + "' points up to the branch point";
        }
        double tps = tokensPerStep(b.meta(), parent.meta(), prefix);
        Walk state = new Walk();
        AnnealingPoints.Builder pre = AnnealingPoints.builder();
        int firstFitted = firstFitted(prefix, at);
        double previousD2 = 0;
        for (int i = 0; i < prefix.size(); i++) {
            LossPoint p = prefix.get(i);
            double s = stepOf(p, tps);
            if (Double.isNaN(s)) {
                return "no step or tokens_per_step to place the parent's points";
            }
            state.advance(s, p.lr());
            if (i >= firstFitted) {
                addLog(pre, state, p.loss(), weight(p.d2Tokens(), previousD2, at));
            }
            previousD2 = p.d2Tokens();
        }
        PlannedSchedule schedule = b.started().schedule();
        long loggedLrs = after.stream().filter(p -> Double.isFinite(p.lr())).count();
        List<After> points = new ArrayList<>();
        if (loggedLrs < 2 && schedule != null && Double.isFinite(tps) && Double.isFinite(schedule.peakLr())) {
            double end = Double.isFinite(b.meta().targetD2Tokens())
                    ? b.meta().targetD2Tokens()
                    : after.get(after.size() - 1).d2Tokens();
            double start = Math.max(at, state.step() * tps);
            int j = 0;
            for (int knot = 1; knot <= CooldownBacktest.SCHEDULE_KNOTS; knot++) {
                double d2 = start + (end - start) * knot / CooldownBacktest.SCHEDULE_KNOTS;
                while (j < after.size() && after.get(j).d2Tokens() <= d2) {
                    LossPoint p = after.get(j++);
                    state.advance(p.d2Tokens() / tps, schedule.lrAt(p.d2Tokens(), at, end));
                    points.add(after(state, p));
                }
                state.advance(d2 / tps, schedule.lrAt(d2, at, end));
            }
            while (j < after.size()) {
                LossPoint p = after.get(j++);
                state.advance(p.d2Tokens() / tps, schedule.lrAt(p.d2Tokens(), at, end));
                points.add(after(state, p));
            }
        } else {
            for (LossPoint p : after) {
                double s = stepOf(p, tps);
                if (Double.isNaN(s)) {
                    return "no step or tokens_per_step to place the branch's points";
                }
                state.advance(s, p.lr());
                points.add(after(state, p));
            }
        }
        String setting =
                b.meta() != null && b.meta().setting() != null ? b.meta().setting() : settingOf(parent);
        out.add(new Trajectory(
                b,
                parent.runId(),
                setting,
                at,
                d1Of(b, parent),
                pre.build(),
                state.prefixPieces(),
                points,
                state.path));
        return null;
    }

    /** Adds a finished run's own decay as a calibration trajectory, when it has one. */
    static void decayTrajectory(Run r, List<Trajectory> out) {
        String split = r.preferredSplit();
        if (split == null) {
            return;
        }
        List<LossPoint> pts = r.points(split).stream()
                .filter(p -> Double.isFinite(p.loss()) && Double.isFinite(p.lr()))
                .sorted(Comparator.comparingDouble(LossPoint::d2Tokens))
                .toList();
        double peak = 0;
        int decay = -1;
        for (int i = 0; i < pts.size(); i++) {
            peak = Math.max(peak, pts.get(i).lr());
            if (pts.get(i).lr() < CooldownBacktest.DECAY_START * peak) {
                decay = i;
                break;
            }
        }
        if (decay < 1) {
            return;
        }
        double tps = tokensPerStep(r.meta(), RunMeta.EMPTY, pts);
        double at = pts.get(decay - 1).d2Tokens();
        int firstFitted = firstFitted(pts.subList(0, decay), at);
        Walk state = new Walk();
        AnnealingPoints.Builder pre = AnnealingPoints.builder();
        List<After> after = new ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            LossPoint p = pts.get(i);
            double s = stepOf(p, tps);
            if (Double.isNaN(s)) {
                return;
            }
            state.advance(s, p.lr());
            if (i < decay) {
                if (i >= firstFitted) {
                    addLog(
                            pre,
                            state,
                            p.loss(),
                            weight(p.d2Tokens(), i > 0 ? pts.get(i - 1).d2Tokens() : 0, at));
                }
            } else {
                after.add(after(state, p));
            }
        }
        out.add(new Trajectory(
                r, r.runId(), settingOf(r), at, d1Of(r, r), pre.build(), state.prefixPieces(), after, state.path));
    }

    /**
     * The index of the first prefix point fitted: the first at or after {@link CooldownBacktest#BURN_IN} of the branch point's D2,
     * moved back so that at least {@link CooldownBacktest#MIN_PREFIX_POINTS} are fitted when the prefix has them.
     */
    private static int firstFitted(List<LossPoint> prefix, double at) {
        int first = prefix.size();
        for (int i = 0; i < prefix.size(); i++) {
            if (prefix.get(i).d2Tokens() >= CooldownBacktest.BURN_IN * at) {
                first = i;
                break;
            }
        }
        return Math.max(0, Math.min(first, prefix.size() - CooldownBacktest.MIN_PREFIX_POINTS));
    }

    /**
     * A prefix point's weight: the tokens since the previous point, as a fraction of the branch point's D2, so that
     * a log-spaced log (dense early) does not let the early curve outweigh the late one.
     */
    private static double weight(double d2, double previousD2, double at) {
        double gap = (d2 - previousD2) / at;
        return gap > 0 ? gap : 1e-6;
    }

    /**
     * The annealing sums and the multi-power LR drops along one trajectory, advanced together. A trajectory whose
     * first point is after step 0 with a logged LR starts with a linear warmup from LR 0 at step 0 to that LR at
     * that point: its steps before the first point count their warmup area in S1 (and, being a rise to a new
     * maximum, nothing in S2 or the LR drops), not the first LR's (a run that logs from step 200, mid-warmup, would
     * otherwise count 200 steps at that LR).
     */
    static final class Walk {
        final ScheduleState state = new ScheduleState();
        final MultiPowerLaw.Path path = new MultiPowerLaw.Path();
        private final List<Integer> prefixPieces = new ArrayList<>();
        private boolean started;

        void advance(double toStep, double lr) {
            if (!started && toStep > 0 && lr > 0 && Double.isFinite(lr)) {
                state.advance(0, 0);
                path.advance(0, 0);
            }
            started = true;
            state.advance(toStep, lr);
            path.advance(toStep, lr);
        }

        double step() {
            return state.step();
        }

        int[] prefixPieces() {
            return prefixPieces.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Adds {@code ln loss} at the state's sums (and its mark): the law is fitted in log space. */
    private static void addLog(AnnealingPoints.Builder b, Walk walk, double loss, double weight) {
        if (!(loss > 0)) {
            return;
        }
        ScheduleState state = walk.state;
        double[] row = new double[ScheduleState.LAMBDA_COUNT];
        for (int k = 0; k < row.length; k++) {
            row[k] = state.s2(k);
        }
        int before = b.size();
        b.addValue(state.s1(), row, Math.log(loss), weight);
        if (b.size() > before) {
            walk.prefixPieces.add(walk.path.pieces());
        }
    }

    private static After after(Walk walk, LossPoint p) {
        ScheduleState state = walk.state;
        double[] s2 = new double[ScheduleState.LAMBDA_COUNT];
        for (int k = 0; k < s2.length; k++) {
            s2[k] = state.s2(k);
        }
        return new After(state.s1(), s2, walk.path.pieces(), p.loss(), p.d2Tokens());
    }

    private static double stepOf(LossPoint p, double tps) {
        if (p.step() >= 0) {
            return p.step();
        }
        return Double.isFinite(tps) ? p.d2Tokens() / tps : Double.NaN;
    }

    /** The branch's tokens per step, else the parent's, else D2/step of the last point that logs its step. */
    private static double tokensPerStep(RunMeta own, RunMeta parent, List<LossPoint> points) {
        if (own != null && own.tokensPerStep() > 0) {
            return own.tokensPerStep();
        }
        if (parent != null && parent.tokensPerStep() > 0) {
            return parent.tokensPerStep();
        }
        for (int i = points.size() - 1; i >= 0; i--) {
            LossPoint p = points.get(i);
            if (p.step() > 0 && p.d2Tokens() > 0) {
                return p.d2Tokens() / p.step();
            }
        }
        return Double.NaN;
    }
}
