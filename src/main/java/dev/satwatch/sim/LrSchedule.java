package dev.satwatch.sim;

import java.util.Locale;
import java.util.Objects;

/**
 * A planned learning-rate schedule over a run's second-stage budget: the {@code schedule} object of DESIGN §3
 * ({@code {"type":"wsd|cosine|linear|constant","warmup_tokens","cooldown_fraction","cooldown_shape","peak_lr",
 * "final_lr"}}), with closed forms for the LR and its area.
 *
 * <p>Every schedule warms up linearly from 0 to {@code peakLr} over {@code warmupTokens}. Then:
 *
 * <ul>
 *   <li>{@link Type#WSD}: stable at {@code peakLr} until {@code (1 − cooldownFraction)·totalTokens}, then decays to
 *       {@code finalLr} at {@code totalTokens} with {@link CooldownShape#LINEAR} {@code η = peak + (final − peak)·x}
 *       or {@link CooldownShape#ONE_MINUS_SQRT} {@code η = final + (peak − final)·(1 − √x)}, x the fraction of the
 *       cooldown done (Hägele et al. 2024, arXiv 2405.18392).
 *   <li>{@link Type#LINEAR}: decays linearly from {@code peakLr} right after warmup to {@code finalLr} at the end.
 *   <li>{@link Type#COSINE}: {@code η = final + (peak − final)·(1 + cos πx)/2} from the end of warmup to the end.
 *   <li>{@link Type#CONSTANT}: stays at {@code peakLr}.
 * </ul>
 *
 * After {@code totalTokens} the LR stays at its final value. {@link #area} is the forward area {@code S1 = ∫η dD2}
 * of Tissue et al. 2024 (arXiv 2408.11029), in LR × tokens. Immutable and thread-safe.
 *
 * @param type the schedule type
 * @param totalTokens the planned second-stage budget (raw tokens), positive
 * @param warmupTokens warmup length (raw tokens), in [0, totalTokens)
 * @param cooldownFraction WSD: the final fraction of the budget spent decaying, in (0, 1]; ignored by the other types
 * @param cooldownShape WSD: the decay's shape; ignored by the other types
 * @param peakLr the stable (peak) learning rate, positive
 * @param finalLr the learning rate at the end of the decay, in [0, peakLr]
 */
public record LrSchedule(
        Type type,
        double totalTokens,
        double warmupTokens,
        double cooldownFraction,
        CooldownShape cooldownShape,
        double peakLr,
        double finalLr) {

    /** Schedule types, with their names in the {@code schedule} object. */
    public enum Type {
        WSD,
        COSINE,
        LINEAR,
        CONSTANT;

        /** The name in the {@code schedule} object ({@code wsd}, {@code cosine}...). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Shapes of a WSD cooldown, with their names in the {@code schedule} object. */
    public enum CooldownShape {
        LINEAR("linear"),
        ONE_MINUS_SQRT("1-sqrt");

        private final String wireName;

        CooldownShape(String wireName) {
            this.wireName = wireName;
        }

        /** The name in the {@code schedule} object ({@code linear} or {@code 1-sqrt}). */
        public String wireName() {
            return wireName;
        }
    }

    /** Validates the schedule. */
    public LrSchedule {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(cooldownShape, "cooldownShape");
        if (!(totalTokens > 0) || !(warmupTokens >= 0 && warmupTokens < totalTokens)) {
            throw new IllegalArgumentException("need totalTokens > 0 and warmupTokens in [0, totalTokens)");
        }
        if (!(peakLr > 0) || !(finalLr >= 0 && finalLr <= peakLr)) {
            throw new IllegalArgumentException("need peakLr > 0 and finalLr in [0, peakLr]");
        }
        if (type == Type.WSD && !(cooldownFraction > 0 && cooldownFraction <= 1)) {
            throw new IllegalArgumentException("a WSD cooldown fraction must be in (0, 1], got " + cooldownFraction);
        }
    }

    /** Where the LR starts to decay (raw tokens): the end of warmup, or of the stable phase for WSD. */
    public double decayStartTokens() {
        return switch (type) {
            case WSD -> Math.max(warmupTokens, (1 - cooldownFraction) * totalTokens);
            case COSINE, LINEAR -> warmupTokens;
            case CONSTANT -> totalTokens;
        };
    }

    /**
     * The planned end of the stable phase (raw tokens): where a WSD run starts its cooldown; the planned end for the
     * other types, which have no separate cooldown to keep.
     */
    public double stableEndTokens() {
        return type == Type.WSD ? decayStartTokens() : totalTokens;
    }

    /** The learning rate after {@code d2Tokens}. */
    public double lr(double d2Tokens) {
        if (d2Tokens < warmupTokens) {
            return peakLr * Math.max(0, d2Tokens) / warmupTokens;
        }
        double s = decayStartTokens();
        if (d2Tokens <= s || type == Type.CONSTANT) {
            return peakLr;
        }
        double x = Math.min(1, (d2Tokens - s) / (totalTokens - s));
        return switch (decayShape()) {
            case LINEAR_DECAY -> peakLr + (finalLr - peakLr) * x;
            case SQRT_DECAY -> finalLr + (peakLr - finalLr) * (1 - Math.sqrt(x));
            case COSINE_DECAY -> finalLr + (peakLr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * x));
        };
    }

    /** The forward area {@code ∫₀^d2 η dD2} (LR × raw tokens). */
    public double area(double d2Tokens) {
        double d = Math.max(0, d2Tokens);
        if (type == Type.CONSTANT) {
            return stableArea(d);
        }
        double a = warmupArea(d);
        double s = decayStartTokens();
        if (d <= warmupTokens) {
            return a;
        }
        a += peakLr * (Math.min(d, s) - warmupTokens);
        if (d <= s) {
            return a;
        }
        double span = totalTokens - s;
        double x = Math.min(1, (d - s) / span);
        double drop = peakLr - finalLr;
        a += span
                * switch (decayShape()) {
                    case LINEAR_DECAY -> peakLr * x - drop * x * x / 2;
                    case SQRT_DECAY -> finalLr * x + drop * (x - 2.0 / 3.0 * Math.pow(x, 1.5));
                    case COSINE_DECAY -> finalLr * x + drop * 0.5 * (x + Math.sin(Math.PI * x) / Math.PI);
                };
        return a + finalLr * Math.max(0, d - totalTokens);
    }

    /** The forward area if the LR stayed at its peak after warmup (the constant-LR continuation). */
    public double stableArea(double d2Tokens) {
        double d = Math.max(0, d2Tokens);
        return warmupArea(d) + peakLr * Math.max(0, d - warmupTokens);
    }

    /** The schedule as DESIGN §3's {@code schedule} JSON object. */
    public String toJson() {
        return String.format(
                Locale.ROOT,
                "{\"type\":\"%s\",\"warmup_tokens\":%.6g,\"cooldown_fraction\":%.6g,\"cooldown_shape\":\"%s\","
                        + "\"peak_lr\":%.6g,\"final_lr\":%.6g}",
                type.wireName(),
                warmupTokens,
                type == Type.CONSTANT ? 0.0 : 1 - decayStartTokens() / totalTokens,
                cooldownShape.wireName(),
                peakLr,
                finalLr);
    }

    private double warmupArea(double d) {
        if (warmupTokens <= 0) {
            return 0;
        }
        double u = Math.min(d, warmupTokens);
        return peakLr * u * u / (2 * warmupTokens);
    }

    private Decay decayShape() {
        return switch (type) {
            case WSD -> cooldownShape == CooldownShape.LINEAR ? Decay.LINEAR_DECAY : Decay.SQRT_DECAY;
            case LINEAR, CONSTANT -> Decay.LINEAR_DECAY;
            case COSINE -> Decay.COSINE_DECAY;
        };
    }

    private enum Decay {
        LINEAR_DECAY,
        SQRT_DECAY,
        COSINE_DECAY
    }
}
