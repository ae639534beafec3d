package dev.satwatch.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's number formatter, and the dashboard's mirror of it printing every sample value the same way. */
class NumbersTest {

    /** One call of a formatter: the function's name in numbers.js, its arguments, and the Java formatter. */
    record Sample(String fn, double[] args, Function<double[], String> java) {
        String javaText() {
            return java.apply(args);
        }

        String jsCall() {
            List<String> literals = new ArrayList<>();
            for (double a : args) {
                literals.add("Number(\"" + a + "\")");
            }
            return "n." + fn + "(" + String.join(", ", literals) + ")";
        }
    }

    static Sample tokens(double t) {
        return new Sample("tokens", new double[] {t}, a -> Numbers.tokens(a[0]));
    }

    static Sample fixed(double v, int digits) {
        return new Sample("fixed", new double[] {v, digits}, a -> Numbers.fixed(a[0], (int) a[1]));
    }

    static Sample gain(double v) {
        return new Sample("gain", new double[] {v}, a -> Numbers.gain(a[0]));
    }

    static Sample interval(double lo, double hi, int digits, double floor, double ceiling) {
        return new Sample(
                "interval",
                new double[] {lo, hi, digits, floor, ceiling},
                a -> Numbers.interval(a[0], a[1], (int) a[2], a[3], a[4]));
    }

    static Sample minus(double v, int digits) {
        return new Sample("minus", new double[] {v, digits}, a -> Numbers.minus(a[0], (int) a[1]));
    }

    static final double NAN = Double.NaN;
    static final double INF = Double.POSITIVE_INFINITY;

    /** The table both formatters print, with what each sample must read. */
    static final List<Object[]> TABLE = List.of(
            new Object[] {tokens(36e6), "36M"},
            new Object[] {tokens(1.2e9), "1.2B"},
            new Object[] {tokens(3e12), "3T"},
            new Object[] {tokens(512_000), "512K"},
            new Object[] {tokens(999), "999"},
            new Object[] {tokens(0), "0"},
            new Object[] {tokens(999.6e6), "1B"},
            new Object[] {tokens(1.2345e9), "1.23B"},
            new Object[] {tokens(2.5e15), "2500T"},
            new Object[] {tokens(-5e9), "-5B"},
            new Object[] {tokens(NAN), "—"},
            new Object[] {tokens(INF), "—"},
            new Object[] {fixed(0.1234567, 3), "0.123"},
            new Object[] {fixed(-0.0001, 3), "0.000"},
            new Object[] {fixed(-0.0929, 4), "-0.0929"},
            new Object[] {fixed(1.005, 2), "1.00"},
            new Object[] {fixed(0.125, 2), "0.13"},
            new Object[] {fixed(2.5, 0), "3"},
            new Object[] {fixed(NAN, 3), "—"},
            new Object[] {fixed(-INF, 3), "—"},
            new Object[] {gain(0.0123), "0.0123"},
            new Object[] {gain(0.000123456), "1.23e-4"},
            new Object[] {gain(-0.00005), "-5.00e-5"},
            new Object[] {gain(0.0009996), "1.00e-3"},
            new Object[] {gain(0), "0.0000"},
            new Object[] {gain(NAN), "—"},
            new Object[] {interval(0.19, 0.23, 3, 0, 2), "[0.190, 0.230]"},
            new Object[] {interval(-4.4e53, 0.5, 3, 0, 2), "[<0.000, 0.500]"},
            new Object[] {interval(0.1, 1e40, 3, 0, 2), "[0.100, >2.000]"},
            new Object[] {interval(-INF, INF, 3, 0, 2), "unbounded"},
            new Object[] {interval(NAN, NAN, 3, 0, 2), "—"},
            new Object[] {interval(NAN, 0.3, 3, 0, 2), "—"},
            new Object[] {minus(0.0929, 4), "− 0.0929"},
            new Object[] {minus(-0.0929, 4), "+ 0.0929"},
            new Object[] {minus(-0.0, 4), "− 0.0000"},
            new Object[] {minus(NAN, 4), "− —"});

    @TempDir
    Path dir;

    @Test
    void shouldPrintEverySampleAsAPersonReadsIt() {
        for (Object[] row : TABLE) {
            Sample s = (Sample) row[0];
            assertThat(s.javaText()).as(s.jsCall()).isEqualTo(row[1]);
        }
    }

    @Test
    void shouldNeverPrintInfinityNaNOrADoubleSign() {
        for (Object[] row : TABLE) {
            assertThat(((Sample) row[0]).javaText())
                    .doesNotContain("Infinity")
                    .doesNotContain("NaN")
                    .doesNotContain("− -")
                    .doesNotContain("+ -");
        }
    }

    @Test
    void shouldAgreeWithTheDashboardsFormatterOnEverySample() throws IOException, InterruptedException {
        Path numbersJs = Path.of("src/main/resources/dashboard/numbers.js").toAbsolutePath();
        String script = "const n = require(" + quote(numbersJs.toString()) + ");\n"
                + TABLE.stream()
                        .map(row -> "console.log(" + ((Sample) row[0]).jsCall() + ");")
                        .collect(Collectors.joining("\n"));
        Path file = Files.writeString(dir.resolve("samples.js"), script);
        Process node = new ProcessBuilder("node", file.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        List<String> js = List.of(new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"));

        assertThat(node.exitValue()).as(String.join("\n", js)).isZero();
        List<String> java =
                TABLE.stream().map(row -> ((Sample) row[0]).javaText()).toList();
        assertThat(js).containsExactlyElementsOf(java);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
