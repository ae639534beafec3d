package dev.satwatch.bench;

import dev.satwatch.fit.FitResult;
import dev.satwatch.fit.PowerLawFitter;
import java.util.Arrays;
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
 * Cost of one refit of a run's power law: the binned refit the streaming processor does (100
 * log-spaced bins, cold and warm-started from the previous refit) against the naive alternative of
 * fitting every raw point (10,000) with Commons Math LM and plain least squares.
 *
 * <p>The run: {@code L = 1.8 + 1.2·x^(−0.3)} over x = 0.5 … 50 billion tokens, 10,000 evenly spaced
 * raw points with seeded 1 % multiplicative noise (per-batch train loss); bins are 1/50 decade wide,
 * each with its mean x, mean loss and count (the weight). Run:
 *
 * <pre>
 * ./mvnw -B -o -q test-compile -Djacoco.skip
 * ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.openjdk.jmh.Main PowerLawFitBench \
 *     -f 1 -wi 3 -w 1 -i 5 -r 1 -tu us -bm avgt
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PowerLawFitBench {

    static final int RAW_POINTS = 10_000;
    static final int BINS = 100;
    static final double X_FIRST = 0.5;
    static final double X_LAST = 50;

    private final PowerLawFitter robust = PowerLawFitter.create();
    private final PowerLawFitter plain = PowerLawFitter.create().withHuberDelta(Double.POSITIVE_INFINITY);

    double[] rawX;
    double[] rawY;
    double[] binX;
    double[] binY;
    double[] binW;
    FitResult previous;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        rawX = new double[RAW_POINTS];
        rawY = new double[RAW_POINTS];
        for (int i = 0; i < RAW_POINTS; i++) {
            rawX[i] = X_FIRST + (X_LAST - X_FIRST) * i / (RAW_POINTS - 1.0);
            rawY[i] = (1.8 + 1.2 * Math.pow(rawX[i], -0.3)) * (1 + 0.01 * random.nextGaussian());
        }
        bin();
        // The previous refit saw the run one bin shorter.
        previous =
                robust.fit(Arrays.copyOf(binX, BINS - 1), Arrays.copyOf(binY, BINS - 1), Arrays.copyOf(binW, BINS - 1));
    }

    private void bin() {
        double[] sx = new double[BINS];
        double[] sy = new double[BINS];
        double[] n = new double[BINS];
        double perBin = Math.log(X_LAST / X_FIRST) / BINS;
        for (int i = 0; i < RAW_POINTS; i++) {
            int k = Math.min(BINS - 1, (int) (Math.log(rawX[i] / X_FIRST) / perBin));
            sx[k] += rawX[i];
            sy[k] += rawY[i];
            n[k]++;
        }
        for (int k = 0; k < BINS; k++) {
            sx[k] /= n[k];
            sy[k] /= n[k];
        }
        binX = sx;
        binY = sy;
        binW = n;
    }

    @Benchmark
    public FitResult refit100BinsCold() {
        return robust.fit(binX, binY, binW);
    }

    @Benchmark
    public FitResult refit100BinsWarm() {
        return robust.fit(binX, binY, binW, previous);
    }

    @Benchmark
    public FitResult fit10000RawPointsPlainLeastSquares() {
        return plain.fit(rawX, rawY, null);
    }
}
