package dev.satwatch.bench;

import dev.satwatch.fit.AnnealingFit;
import dev.satwatch.fit.AnnealingPoints;
import dev.satwatch.fit.AnnealingResult;
import dev.satwatch.fit.ScheduleState;
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
 * Cost of one refit of the annealing law {@code L = L0 + A·S1^(−α) − C·S2} over 100 bins (issue 13 target ≤ 200 µs):
 * the full search (L0, A, α, C free, λ chosen from the 6 values of {@link ScheduleState}), one λ, C given (what
 * a run still at constant LR uses), and the warm-started {@link AnnealingFit#refit} from the fit one bin earlier.
 *
 * <p>The run: warmup to 3e-4 over 500 steps, constant to 14,000, linear decay to 3e-5 at 20,000, logged every 200
 * steps (100 points), loss {@code 2.6 + 0.45·S1^(−0.55) − 0.4·S2} at λ = 0.999 with seeded 0.2 % noise. Run:
 *
 * <pre>
 * scripts/jmh AnnealingFitBench -f 1 -wi 3 -w 1 -i 5 -r 2 -bm avgt -tu us
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnnealingFitBench {

    static final int BINS = 100;
    static final int LAMBDA_0999 = 4;

    private final AnnealingFit fitter = AnnealingFit.create();

    AnnealingPoints points;
    AnnealingResult previous;

    static double lrAt(double step) {
        if (step <= 500) {
            return 3e-4 * step / 500;
        }
        if (step <= 14000) {
            return 3e-4;
        }
        return 3e-4 + (3e-5 - 3e-4) * (step - 14000) / 6000;
    }

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        ScheduleState state = new ScheduleState();
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        for (int i = 1; i <= BINS; i++) {
            double step = 200.0 * i;
            state.advance(step, lrAt(step));
            double loss = 2.6 + 0.45 * Math.pow(state.s1(), -0.55) - 0.4 * state.s2(LAMBDA_0999);
            b.add(state, loss * (1 + 0.002 * random.nextGaussian()));
        }
        points = b.build();
        // The previous refit saw the run one bin shorter.
        AnnealingPoints.Builder shorter = AnnealingPoints.builder();
        for (int i = 0; i < BINS - 1; i++) {
            double[] s2 = new double[ScheduleState.LAMBDA_COUNT];
            for (int k = 0; k < s2.length; k++) {
                s2[k] = points.s2(k, i);
            }
            shorter.add(points.s1(i), s2, points.y(i), points.w(i));
        }
        previous = fitter.fit(shorter.build());
    }

    @Benchmark
    public AnnealingResult refit100BinsWarm() {
        return fitter.refit(points, previous);
    }

    @Benchmark
    public AnnealingResult refit100BinsAllLambdas() {
        return fitter.fit(points);
    }

    @Benchmark
    public AnnealingResult refit100BinsOneLambda() {
        return fitter.fit(points, LAMBDA_0999);
    }

    @Benchmark
    public AnnealingResult refit100BinsFixedC() {
        return fitter.fitWithC(points, 0.4, LAMBDA_0999);
    }
}
