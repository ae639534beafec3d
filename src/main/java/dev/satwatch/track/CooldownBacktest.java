package dev.satwatch.track;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.fit.AnnealingFit;
import dev.satwatch.fit.AnnealingJointFit;
import dev.satwatch.fit.AnnealingPoints;
import dev.satwatch.fit.AnnealingResult;
import dev.satwatch.fit.CooldownModel;
import dev.satwatch.fit.MultiPowerJointFit;
import dev.satwatch.fit.MultiPowerLaw;
import dev.satwatch.fit.ScheduleState;
import dev.satwatch.track.CooldownTrajectories.After;
import dev.satwatch.track.CooldownTrajectories.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cooldown backtest of DESIGN §4b (issue 13): predicts the final loss of every finished branch run (a run whose
 * {@code run_started} names {@code branch_of}) from its parent's points up to the branch point and the branch's own
 * LR schedule, with the multi-power law {@code ln L = L0 + A·S1^(−α) − B·LD} ({@link MultiPowerLaw}; the default,
 * {@link CooldownModel#DEFAULT}) or the annealing law {@code ln L = L0 + A·S1^(−α) − C·S2}. Both are calibrated the
 * same way: below, read (α, B, C, β, γ) and LD for the multi-power law where (α, C, λ) and S2 stand.
 *
 * <h2>Method</h2>
 *
 * <ol>
 *   <li><b>Trajectory.</b> For each branch: the parent's points of the branch's split (val if it has one) up to the
 *       branch point, then the branch's LR path: its logged LRs when it logs at least two points after the branch
 *       point, else its planned {@code schedule} (spanning the branch point to its target, sampled at
 *       {@value #SCHEDULE_KNOTS} knots), else its logged LRs. A {@link ScheduleState} runs along it; its S1, S2 at
 *       each of the branch's points are what the law is evaluated at. Finished runs that are not branches and whose
 *       LR falls below {@value #DECAY_START} × its peak are trajectories too (their points before the fall are the
 *       prefix).
 *   <li><b>α, C and λ, per setting.</b> For the branch being predicted they come from one joint fit
 *       ({@link AnnealingJointFit}) of the setting's other trajectories, leaving out the branch, its siblings (same
 *       parent, same branch point) and its parent's own decay; each trajectory keeps its own L0 and A (the runs of a
 *       setting start from different levels). Prefix points weigh their token spacing over the branch point's D2,
 *       after a burn-in ({@value #BURN_IN} of it); the points after the prefix weigh 1 per trajectory in all.
 *   <li><b>Log space.</b> Every fit models {@code ln L}, so the annealing gain is relative to the loss level
 *       (measured better than the loss on all three backtested datasets, BENCHMARKS §9).
 *   <li><b>Prediction.</b> L0 and A from the branch's prefix points after the burn-in, with α, C and λ given
 *       ({@link AnnealingFit#fitFixed}); {@code exp} of the law at the branch's last point. Its 95 % interval (in
 *       log space) adds the prefix fit's covariance and the spread of C between calibration trajectories
 *       ({@code S2²·(1.4826·MAD(C_j))²}, C_j each trajectory's own C at the shared α and λ).
 * </ol>
 *
 * Steps: a point's {@code step} when logged, else {@code d2 / tokens_per_step} (the branch's, else the parent's,
 * else inferred from the parent's logged steps). Pure and thread-safe (immutable; state is per call).
 */
public final class CooldownBacktest {

    /**
     * Fraction of the branch point's D2 before which prefix points are not fitted: the early curve is not the
     * power law in S1 the late one follows (on the schaipp and reuse curves the stable-phase extrapolation error
     * fell from ~1 % at 0.1 to ~0.4-0.8 % at 0.5).
     */
    static final double BURN_IN = 0.5;

    /** Fewest prefix points fitted: when the burn-in leaves fewer, earlier points are taken back. */
    static final int MIN_PREFIX_POINTS = 6;

    /** Knots at which a planned schedule is sampled (the state interpolates linearly between them). */
    static final int SCHEDULE_KNOTS = 256;

    /** A finished run's decay starts at its first point whose LR is below this fraction of its peak. */
    static final double DECAY_START = 0.99;

    private static final double Z95 = 1.959963984540054;

    /** The model {@link #create()} uses (BENCHMARKS §9). */
    public static final CooldownModel DEFAULT_MODEL = CooldownModel.DEFAULT;

    private final CooldownModel model;
    private final AnnealingFit fitter;
    private final AnnealingJointFit joint;
    private final MultiPowerJointFit multiPower;
    private final boolean positionWeighted;

    private CooldownBacktest(
            CooldownModel model,
            AnnealingFit fitter,
            AnnealingJointFit joint,
            MultiPowerJointFit multiPower,
            boolean positionWeighted) {
        this.model = model;
        this.fitter = fitter;
        this.joint = joint;
        this.multiPower = multiPower;
        this.positionWeighted = positionWeighted;
    }

    /**
     * This backtest with the multi-power cooldown amplitude B pooled over the setting (one B for every branch, as
     * before {@link CooldownAmplitude}), for comparison.
     */
    public CooldownBacktest withPooledAmplitude() {
        return new CooldownBacktest(model, fitter, joint, multiPower, false);
    }

    /** The backtest with the default model ({@link #DEFAULT_MODEL}). */
    public static CooldownBacktest create() {
        return create(DEFAULT_MODEL);
    }

    /** The backtest with the given model. */
    public static CooldownBacktest create(CooldownModel model) {
        return new CooldownBacktest(
                model, AnnealingFit.create(), AnnealingJointFit.create(), MultiPowerJointFit.create(), true);
    }

    /** The model this backtest uses. */
    public CooldownModel model() {
        return model;
    }

    /**
     * One run's events, gathered.
     *
     * @param runId the run
     * @param started its {@code run_started} (schedule and branch fields); null when it sent none
     * @param meta merged metadata
     * @param pointsBySplit loss points per split, each sorted by D2
     * @param finishStatus the {@code run_finished} status; null while running
     */
    public record Run(
            String runId,
            RunStarted started,
            RunMeta meta,
            Map<String, List<LossPoint>> pointsBySplit,
            String finishStatus) {

        boolean isBranch() {
            return started != null && started.branchOf() != null;
        }

        List<LossPoint> points(String split) {
            return pointsBySplit.getOrDefault(split, List.of());
        }

        String preferredSplit() {
            if (pointsBySplit.containsKey(LossPoint.VAL)) {
                return LossPoint.VAL;
            }
            if (pointsBySplit.containsKey(LossPoint.TRAIN)) {
                return LossPoint.TRAIN;
            }
            return pointsBySplit.isEmpty()
                    ? null
                    : pointsBySplit.keySet().iterator().next();
        }
    }

    /**
     * One predicted branch.
     *
     * @param runId the branch
     * @param branchOf its parent
     * @param branchAtD2Tokens where it branches
     * @param cooldownTokens tokens from the branch point to its last point
     * @param predictedFinalLoss the law's loss at its last point; NaN when it could not be predicted
     * @param predictedFinalLossLow lower end of the 95 % interval; NaN when unknown
     * @param predictedFinalLossHigh upper end of the 95 % interval; NaN when unknown
     * @param actualFinalLoss the branch's last loss
     * @param relErr (predicted − actual) / actual
     * @param note why there is no prediction, else null
     */
    public record Branch(
            String runId,
            String branchOf,
            double branchAtD2Tokens,
            double cooldownTokens,
            double predictedFinalLoss,
            double predictedFinalLossLow,
            double predictedFinalLossHigh,
            double actualFinalLoss,
            double relErr,
            String note) {}

    /**
     * The backtest's answer.
     *
     * @param branches every finished branch with points after its branch point, in input order
     * @param meanAbsRelErr mean |rel err| over the predicted branches; NaN when none
     * @param maxAbsRelErr max |rel err| over the predicted branches; NaN when none
     */
    public record Report(List<Branch> branches, double meanAbsRelErr, double maxAbsRelErr) {
        /** Copies the list. */
        public Report {
            branches = List.copyOf(branches);
        }
    }

    /**
     * Predicts every finished branch.
     *
     * @param runs all runs of the input (parents, branches, other finished runs)
     * @param progress receives one line per tenth of the branches done
     */
    public Report run(List<Run> runs, Consumer<String> progress) {
        Map<String, Run> byId = new LinkedHashMap<>();
        runs.forEach(r -> byId.putIfAbsent(r.runId(), r));
        List<Trajectory> trajectories = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        List<Run> branches = new ArrayList<>();
        for (Run r : runs) {
            if (r.isBranch()) {
                if (r.finishStatus() == null) {
                    continue;
                }
                branches.add(r);
                Run parent = byId.get(r.started().branchOf());
                if (parent == null) {
                    notes.put(r.runId(), "parent run '" + r.started().branchOf() + "' is not in the input");
                    continue;
                }
                String why = CooldownTrajectories.branchTrajectory(r, parent, trajectories);
                if (why != null) {
                    notes.put(r.runId(), why);
                }
            } else if (r.finishStatus() != null) {
                CooldownTrajectories.decayTrajectory(r, trajectories);
            }
        }
        Map<String, Trajectory> branchTrajectories = new HashMap<>();
        trajectories.stream().filter(Trajectory::isBranch).forEach(t -> branchTrajectories.put(t.run.runId(), t));
        Map<String, MultiPowerJointFit.Prepared> prepared = new HashMap<>();
        Map<Trajectory, Integer> indexInSetting = new HashMap<>();
        if (model == CooldownModel.MULTIPOWER) {
            Map<String, List<Trajectory>> bySetting = new LinkedHashMap<>();
            trajectories.forEach(t ->
                    bySetting.computeIfAbsent(t.setting, s -> new ArrayList<>()).add(t));
            bySetting.forEach((setting, ts) -> {
                for (int i = 0; i < ts.size(); i++) {
                    indexInSetting.put(ts.get(i), i);
                }
                prepared.put(
                        setting,
                        multiPower.prepare(ts.stream().map(t -> t.multiPower).toList()));
            });
        }
        List<Branch> out = new ArrayList<>();
        int done = 0;
        int step = Math.max(1, branches.size() / 10);
        for (Run b : branches) {
            Trajectory t = branchTrajectories.get(b.runId());
            out.add(
                    t == null
                            ? unpredicted(b, notes.getOrDefault(b.runId(), "no points after the branch point"))
                            : model == CooldownModel.MULTIPOWER
                                    ? predictMultiPower(t, trajectories, prepared.get(t.setting), indexInSetting)
                                    : predict(t, trajectories));
            done++;
            if (done % step == 0 || done == branches.size()) {
                progress.accept("backtest --cooldowns: " + done + "/" + branches.size() + " branches");
            }
        }
        double sum = 0;
        double max = Double.NaN;
        int n = 0;
        for (Branch b : out) {
            if (Double.isFinite(b.relErr())) {
                sum += Math.abs(b.relErr());
                max = Double.isNaN(max) ? Math.abs(b.relErr()) : Math.max(max, Math.abs(b.relErr()));
                n++;
            }
        }
        return new Report(out, n > 0 ? sum / n : Double.NaN, max);
    }

    /**
     * The multi-power prediction: α, B, C, β, γ from the setting's calibration trajectories
     * ({@link MultiPowerJointFit}), L0 and A from the prefix with those given, {@code exp} of the law at the last point
     * (LD from the branch's own path at full resolution). The interval adds the prefix fit's covariance to
     * {@code LD²·(1.4826·MAD(B_j))²}.
     */
    private Branch predictMultiPower(
            Trajectory target,
            List<Trajectory> all,
            MultiPowerJointFit.Prepared prepared,
            Map<Trajectory, Integer> indexInSetting) {
        List<Trajectory> cal = CooldownTrajectories.calibration(target, all);
        Branch unknown = unpredicted(target.run, null);
        if (cal.isEmpty()) {
            return withNote(unknown, "no other cooldown of setting '" + target.setting + "' to calibrate B, C, β, γ");
        }
        boolean[] include = new boolean[prepared.size()];
        cal.forEach(t -> include[indexInSetting.get(t)] = true);
        MultiPowerJointFit.Result law = prepared.fit(include);
        if (!law.ok()) {
            return withNote(unknown, "no calibration cooldown of setting '" + target.setting + "' could be fitted");
        }
        double b = positionB(target, cal, law.perTrajectoryB(), indexInSetting, law.b());
        List<Double> deviations = new ArrayList<>();
        for (double bj : law.perTrajectoryB()) {
            if (Double.isFinite(bj)) {
                deviations.add(Math.abs(bj - b));
            }
        }
        double mad = deviations.size() >= 2 ? 1.4826 * median(deviations) : Double.NaN;
        AnnealingPoints.Builder pre = AnnealingPoints.builder();
        double[] row = new double[ScheduleState.LAMBDA_COUNT];
        for (int i = 0; i < target.prefix.size(); i++) {
            double s1 = target.prefix.s1(i);
            Arrays.fill(row, target.path.ld(s1, target.prefixPieces[i], law.c(), law.beta(), law.gamma()));
            pre.addValue(s1, row, target.prefix.y(i), target.prefix.w(i));
        }
        // The law with the LD column in place of S2: L0 and A by the same weighted regression as the annealing law.
        AnnealingResult fit = fitter.fitFixed(pre.build(), law.alpha(), b, 0);
        if (!Double.isFinite(fit.l0())) {
            return withNote(unknown, "the parent's points up to the branch point could not be fitted");
        }
        After last = target.after.get(target.after.size() - 1);
        double ld = target.path.ld(last.s1(), last.pieces(), law.c(), law.beta(), law.gamma());
        double logPredicted = fit.predict(last.s1(), ld);
        double se = fit.predictStdErr(last.s1(), ld);
        double total = Math.sqrt(se * se + ld * ld * mad * mad);
        return predicted(unknown, logPredicted, total);
    }

    /**
     * The cooldown amplitude B for the target: the calibration cooldowns' own B_j (each at the shared α, C, β, γ)
     * regressed on where each started ({@link CooldownAmplitude}: ln D2 and ln(D1 + D2), bandwidths by leave-one-out
     * cross-validation); the pooled B when no B_j is finite and positive, or when weighting is off.
     */
    private double positionB(
            Trajectory target,
            List<Trajectory> cal,
            double[] perB,
            Map<Trajectory, Integer> indexInSetting,
            double pooled) {
        if (!positionWeighted || !(target.branchAt > 0)) {
            return pooled;
        }
        List<CooldownAmplitude.Sample> samples = new ArrayList<>();
        for (Trajectory t : cal) {
            double bj = perB[indexInSetting.get(t)];
            if (Double.isFinite(bj) && bj > 0 && t.branchAt > 0) {
                samples.add(new CooldownAmplitude.Sample(Math.log(t.branchAt), Math.log(t.d1 + t.branchAt), bj));
            }
        }
        double b = CooldownAmplitude.at(samples, Math.log(target.branchAt), Math.log(target.d1 + target.branchAt))
                .b();
        return Double.isNaN(b) ? pooled : b;
    }

    private static Branch predicted(Branch unknown, double logPredicted, double total) {
        double predicted = Math.exp(logPredicted);
        return new Branch(
                unknown.runId(),
                unknown.branchOf(),
                unknown.branchAtD2Tokens(),
                unknown.cooldownTokens(),
                predicted,
                Math.exp(logPredicted - Z95 * total),
                Math.exp(logPredicted + Z95 * total),
                unknown.actualFinalLoss(),
                (predicted - unknown.actualFinalLoss()) / unknown.actualFinalLoss(),
                null);
    }

    private Branch predict(Trajectory target, List<Trajectory> all) {
        List<Trajectory> cal = CooldownTrajectories.calibration(target, all);
        Branch unknown = unpredicted(target.run, null);
        if (cal.isEmpty()) {
            return withNote(unknown, "no other cooldown of setting '" + target.setting + "' to calibrate C");
        }
        AnnealingJointFit.Result law = joint.fit(cal.stream().map(t -> t.joint).toList());
        if (!law.ok()) {
            return withNote(unknown, "no calibration cooldown of setting '" + target.setting + "' could be fitted");
        }
        int k = law.lambdaIndex();
        double c = law.c();
        List<Double> deviations = new ArrayList<>();
        for (double cj : law.perTrajectoryC()) {
            if (Double.isFinite(cj)) {
                deviations.add(Math.abs(cj - c));
            }
        }
        double mad = deviations.size() >= 2 ? 1.4826 * median(deviations) : Double.NaN;
        AnnealingResult fit = fitter.fitFixed(target.prefix, law.alpha(), c, k);
        if (!Double.isFinite(fit.l0())) {
            return withNote(unknown, "the parent's points up to the branch point could not be fitted");
        }
        After last = target.after.get(target.after.size() - 1);
        double logPredicted = fit.predict(last.s1(), last.s2()[k]);
        double se = fit.predictStdErr(last.s1(), last.s2()[k]);
        double s2 = last.s2()[k];
        double total = Math.sqrt(se * se + s2 * s2 * mad * mad);
        return predicted(unknown, logPredicted, total);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    private static Branch withNote(Branch b, String note) {
        return new Branch(
                b.runId(),
                b.branchOf(),
                b.branchAtD2Tokens(),
                b.cooldownTokens(),
                Double.NaN,
                Double.NaN,
                Double.NaN,
                b.actualFinalLoss(),
                Double.NaN,
                note);
    }

    private static Branch unpredicted(Run b, String note) {
        double at = b.started().branchAtD2Tokens();
        String split = b.preferredSplit();
        List<LossPoint> pts = split == null ? List.of() : b.points(split);
        LossPoint last = null;
        for (LossPoint p : pts) {
            if (!(p.d2Tokens() <= at) && Double.isFinite(p.loss())) {
                last = p;
            }
        }
        double actual = last == null ? Double.NaN : last.loss();
        double cooldown = last == null ? Double.NaN : last.d2Tokens() - at;
        return new Branch(
                b.runId(),
                b.started().branchOf(),
                at,
                cooldown,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                actual,
                Double.NaN,
                note);
    }
}
