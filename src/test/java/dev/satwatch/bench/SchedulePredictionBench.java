package dev.satwatch.bench;

import dev.satwatch.estimate.SchedulePrediction;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.fit.ScheduleState;
import dev.satwatch.fit.ScheduleSummary;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the schedule-aware forecast a refit of the live tracker makes (RunTracker#refit): {@link
 * SchedulePrediction#forecast} on a run's {@link ScheduleSummary}, once for a decaying run (L0, A, α, C fitted at each
 * of the 6 λ, the plan and a cooldown now walked for each, the floor-free bound) and once for a run still at its peak
 * LR (C fixed, one λ). The run: a cosine over 40,000 steps from a 500-step warmup, logged every 50 steps, loss
 * {@code 2.6 + 0.45·S1^(−0.55) − 0.4·S2} at λ = 0.999 with seeded 0.2 % noise, to 60 % of the plan (the decaying
 * case, 37 bins) or a WSD run to 50 % (the constant case). Run:
 *
 * <pre>
 * scripts/jmh SchedulePredictionBench -f 1 -wi 3 -w 1 -i 5 -r 2 -bm avgt -tu us
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SchedulePredictionBench {

    static final int STEPS = 40_000;
    static final double TPS = 1e6;
    static final int LAMBDA_0999 = 4;

    ScheduleSummary decaying;
    ScheduleSummary constant;

    static ScheduleSummary run(boolean cosine, int lastStep) {
        SplittableRandom random = new SplittableRandom(42);
        ScheduleState truth = new ScheduleState();
        ScheduleSummary s = new ScheduleSummary();
        for (int step = 50; step <= lastStep; step += 50) {
            double lr = step <= 500
                    ? 3e-4 * step / 500
                    : cosine ? 3e-4 * 0.5 * (1 + Math.cos(Math.PI * (step - 500) / (STEPS - 500))) : 3e-4;
            truth.advance(step, lr);
            double loss = 2.6 + 0.45 * Math.pow(truth.s1(), -0.55) - 0.4 * truth.s2(LAMBDA_0999);
            s.add(step, step * TPS, loss * (1 + 0.002 * random.nextGaussian()), lr);
        }
        return s;
    }

    @Setup
    public void setUp() {
        decaying = run(true, (int) (0.6 * STEPS));
        constant = run(false, STEPS / 2);
    }

    @Benchmark
    public ScheduleForecast forecastDecaying() {
        return SchedulePrediction.forecast(decaying, TPS, null, STEPS * TPS, 0.1);
    }

    @Benchmark
    public ScheduleForecast forecastConstant() {
        return SchedulePrediction.forecast(constant, TPS, null, STEPS * TPS, 0.1);
    }
}
