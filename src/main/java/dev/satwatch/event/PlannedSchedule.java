package dev.satwatch.event;

/**
 * The learning-rate schedule a run plans to follow, as {@code run_started} may carry it in {@code schedule}
 * (DESIGN §3, §4b): {@code {"type":"wsd|cosine|linear|constant","warmup_tokens","cooldown_fraction",
 * "cooldown_shape":"linear|1-sqrt","peak_lr","final_lr"}}.
 *
 * <p>Absent numbers are {@code NaN}; an absent {@code cooldownShape} is null. {@link #lrAt} reads the fields as
 * follows (absent warmup = none, absent final LR = 0, absent cooldown fraction = 0, absent shape = linear):
 *
 * <ul>
 *   <li>{@code constant}: the peak LR after the warmup.
 *   <li>{@code linear}: after the warmup, linear from the peak to the final LR at the end.
 *   <li>{@code cosine}: after the warmup, half a cosine from the peak to the final LR at the end.
 *   <li>{@code wsd}: after the warmup the peak, then over the last {@code cooldownFraction} of the span a decay to
 *       the final LR, linear or {@code 1-sqrt} ({@code peak − (peak − final)·sqrt(u)}).
 * </ul>
 *
 * The warmup is linear from 0 to the peak over {@code warmupTokens}.
 *
 * @param type {@code wsd}, {@code cosine}, {@code linear} or {@code constant}; never null
 * @param warmupTokens tokens of warmup; NaN when absent
 * @param cooldownFraction the fraction of the span spent in the final decay ({@code wsd}); NaN when absent
 * @param cooldownShape {@code linear} or {@code 1-sqrt}; null when absent
 * @param peakLr the LR after warmup; NaN when absent
 * @param finalLr the LR at the end; NaN when absent
 */
public record PlannedSchedule(
        String type,
        double warmupTokens,
        double cooldownFraction,
        String cooldownShape,
        double peakLr,
        double finalLr) {

    /** Warmup-stable-decay. */
    public static final String WSD = "wsd";

    /** Cosine decay. */
    public static final String COSINE = "cosine";

    /** Linear decay (also the cooldown shape name). */
    public static final String LINEAR = "linear";

    /** Constant LR. */
    public static final String CONSTANT = "constant";

    /** The {@code 1-sqrt} cooldown shape. */
    public static final String ONE_MINUS_SQRT = "1-sqrt";

    /** Whether {@code type} is one of the four schedule types. */
    public static boolean isType(String type) {
        return WSD.equals(type) || COSINE.equals(type) || LINEAR.equals(type) || CONSTANT.equals(type);
    }

    /** Whether {@code shape} is one of the two cooldown shapes. */
    public static boolean isShape(String shape) {
        return LINEAR.equals(shape) || ONE_MINUS_SQRT.equals(shape);
    }

    /**
     * The planned LR at {@code tokens}, for a schedule that spans {@code [startTokens, endTokens]} (0 and the
     * target for a run; the branch point and the target for a branch).
     *
     * @return the LR; NaN when the peak LR is absent or the span is empty; the final LR at and after the end
     */
    public double lrAt(double tokens, double startTokens, double endTokens) {
        double span = endTokens - startTokens;
        if (Double.isNaN(peakLr) || !(span > 0)) {
            return Double.NaN;
        }
        double fin = Double.isNaN(finalLr) ? 0 : finalLr;
        double t = tokens - startTokens;
        double warm = Double.isNaN(warmupTokens) ? 0 : Math.min(warmupTokens, span);
        if (t < warm) {
            return peakLr * Math.max(0, t) / warm;
        }
        if (t >= span) {
            return CONSTANT.equals(type) ? peakLr : fin;
        }
        switch (type) {
            case LINEAR:
                return peakLr + (fin - peakLr) * (t - warm) / (span - warm);
            case COSINE:
                return fin + (peakLr - fin) * 0.5 * (1 + Math.cos(Math.PI * (t - warm) / (span - warm)));
            case WSD:
                double cd = Double.isNaN(cooldownFraction) ? 0 : cooldownFraction * span;
                double decayStart = span - cd;
                if (t < decayStart || cd <= 0) {
                    return peakLr;
                }
                double u = (t - decayStart) / cd;
                double shape = ONE_MINUS_SQRT.equals(cooldownShape) ? Math.sqrt(u) : u;
                return peakLr - (peakLr - fin) * shape;
            default:
                return peakLr;
        }
    }
}
