package dev.satwatch.bench;

import dev.satwatch.fit.AddResult;
import dev.satwatch.fit.CurveSummary;
import dev.satwatch.fit.SummaryConfig;
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
 * JMH benchmarks of {@link CurveSummary}: {@code add} in steady state (target ≤ 50 ns per point) and
 * the binary round trip of a typical summary.
 *
 * <pre>
 * ./mvnw -B -o -q test-compile -Djacoco.skip
 * ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.openjdk.jmh.Main CurveSummaryBench \
 *     -f 1 -wi 3 -w 1 -i 5 -r 1 -tu ns -bm avgt
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CurveSummaryBench {

    private static final int POINTS = 1 << 14;
    private static final double TOKENS_PER_STEP = 4_194_304;

    private double[] d2;
    private double[] loss;
    private double[] lr;
    private int next;
    private long step;
    private CurveSummary cycling;
    private CurveSummary streaming;
    private byte[] bytes;

    @Setup
    public void setUp() {
        // A WSD run of 250k steps (1e6..1e12 tokens), points drawn at random steps, loss with noise.
        SplittableRandom rnd = new SplittableRandom(17);
        d2 = new double[POINTS];
        loss = new double[POINTS];
        lr = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            int s = 1 + rnd.nextInt(250_000);
            d2[i] = s * TOKENS_PER_STEP;
            loss[i] = 2.0 + 5.0 * Math.pow(d2[i] / 1e9, -0.3) + 0.01 * rnd.nextGaussian();
            lr[i] = lrAt(s);
        }
        cycling = CurveSummary.create(SummaryConfig.defaults());
        streaming = CurveSummary.create(SummaryConfig.defaults());
        for (int i = 0; i < POINTS; i++) {
            cycling.add(d2[i], loss[i], lr[i]);
        }
        bytes = cycling.toBytes();
    }

    private static double lrAt(long s) {
        if (s <= 2000) {
            return 3e-4 * s / 2000;
        }
        return s <= 225_000 ? 3e-4 : 3e-4 * (250_000 - s) / 25_000;
    }

    /** Adds pre-generated points in random D2 order, cycling; every bin already exists. */
    @Benchmark
    public AddResult addCycling() {
        int i = next;
        next = (i + 1) & (POINTS - 1);
        return cycling.add(d2[i], loss[i], lr[i]);
    }

    /** Adds in-order points of an ever-growing run (one point per step), so new bins keep opening. */
    @Benchmark
    public AddResult addInOrder() {
        long s = ++step;
        int i = (int) (s & (POINTS - 1));
        return streaming.add(s * TOKENS_PER_STEP, loss[i], 3e-4);
    }

    @Benchmark
    public byte[] toBytes() {
        return cycling.toBytes();
    }

    @Benchmark
    public CurveSummary fromBytes() {
        return CurveSummary.fromBytes(bytes);
    }
}
