package dev.satwatch.bench;

import dev.satwatch.fit.ScheduleState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one schedule update per event (issue 13 target ≤ 100 ns): {@link ScheduleState#advance} moves S1 and, for
 * each of the 6 λ, the momentum m and S2 in closed form. Events arrive every 100 steps under a cosine LR (the LR
 * changes at every event); the uneven variant alternates 100- and 37-step gaps, so λ^n is recomputed (6 exp) at
 * every event instead of reused. Run:
 *
 * <pre>
 * scripts/jmh ScheduleStateBench -f 1 -wi 3 -w 1 -i 5 -r 1 -bm avgt -tu ns
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScheduleStateBench {

    static final int PERIOD = 1024;

    final double[] lrs = new double[PERIOD];
    ScheduleState state;
    double step;
    int i;

    @Setup
    public void setUp() {
        for (int k = 0; k < PERIOD; k++) {
            lrs[k] = 3e-5 + (3e-4 - 3e-5) * 0.5 * (1 + Math.cos(Math.PI * k / PERIOD));
        }
        state = new ScheduleState();
        step = 0;
        i = 0;
    }

    @Benchmark
    public double advanceEvenlySpaced() {
        step += 100;
        state.advance(step, lrs[i++ & (PERIOD - 1)]);
        return state.s1();
    }

    @Benchmark
    public double advanceUnevenlySpaced() {
        step += (i & 1) == 0 ? 100 : 37;
        state.advance(step, lrs[i++ & (PERIOD - 1)]);
        return state.s1();
    }
}
