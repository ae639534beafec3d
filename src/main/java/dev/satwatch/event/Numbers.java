package dev.satwatch.event;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers for people: the one formatter of the CLI's tables and sentences, whose rules the dashboard mirrors in
 * {@code dashboard/numbers.js} (a test runs both on one table of values, so change them together).
 *
 * <ul>
 *   <li>{@link #DASH} ("—") for a value that is unknown: NaN or infinite;
 *   <li>{@link #tokens}: SI suffixes, three significant digits, trailing zeros dropped ({@code 36M}, {@code 1.2B},
 *       {@code 3T}, {@code 512K}, {@code 999});
 *   <li>{@link #fixed}: a fixed number of decimals, never {@code -0.000};
 *   <li>{@link #gain}: four decimals, or three significant digits in exponent form below 0.001 ({@code 1.23e-4});
 *   <li>{@link #interval}: {@code [lo, hi]}, a bound beyond a meaningful range as {@code <floor} / {@code >ceiling},
 *       both beyond as {@code unbounded};
 *   <li>{@link #minus}: the subtracted term of a formula, {@code − 0.093}, or {@code + 0.093} for a negative value
 *       (never {@code − -0.093}).
 * </ul>
 *
 * <p>Rounding is half-up on the exact binary value, as JavaScript's {@code toFixed}, {@code toPrecision} and
 * {@code toExponential} round (so {@code 1.005} to two decimals is {@code 1.00} in both). Stateless, thread-safe.
 */
public final class Numbers {

    /** What an unknown value prints as. */
    public static final String DASH = "\u2014";

    /** A D2 exponent outside this range is not a language-model loss curve: interval bounds beyond it are clipped. */
    public static final double ALPHA_FLOOR = 0;

    /** See {@link #ALPHA_FLOOR}. */
    public static final double ALPHA_CEILING = 2;

    /** Projected losses beyond this (nats) mean an interval without information. */
    public static final double LOSS_CEILING = 20;

    /** Tokens per billion: the unit of D1 and D2 in every law and fit ({@code x = tokens / 1e9}). */
    public static final double TOKENS_PER_BILLION = 1e9;

    private static final String MINUS = "\u2212";
    private static final MathContext THREE = new MathContext(3, RoundingMode.HALF_UP);
    private static final double[] SCALES = {1e12, 1e9, 1e6, 1e3};
    private static final String[] SUFFIXES = {"T", "B", "M", "K"};

    private Numbers() {}

    /** A raw token count with an SI suffix ({@code 36M}, {@code 1.2B}, {@code 3T}); {@link #DASH} when unknown. */
    public static String tokens(double tokens) {
        if (!Double.isFinite(tokens)) {
            return DASH;
        }
        String sign = tokens < 0 ? "-" : "";
        double a = Math.abs(tokens);
        for (int i = 0; i < SCALES.length; i++) {
            // The largest unit in which the value rounds to at least 1 (999.6M rounds to 1.00B: "1B").
            if (round3(a / SCALES[i]).compareTo(BigDecimal.ONE) >= 0) {
                return sign + sig3(a / SCALES[i]) + SUFFIXES[i];
            }
        }
        return round3(a).signum() == 0 ? "0" : sign + sig3(a);
    }

    /** A fraction as a percentage with one decimal ({@code 0.006} → {@code 0.6 %}); {@link #DASH} when unknown. */
    public static String percent(double fraction) {
        if (!Double.isFinite(fraction)) {
            return DASH;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    /** Billions of tokens (the law's unit) with an SI suffix: {@code tokens(billions × 1e9)}. */
    public static String billions(double billions) {
        return tokens(billions * TOKENS_PER_BILLION);
    }

    /** {@code value} with {@code digits} decimals, never {@code -0.000}; {@link #DASH} when unknown. */
    public static String fixed(double value, int digits) {
        if (!Double.isFinite(value)) {
            return DASH;
        }
        return unsignedZero(
                new BigDecimal(value).setScale(digits, RoundingMode.HALF_UP).toPlainString());
    }

    /** A gain per billion tokens: four decimals, or {@code 1.23e-4} below 0.001; {@link #DASH} when unknown. */
    public static String gain(double value) {
        if (!Double.isFinite(value)) {
            return DASH;
        }
        if (value == 0 || Math.abs(value) >= 0.001) {
            return fixed(value, 4);
        }
        BigDecimal rounded = round3(value);
        int exponent = rounded.precision() - rounded.scale() - 1;
        return rounded.scaleByPowerOfTen(-exponent)
                        .setScale(2, RoundingMode.HALF_UP)
                        .toPlainString() + "e" + exponent;
    }

    /**
     * An interval {@code [lo, hi]} with {@code digits} decimals. A bound beyond the meaningful range prints as
     * {@code <floor} or {@code >ceiling}; with both beyond, {@code unbounded}; {@link #DASH} when either is NaN.
     */
    public static String interval(double lo, double hi, int digits, double floor, double ceiling) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return DASH;
        }
        boolean under = lo < floor;
        boolean over = hi > ceiling;
        if (under && over) {
            return "unbounded";
        }
        String low = under ? "<" + fixed(floor, digits) : fixed(lo, digits);
        String high = over ? ">" + fixed(ceiling, digits) : fixed(hi, digits);
        return "[" + low + ", " + high + "]";
    }

    /** A D2 exponent's 95 % interval, 3 decimals, clipped to [{@link #ALPHA_FLOOR}, {@link #ALPHA_CEILING}]. */
    public static String alphaInterval(double lo, double hi) {
        return interval(lo, hi, 3, ALPHA_FLOOR, ALPHA_CEILING);
    }

    /** The subtracted term of a formula: {@code − 0.0930}, or {@code + 0.0930} when {@code value} is negative. */
    public static String minus(double value, int digits) {
        if (!Double.isFinite(value)) {
            return MINUS + " " + DASH;
        }
        return (value < 0 ? "+ " : MINUS + " ") + fixed(Math.abs(value), digits);
    }

    private static BigDecimal round3(double v) {
        return new BigDecimal(v).round(THREE);
    }

    private static String sig3(double v) {
        BigDecimal r = round3(v);
        return r.signum() == 0 ? "0" : r.stripTrailingZeros().toPlainString();
    }

    private static String unsignedZero(String text) {
        return text.matches("-[0.]*") ? text.substring(1) : text;
    }
}
