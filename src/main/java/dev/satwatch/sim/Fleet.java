package dev.satwatch.sim;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.law.ReuseLaw;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated fleet of second-stage runs with ground truth: the input of {@code satwatch simulate}, the demo and
 * the detection-quality benchmark.
 *
 * <h2>What is drawn (all from one seed)</h2>
 *
 * <ul>
 *   <li>Per setting, a true {@link ReuseLaw}: {@code E ~ U[1.6, 2.2]}, {@code A ~ U[1, 2]},
 *       {@code α1 ~ U[0.05, 0.15]}, {@code α2 ~ U[0.38, 0.48]}, {@code α3 ~ U[0.02, 0.035]} (D in billions), so the
 *       predicted exponent {@code α(D1)} lies in about [0.11, 0.40] for the bases drawn.
 *   <li>Per run: a setting (round robin), {@code D1} log-uniform in [50, 2000] billion tokens, parameters
 *       {@code D1 / U[20, 800]}, a budget log-uniform in [5, 100] billion tokens, 1 Mi tokens per step.
 *   <li>Idealised curves ({@link Realism#IDEAL}): a {@link SyntheticRun} (1 % warmup, 10 % WSD decay, 4 % anneal
 *       bonus, white noise {@code noise}) of the run's true law, exactly on the setting's law (SATURATING: the true
 *       exponent is {@code U[0.3, 0.6] × α(D1)}, same E and amplitude).
 *   <li>Realistic curves (otherwise): a {@link SimCurve} with the setting's amplitude {@code A·D1^(−α1)}, exponent
 *       {@code α(D1)·exp(alphaSpread·z)} (SATURATING: {@code U[saturationLow, saturationHigh] × α(D1)}), E
 *       {@code E·(1 + eSpread·z)}; an {@link LrSchedule} of a type drawn from {@link Realism#schedules()}, warmup
 *       {@code U[0.5, 2] %} of the budget, WSD cooldown over the last {@code U[10, 20] %} (linear or 1−sqrt, even
 *       odds), peak LR {@code 3e-4 × U[0.5, 2]} (log-uniform), final LR {@code U[0, 10] %} of peak; an annealing
 *       gain {@code U[2, 5] %} of the loss for a full decay; with probability {@code growthShare} a growth bump of
 *       height {@code U[1, 4] %} peaking at {@code U[0.5, 2] %} of the budget; AR(1) log-loss noise of σ
 *       {@code noise} and correlation {@code noisePhi}.
 *   <li>Scenarios in the proportions of {@link FleetSpec#mix()} (largest-remainder rounding, remainder to
 *       HEALTHY), shuffled. SATURATING: the smaller exponent above. DIVERGING: from {@code U[0.3, 0.8]} of the budget the loss grows 4 % per point, turns NaN after 12 points,
 *       and after 3 NaN points the run finishes as {@code failed}. SPIKING: 1–3 points in [0.25, 0.9] of the budget
 *       are multiplied by {@code U[1.1, 1.5]}. STALLING: events stop at {@code U[0.3, 0.8]} of the budget.
 *   <li>Wall clock: run starts spread uniformly over {@code startSpread}; one point per {@code evalInterval};
 *       run_finished one interval after the last point. Every event's {@code ts} is its wall time.
 * </ul>
 *
 * Each {@link SimRun} carries its {@link RunTruth} (the noise-free curve; for DIVERGING and SPIKING runs, the curve
 * before the anomaly) so that a stop can be judged by the loss it truly gave up. {@code run_started} carries no
 * schedule (the event model has no field for it yet): each point's {@code lr} does, and {@link SimCurve#schedule()}
 * gives DESIGN §3's {@code schedule} object ({@link LrSchedule#toJson()}).
 *
 * <p>Stateless; {@link #generate} and {@link #history} are deterministic per (spec, seed) and thread-safe.
 */
public final class Fleet {

    private static final long TOKENS_PER_STEP = 1L << 20;
    private static final double DIVERGENCE_GROWTH = 0.04;
    private static final int RISING_POINTS_BEFORE_NAN = 12;
    private static final int NAN_POINTS = 3;
    private static final long HISTORY_SALT = 0x9E3779B97F4A7C15L;

    private Fleet() {}

    /** Draws the fleet (see the class comment). */
    public static List<SimRun> generate(FleetSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ReuseLaw> laws = settingLaws(spec, random);
        List<Scenario> scenarios = scenarios(spec, random);
        List<SimRun> runs = new ArrayList<>(spec.runs());
        for (int i = 0; i < spec.runs(); i++) {
            int s = i % spec.settings();
            String runId = String.format(Locale.ROOT, "sim-%04d", i + 1);
            runs.add(run(spec, runId, settingName(s), laws.get(s), scenarios.get(i), random.split()));
        }
        return List.copyOf(runs);
    }

    /**
     * A history of finished healthy runs of the same settings (the same true laws as {@link #generate} draws for
     * {@code seed}) but independent of that fleet's runs: {@code runsPerSetting} runs per setting, ids
     * {@code hist-0001}..., each completed. What a team would calibrate its laws from before the fleet runs.
     */
    public static List<SimRun> history(FleetSpec spec, long seed, int runsPerSetting) {
        if (runsPerSetting < 1) {
            throw new IllegalArgumentException("runsPerSetting must be at least 1, got " + runsPerSetting);
        }
        List<ReuseLaw> laws = settingLaws(spec, new SplittableRandom(seed));
        // Another stream than generate's: history runs must not repeat the fleet's runs.
        SplittableRandom random = new SplittableRandom(~seed ^ HISTORY_SALT);
        List<SimRun> runs = new ArrayList<>();
        for (int i = 0; i < spec.settings() * runsPerSetting; i++) {
            int s = i % spec.settings();
            String runId = String.format(Locale.ROOT, "hist-%04d", i + 1);
            runs.add(run(spec, runId, settingName(s), laws.get(s), Scenario.HEALTHY, random.split()));
        }
        return List.copyOf(runs);
    }

    private static List<ReuseLaw> settingLaws(FleetSpec spec, SplittableRandom random) {
        List<ReuseLaw> laws = new ArrayList<>();
        for (int s = 0; s < spec.settings(); s++) {
            laws.add(new ReuseLaw(
                    uniform(random, 1, 2),
                    uniform(random, 0.05, 0.15),
                    uniform(random, 0.38, 0.48),
                    uniform(random, 0.02, 0.035),
                    uniform(random, 1.6, 2.2)));
        }
        return laws;
    }

    private static String settingName(int s) {
        return "sim-setting-" + (s + 1);
    }

    /** Every run's events merged in wall-time order (ties keep fleet order, then each run's own order). */
    public static List<TimedEvent> interleave(List<SimRun> runs) {
        List<TimedEvent> all = new ArrayList<>();
        for (SimRun r : runs) {
            all.addAll(r.events());
        }
        // List.sort is stable, so equal wall times keep fleet order and each run's event order.
        all.sort(Comparator.comparing(TimedEvent::wallTime));
        return all;
    }

    private static List<Scenario> scenarios(FleetSpec spec, SplittableRandom random) {
        double total =
                spec.mix().values().stream().mapToDouble(Double::doubleValue).sum();
        Map<Scenario, Integer> counts = new EnumMap<>(Scenario.class);
        int assigned = 0;
        for (Scenario sc : Scenario.values()) {
            int n = (int) Math.floor(spec.runs() * spec.mix().getOrDefault(sc, 0.0) / total);
            counts.put(sc, n);
            assigned += n;
        }
        counts.merge(Scenario.HEALTHY, spec.runs() - assigned, Integer::sum);
        List<Scenario> out = new ArrayList<>(spec.runs());
        counts.forEach((sc, n) -> out.addAll(Collections.nCopies(n, sc)));
        for (int i = out.size() - 1; i > 0; i--) {
            Collections.swap(out, i, random.nextInt(i + 1));
        }
        return out;
    }

    private static SimRun run(
            FleetSpec spec, String runId, String setting, ReuseLaw law, Scenario scenario, SplittableRandom random) {
        double d1 = 1e9 * Math.exp(uniform(random, Math.log(50), Math.log(2000)));
        double params = d1 / uniform(random, 20, 800);
        double target = 1e9 * Math.exp(uniform(random, Math.log(5), Math.log(100)));
        Instant start = spec.start()
                .plusMillis((long) (random.nextDouble() * spec.startSpread().toMillis()));
        double d1b = ReuseLaw.billions(d1);
        double predicted = law.alphaAt(d1b);
        long steps = (long) Math.ceil(target / TOKENS_PER_STEP);
        long evalEvery = Math.max(1, Math.round((double) steps / spec.pointsPerRun()));
        double trueAlpha;
        RunTruth truth;
        List<LossPoint> points;
        if (spec.realism().idealized()) {
            trueAlpha = scenario == Scenario.SATURATING ? uniform(random, 0.3, 0.6) * predicted : predicted;
            // Same E and amplitude, exponent α2' = α_true + α3·ln D1 so that alphaAt(D1) = α_true.
            ReuseLaw curveLaw = new ReuseLaw(
                    law.a(), law.alpha1(), trueAlpha + law.alpha3() * Math.log(d1b), law.alpha3(), law.e());
            SyntheticRun curve = new SyntheticRun(
                    runId,
                    setting,
                    curveLaw,
                    d1,
                    target,
                    TOKENS_PER_STEP,
                    evalEvery,
                    3e-4,
                    0.01,
                    0.10,
                    0.04,
                    spec.noise(),
                    random.nextLong());
            truth = curve;
            points = new ArrayList<>(curve.points(1.0));
        } else {
            SimCurve curve = realisticCurve(spec, runId, law, d1, target, evalEvery, scenario, random);
            trueAlpha = curve.alpha();
            truth = curve;
            points = new ArrayList<>(curve.points(1.0));
        }
        int n = points.size();
        double anomaly = Double.NaN;
        String status = "completed";
        boolean finishes = true;
        switch (scenario) {
            case SATURATING -> anomaly = 0.0;
            case DIVERGING -> {
                int j0 = (int) (uniform(random, 0.3, 0.8) * n);
                int end = Math.min(n, j0 + RISING_POINTS_BEFORE_NAN + NAN_POINTS);
                for (int k = j0; k < end; k++) {
                    LossPoint p = points.get(k);
                    double loss = k - j0 < RISING_POINTS_BEFORE_NAN
                            ? p.loss() * Math.exp(DIVERGENCE_GROWTH * (k - j0 + 1))
                            : Double.NaN;
                    points.set(k, withLoss(p, loss));
                }
                points.subList(end, n).clear();
                anomaly = points.get(j0).d2Tokens() / target;
                status = "failed";
            }
            case SPIKING -> {
                int spikes = 1 + random.nextInt(3);
                anomaly = 1.0;
                for (int s = 0; s < spikes; s++) {
                    int k = (int) (uniform(random, 0.25, 0.9) * n);
                    LossPoint p = points.get(k);
                    points.set(k, withLoss(p, p.loss() * uniform(random, 1.1, 1.5)));
                    anomaly = Math.min(anomaly, p.d2Tokens() / target);
                }
            }
            case STALLING -> {
                int keep = Math.max(1, (int) (uniform(random, 0.3, 0.8) * n));
                points.subList(keep, n).clear();
                anomaly = points.get(keep - 1).d2Tokens() / target;
                finishes = false;
            }
            default -> {
                // HEALTHY follows the law: nothing to change.
            }
        }
        RunMeta meta = new RunMeta(setting, "sim-base-" + Math.round(d1b) + "b", d1, params, target, TOKENS_PER_STEP);
        List<TimedEvent> events = new ArrayList<>(points.size() + 2);
        events.add(new TimedEvent(start, new RunStarted(runId, start, meta)));
        Instant t = start;
        for (LossPoint p : points) {
            t = t.plus(spec.evalInterval());
            events.add(new TimedEvent(
                    t, new LossPoint(runId, t, p.step(), p.d2Tokens(), p.loss(), p.split(), p.lr(), RunMeta.EMPTY)));
        }
        if (finishes) {
            t = t.plus(spec.evalInterval());
            events.add(new TimedEvent(t, new RunFinished(runId, t, status)));
        }
        return new SimRun(runId, scenario, law, meta, events, trueAlpha, predicted, anomaly, truth);
    }

    private static SimCurve realisticCurve(
            FleetSpec spec,
            String runId,
            ReuseLaw law,
            double d1,
            double target,
            long evalEvery,
            Scenario scenario,
            SplittableRandom random) {
        Realism realism = spec.realism();
        double d1b = ReuseLaw.billions(d1);
        double factor = scenario == Scenario.SATURATING
                ? uniform(random, realism.saturationLow(), realism.saturationHigh())
                : Math.exp(realism.alphaSpread() * SimCurve.gaussian(random));
        double e = law.e() * (1 + realism.eSpread() * SimCurve.gaussian(random));
        LrSchedule schedule = schedule(realism, target, random);
        double annealGain = uniform(random, 0.02, 0.05);
        boolean growth = random.nextDouble() < realism.growthShare();
        double bumpHeight = growth ? uniform(random, 0.01, 0.04) : 0;
        double bumpTokens = growth ? uniform(random, 0.005, 0.02) * target : 0;
        return new SimCurve(
                runId,
                d1,
                factor * law.alphaAt(d1b),
                law.amplitudeAt(d1b),
                e,
                schedule,
                annealGain,
                bumpHeight,
                bumpTokens,
                TOKENS_PER_STEP,
                evalEvery,
                spec.noise(),
                realism.noisePhi(),
                random.nextLong());
    }

    private static LrSchedule schedule(Realism realism, double target, SplittableRandom random) {
        double total = realism.schedules().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        double u = random.nextDouble() * total;
        LrSchedule.Type type = LrSchedule.Type.WSD;
        // Enum order, not the map's: the draw must not depend on Map.copyOf's iteration order.
        for (LrSchedule.Type t : LrSchedule.Type.values()) {
            double w = realism.schedules().getOrDefault(t, 0.0);
            if (w > 0) {
                type = t;
                if (u < w) {
                    break;
                }
                u -= w;
            }
        }
        double peak = 3e-4 * Math.exp(uniform(random, Math.log(0.5), Math.log(2)));
        return new LrSchedule(
                type,
                target,
                uniform(random, 0.005, 0.02) * target,
                uniform(random, 0.1, 0.2),
                random.nextBoolean() ? LrSchedule.CooldownShape.LINEAR : LrSchedule.CooldownShape.ONE_MINUS_SQRT,
                peak,
                peak * uniform(random, 0, 0.1));
    }

    private static LossPoint withLoss(LossPoint p, double loss) {
        return new LossPoint(p.runId(), p.ts(), p.step(), p.d2Tokens(), loss, p.split(), p.lr(), p.meta());
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
