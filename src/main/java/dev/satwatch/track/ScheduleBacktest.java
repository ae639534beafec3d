package dev.satwatch.track;

import dev.satwatch.event.LossPoint;
import dev.satwatch.fit.AnnealingFit;
import dev.satwatch.fit.AnnealingHuber;
import dev.satwatch.fit.AnnealingPoints;
import dev.satwatch.fit.AnnealingResult;
import dev.satwatch.fit.ScheduleState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Whole-curve backtests of the annealing law {@code L = L0 + A·S1^(−α) − C·S2} (Tissue et al. 2024, arXiv
 * 2408.11029; DESIGN §4b) across learning-rate schedules (issue 13), on finished runs that log their LR.
 *
 * <ul>
 *   <li>{@link #crossSchedule}: one law (L0, A, α, C and λ shared) fitted jointly on some runs of a setting, e.g.
 *       its constant-LR and cosine runs as Tissue et al. §3 do, then every other run's whole curve predicted from
 *       its LR schedule alone. The law is fitted under a Huber loss on the relative residual, δ = 1e-3
 *       ({@link AnnealingHuber}), as Luo et al. 2025 (arXiv 2503.12811) fit their laws: on the multi-power-law runs
 *       it took the mean error from 0.31 / 0.22 / 0.26 % to 0.21 / 0.19 / 0.23 % (25M / 100M / 400M, BENCHMARKS
 *       §10.1). Each run's error is the mean and the max of {@code |L̂ − L|/L} over its points.
 *   <li>{@link #prefix}: each run's final loss predicted from its own first fraction of points, under the rest of
 *       its schedule (the LRs it logged, i.e. the plan it followed), with C and α free in that prefix, by plain
 *       least squares (the Huber fit made the OLMo-2 ladder's prefix predictions worse: mean |rel err| 0.41 → 0.47 %,
 *       BENCHMARKS §10.1).
 * </ul>
 *
 * <h2>Sums</h2>
 *
 * A {@link ScheduleState} runs along each run's points in step order: S1 and S2 are per optimizer step, with the
 * LR linear between logged points and, by default, constant at the first logged LR before it (a run that starts
 * logging right after its warmup thus counts the warmup at the peak LR, as Tissue et al. §3.4 do). With
 * {@link #withWarmupSteps warmup steps} W given, the LR instead rises linearly from 0 at step 0 to the first logged
 * LR at step {@code min(W, first logged step)} and stays there until the first logged step. Steps are the points'
 * {@code step}, else {@code d2 / tokensPerStep} of the run; a run with neither, or without any logged LR, is not
 * predicted and says why in its note.
 *
 * <p>Pure and thread-safe (immutable; state is per call). No per-dataset constants: the only choices are the
 * fit set (the caller's), the prefix fraction (the caller's), the warmup length (the caller's, 0 unless given),
 * and the warmup rule of {@link #prefix}.
 */
public final class ScheduleBacktest {

    private static final double Z95 = 1.959963984540054;

    /**
     * Points are fitted (and scored) from the first point whose LR reaches this fraction of the prefix's
     * peak: before it the run is still warming up, where the law (which counts the warmup at the peak) does not
     * describe the loss. In {@link #prefix} the peak is the prefix's own.
     */
    static final double WARMUP_DONE = 0.99;

    /** Fewest prefix points {@link #prefix} fits (the law has 4 free parameters plus λ). */
    static final int MIN_PREFIX_POINTS = 8;

    private final AnnealingFit fitter;
    private final AnnealingHuber robust;
    private final double warmupSteps;

    private ScheduleBacktest(AnnealingFit fitter, AnnealingHuber robust, double warmupSteps) {
        this.fitter = fitter;
        this.robust = robust;
        this.warmupSteps = warmupSteps;
    }

    /** The backtest with the default annealing fitters and no warmup before the first logged point. */
    public static ScheduleBacktest create() {
        return new ScheduleBacktest(AnnealingFit.create(), AnnealingHuber.create(), 0);
    }

    /**
     * This backtest with each run's LR rising linearly from 0 at step 0 to its first logged LR over the first
     * {@code steps} steps (or up to the first logged step, when that comes earlier); 0 keeps the first logged LR
     * from step 0.
     *
     * @throws IllegalArgumentException when {@code steps} is negative or not finite
     */
    public ScheduleBacktest withWarmupSteps(double steps) {
        if (!(steps >= 0) || !Double.isFinite(steps)) {
            throw new IllegalArgumentException("warmup steps must be a finite number >= 0, got " + steps);
        }
        return new ScheduleBacktest(fitter, robust, steps);
    }

    /** The warmup length in steps; 0 when the first logged LR is taken from step 0. */
    public double warmupSteps() {
        return warmupSteps;
    }

    /**
     * One finished run: its loss points of one split.
     *
     * @param runId the run
     * @param points its points, any order (sorted by step here)
     * @param tokensPerStep tokens per optimizer step, to derive steps from D2 where a point logs none; 0 or NaN
     *     when unknown
     */
    public record Run(String runId, List<LossPoint> points, double tokensPerStep) {
        /** Copies the list. */
        public Run {
            points = List.copyOf(points);
        }
    }

    /**
     * One run's errors against the law.
     *
     * @param runId the run
     * @param fitted whether the run was in the fit set (its errors are then in-sample)
     * @param points points compared
     * @param meanAbsRelErr mean of {@code |L̂ − L|/L} over its points
     * @param maxAbsRelErr max of the same
     * @param finalPredicted the law at the last point
     * @param finalActual the loss at the last point
     * @param finalRelErr {@code (L̂ − L)/L} at the last point
     * @param note why it was not predicted; null when it was
     */
    public record CurveError(
            String runId,
            boolean fitted,
            int points,
            double meanAbsRelErr,
            double maxAbsRelErr,
            double finalPredicted,
            double finalActual,
            double finalRelErr,
            String note) {}

    /**
     * The cross-schedule result.
     *
     * @param law the law fitted on the fit set
     * @param fitOn the run ids fitted, in input order
     * @param runs every run, fit set first flagged {@code fitted}, in input order
     * @param meanAbsRelErr mean over the predicted runs of their mean |rel err| (each run weighs the same); NaN
     *     when none was predicted
     * @param maxAbsRelErr max |rel err| over every point of the predicted runs
     */
    public record CrossReport(
            AnnealingResult law, List<String> fitOn, List<CurveError> runs, double meanAbsRelErr, double maxAbsRelErr) {
        /** Copies the lists. */
        public CrossReport {
            fitOn = List.copyOf(fitOn);
            runs = List.copyOf(runs);
        }
    }

    /**
     * One run's final loss predicted from its prefix.
     *
     * @param runId the run
     * @param prefixStep the last step of the prefix
     * @param lastStep the run's last step
     * @param fitPoints prefix points fitted
     * @param law the prefix fit
     * @param predictedFinal the law at the last point
     * @param predictedLow lower end of its 95 % interval (delta method on the prefix fit)
     * @param predictedHigh upper end
     * @param actualFinal the loss at the last point
     * @param relErr {@code (predicted − actual)/actual}
     * @param note why it was not predicted; null when it was
     */
    public record PrefixPrediction(
            String runId,
            double prefixStep,
            double lastStep,
            int fitPoints,
            AnnealingResult law,
            double predictedFinal,
            double predictedLow,
            double predictedHigh,
            double actualFinal,
            double relErr,
            String note) {}

    /**
     * The prefix result.
     *
     * @param fraction the prefix fraction of each run's last step
     * @param runs one prediction per run, in input order
     * @param meanAbsRelErr mean |rel err| over the predicted runs; NaN when none
     * @param maxAbsRelErr max |rel err| over the predicted runs; NaN when none
     */
    public record PrefixReport(
            double fraction, List<PrefixPrediction> runs, double meanAbsRelErr, double maxAbsRelErr) {
        /** Copies the list. */
        public PrefixReport {
            runs = List.copyOf(runs);
        }
    }

    /**
     * Fits one law on the runs of {@code fitOn} jointly (every point weighs the same before the Huber reweighting)
     * and predicts every other run's whole curve from its LR schedule.
     *
     * @param runs the runs of one setting (same model, data, batch and peak LR: the law's constants are per setting)
     * @param fitOn ids of the runs to fit; at least one must be among {@code runs}
     * @param progress receives one line per stage (for stderr)
     * @throws IllegalArgumentException when no run of {@code fitOn} is among the runs, or a fit run cannot be used
     */
    public CrossReport crossSchedule(List<Run> runs, Set<String> fitOn, Consumer<String> progress) {
        List<Trajectory> trajectories = new ArrayList<>();
        for (Run r : runs) {
            trajectories.add(Trajectory.of(r, warmupSteps));
        }
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        List<String> fitted = new ArrayList<>();
        int n = 0;
        for (Trajectory t : trajectories) {
            if (!fitOn.contains(t.runId)) {
                continue;
            }
            if (t.note != null) {
                throw new IllegalArgumentException("fit run " + t.runId + " cannot be used: " + t.note);
            }
            for (int i = t.warmupEnd; i < t.size(); i++) {
                b.add(t.s1[i], t.s2[i], t.loss[i], 1.0);
            }
            fitted.add(t.runId);
            n += t.size() - t.warmupEnd;
        }
        if (fitted.isEmpty()) {
            throw new IllegalArgumentException("none of the fit runs " + fitOn + " is among the inputs");
        }
        progress.accept("fitting the annealing law on " + String.join(", ", fitted) + " (" + n + " points, Huber loss"
                + " on the relative residual, delta " + robust.delta() + ")");
        AnnealingResult law = robust.fit(b.build());
        if (!law.converged()) {
            progress.accept("warning: the fit did not converge (alpha at the end of its range, or a singular design"
                    + " such as no LR decay in the fit set, where C is not identified)");
        }
        progress.accept(String.format(
                java.util.Locale.ROOT,
                "law: L0 %.4f, A %.4f, alpha %.4f, C %.4f, lambda %s",
                law.l0(),
                law.a(),
                law.alpha(),
                law.c(),
                law.lambda()));
        List<CurveError> out = new ArrayList<>();
        double sumMean = 0;
        int predicted = 0;
        double max = Double.NaN;
        for (Trajectory t : trajectories) {
            boolean isFit = fitted.contains(t.runId);
            CurveError e = t.errors(law, isFit);
            out.add(e);
            if (!isFit && e.note() == null) {
                sumMean += e.meanAbsRelErr();
                predicted++;
                max = Double.isNaN(max) ? e.maxAbsRelErr() : Math.max(max, e.maxAbsRelErr());
            }
        }
        return new CrossReport(law, fitted, out, predicted == 0 ? Double.NaN : sumMean / predicted, max);
    }

    /**
     * Predicts each run's final loss from its points up to {@code fraction} of its last step: L0, A, α, C free and
     * the best λ, fitted on the prefix points after the warmup ({@link #WARMUP_DONE}); the law is then evaluated at
     * the run's last point, its sums propagated along the LRs the run logged.
     *
     * @param runs finished runs
     * @param fraction the prefix, in (0, 1)
     * @param progress receives one line per run (for stderr)
     */
    public PrefixReport prefix(List<Run> runs, double fraction, Consumer<String> progress) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("prefix fraction must be in (0, 1), got " + fraction);
        }
        List<PrefixPrediction> out = new ArrayList<>();
        double sum = 0;
        double max = Double.NaN;
        int predicted = 0;
        for (Run r : runs) {
            PrefixPrediction p = prefixOne(Trajectory.of(r, warmupSteps), fraction);
            out.add(p);
            if (p.note() == null) {
                sum += Math.abs(p.relErr());
                max = Double.isNaN(max) ? Math.abs(p.relErr()) : Math.max(max, Math.abs(p.relErr()));
                predicted++;
                progress.accept(String.format(
                        java.util.Locale.ROOT,
                        "%s: %d prefix points, predicted %.4f, actual %.4f (%+.2f %%)",
                        p.runId(),
                        p.fitPoints(),
                        p.predictedFinal(),
                        p.actualFinal(),
                        100 * p.relErr()));
            } else {
                progress.accept(p.runId() + ": not predicted: " + p.note());
            }
        }
        return new PrefixReport(fraction, out, predicted == 0 ? Double.NaN : sum / predicted, max);
    }

    private PrefixPrediction prefixOne(Trajectory t, double fraction) {
        if (t.note != null) {
            return failed(t, Double.NaN, 0, null, t.note);
        }
        int last = t.size() - 1;
        double cut = fraction * t.step[last];
        int end = -1; // last prefix index
        double peak = 0;
        for (int i = 0; i <= last && t.step[i] <= cut; i++) {
            end = i;
            peak = Math.max(peak, t.lr[i]);
        }
        int start = 0;
        while (start < end && t.lr[start] < WARMUP_DONE * peak) {
            start++;
        }
        int count = end - start + 1;
        if (end < 0 || count < MIN_PREFIX_POINTS) {
            return failed(
                    t,
                    cut,
                    Math.max(0, count),
                    null,
                    "only " + Math.max(0, count) + " points after the warmup in the prefix (need " + MIN_PREFIX_POINTS
                            + ")");
        }
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        for (int i = start; i <= end; i++) {
            b.add(t.s1[i], t.s2[i], t.loss[i], 1.0);
        }
        AnnealingResult law = fitter.fit(b.build());
        if (!Double.isFinite(law.l0())) {
            return failed(t, t.step[end], count, law, "the prefix fit failed (singular design)");
        }
        double pred = law.predict(t.s1[last], t.s2[last][law.lambdaIndex()]);
        double se = law.predictStdErr(t.s1[last], t.s2[last][law.lambdaIndex()]);
        double actual = t.loss[last];
        return new PrefixPrediction(
                t.runId,
                t.step[end],
                t.step[last],
                count,
                law,
                pred,
                pred - Z95 * se,
                pred + Z95 * se,
                actual,
                (pred - actual) / actual,
                null);
    }

    private static PrefixPrediction failed(
            Trajectory t, double prefixStep, int fitPoints, AnnealingResult law, String note) {
        double last = t.size() == 0 ? Double.NaN : t.step[t.size() - 1];
        double actual = t.size() == 0 ? Double.NaN : t.loss[t.size() - 1];
        return new PrefixPrediction(
                t.runId,
                prefixStep,
                last,
                fitPoints,
                law,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                actual,
                Double.NaN,
                note);
    }

    /** A run's points in step order with the sums at each. */
    private static final class Trajectory {
        final String runId;
        final double[] step;
        final double[] lr;
        final double[] loss;
        final double[] s1;
        final double[][] s2;
        /** The first point whose LR reaches {@link #WARMUP_DONE} × the run's peak: earlier ones are warmup. */
        final int warmupEnd;

        final String note;

        private Trajectory(
                String runId, double[] step, double[] lr, double[] loss, double[] s1, double[][] s2, String note) {
            this.runId = runId;
            this.step = step;
            this.lr = lr;
            this.loss = loss;
            this.s1 = s1;
            this.s2 = s2;
            this.note = note;
            double peak = 0;
            for (double v : lr) {
                peak = Math.max(peak, v);
            }
            int w = 0;
            while (w < lr.length - 1 && lr[w] < WARMUP_DONE * peak) {
                w++;
            }
            this.warmupEnd = w;
        }

        int size() {
            return loss.length;
        }

        static Trajectory of(Run r, double warmupSteps) {
            double tps = r.tokensPerStep();
            List<double[]> rows = new ArrayList<>();
            boolean anyLr = false;
            for (LossPoint p : r.points()) {
                double s = p.step() >= 0 ? p.step() : (tps > 0 ? p.d2Tokens() / tps : Double.NaN);
                if (!Double.isFinite(s) || !(p.loss() > 0) || !Double.isFinite(p.loss())) {
                    continue;
                }
                anyLr |= Double.isFinite(p.lr());
                rows.add(new double[] {s, p.lr(), p.loss()});
            }
            rows.sort(Comparator.comparingDouble(row -> row[0]));
            int n = rows.size();
            double[] step = new double[n];
            double[] lr = new double[n];
            double[] loss = new double[n];
            double[] s1 = new double[n];
            double[][] s2 = new double[n][ScheduleState.LAMBDA_COUNT];
            ScheduleState state = new ScheduleState();
            warmUp(state, rows, warmupSteps);
            for (int i = 0; i < n; i++) {
                double[] row = rows.get(i);
                state.advance(row[0], row[1]);
                step[i] = row[0];
                lr[i] = state.lr();
                loss[i] = row[2];
                s1[i] = state.s1();
                for (int k = 0; k < ScheduleState.LAMBDA_COUNT; k++) {
                    s2[i][k] = state.s2(k);
                }
            }
            String note = null;
            if (n < 2) {
                note = "fewer than 2 points with a step (log step, or give tokens per step)";
            } else if (!anyLr) {
                note = "no point logs an LR: the law needs the schedule";
            }
            return new Trajectory(r.runId(), step, lr, loss, s1, s2, note);
        }

        /**
         * Walks the state through a linear warmup from LR 0 at step 0 to the first logged LR at step {@code min(W,
         * first step)}: a rise to a new maximum, so S1 gains its area and S2 nothing. Nothing when W is 0, the run
         * logs from step 0, or logs no LR.
         */
        private static void warmUp(ScheduleState state, List<double[]> rows, double warmupSteps) {
            if (!(warmupSteps > 0) || rows.isEmpty() || !(rows.get(0)[0] > 0)) {
                return;
            }
            double firstLr = Double.NaN;
            for (double[] row : rows) {
                if (Double.isFinite(row[1])) {
                    firstLr = row[1];
                    break;
                }
            }
            if (!(firstLr > 0)) {
                return;
            }
            state.advance(0, 0);
            state.advance(Math.min(warmupSteps, rows.get(0)[0]), firstLr);
        }

        CurveError errors(AnnealingResult law, boolean fitted) {
            if (note != null) {
                return new CurveError(
                        runId, fitted, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, note);
            }
            if (!Double.isFinite(law.l0())) {
                return new CurveError(
                        runId, fitted, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "no law");
            }
            int k = law.lambdaIndex();
            double sum = 0;
            double max = 0;
            double finalRel = Double.NaN;
            double finalPred = Double.NaN;
            for (int i = warmupEnd; i < size(); i++) {
                double pred = law.predict(s1[i], s2[i][k]);
                double rel = (pred - loss[i]) / loss[i];
                sum += Math.abs(rel);
                max = Math.max(max, Math.abs(rel));
                finalRel = rel;
                finalPred = pred;
            }
            int counted = size() - warmupEnd;
            return new CurveError(
                    runId, fitted, counted, sum / counted, max, finalPred, loss[size() - 1], finalRel, null);
        }
    }
}
