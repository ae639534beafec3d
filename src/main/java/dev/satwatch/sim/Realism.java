package dev.satwatch.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * How realistic the curves of a {@link Fleet} are: run-to-run spread around the setting's law, autocorrelated
 * noise, a mix of LR schedules, growth bumps, and how saturated the saturating scenario is.
 *
 * <p>{@link #IDEAL} is the original, idealised fleet (every run exactly on its setting's law, one WSD shape, white
 * noise, saturating runs at 0.3–0.6 × the law's exponent) that the topology and integration tests were written
 * against; {@link #defaults()} is the realistic one of {@code satwatch simulate} and the detection benchmark.
 *
 * @param idealized draw the idealised fleet; every other component is then ignored
 * @param alphaSpread run-to-run spread of the D2 exponent: {@code α_run = α(D1)·exp(alphaSpread·z)}
 * @param eSpread run-to-run spread of E: {@code E_run = E·(1 + eSpread·z)}
 * @param noisePhi lag-one autocorrelation φ of the log-loss noise over logged points, in [0, 1); 0 is white noise
 * @param schedules relative weight of each LR schedule type (missing types weigh 0)
 * @param growthShare share of runs that grow a model (their loss first rises: a growth bump), in [0, 1]
 * @param saturationLow a saturating run's exponent is {@code U[saturationLow, saturationHigh] × α(D1)}
 * @param saturationHigh see {@code saturationLow}; {@code 0 ≤ low ≤ high ≤ 1}
 */
public record Realism(
        boolean idealized,
        double alphaSpread,
        double eSpread,
        double noisePhi,
        Map<LrSchedule.Type, Double> schedules,
        double growthShare,
        double saturationLow,
        double saturationHigh) {

    /** The idealised fleet (see the class comment). */
    public static final Realism IDEAL = new Realism(true, 0, 0, 0, Map.of(LrSchedule.Type.WSD, 1.0), 0, 0.3, 0.6);

    /** Validates and copies. */
    public Realism {
        if (!(alphaSpread >= 0 && alphaSpread < 1) || !(eSpread >= 0 && eSpread < 0.2)) {
            throw new IllegalArgumentException("need alphaSpread in [0, 1) and eSpread in [0, 0.2)");
        }
        if (!(noisePhi >= 0 && noisePhi < 1) || !(growthShare >= 0 && growthShare <= 1)) {
            throw new IllegalArgumentException("need noisePhi in [0, 1) and growthShare in [0, 1]");
        }
        if (!(saturationLow >= 0 && saturationLow <= saturationHigh && saturationHigh <= 1)) {
            throw new IllegalArgumentException("need 0 ≤ saturationLow ≤ saturationHigh ≤ 1");
        }
        Map<LrSchedule.Type, Double> copy = new EnumMap<>(LrSchedule.Type.class);
        copy.putAll(schedules);
        if (copy.values().stream().anyMatch(w -> !(w >= 0))
                || copy.values().stream().mapToDouble(w -> w).sum() <= 0) {
            throw new IllegalArgumentException("schedule weights must be non-negative with a positive sum");
        }
        schedules = Map.copyOf(copy);
    }

    /**
     * The realistic defaults: 8 % spread of α (log scale) and 1 % of E; noise correlation φ = 0.6 between logged
     * points; schedules 70 % WSD (half linear, half 1−sqrt cooldowns), 15 % cosine, 10 % constant, 5 % linear decay;
     * 30 % growth runs; saturating runs at 0.05–0.15 × the law's exponent (at that exponent the stable phase gains
     * under 1 % of the loss from 30 % of the budget on, like the most-trained growth base of issue 9).
     */
    public static Realism defaults() {
        return new Realism(
                false,
                0.08,
                0.01,
                0.6,
                Map.of(
                        LrSchedule.Type.WSD, 0.70,
                        LrSchedule.Type.COSINE, 0.15,
                        LrSchedule.Type.CONSTANT, 0.10,
                        LrSchedule.Type.LINEAR, 0.05),
                0.3,
                0.05,
                0.15);
    }

    /** These settings with another noise autocorrelation (0 for white noise). */
    public Realism withNoisePhi(double phi) {
        return new Realism(idealized, alphaSpread, eSpread, phi, schedules, growthShare, saturationLow, saturationHigh);
    }

    /** These settings with another run-to-run spread of α and E. */
    public Realism withSpread(double newAlphaSpread, double newESpread) {
        return new Realism(
                idealized, newAlphaSpread, newESpread, noisePhi, schedules, growthShare, saturationLow, saturationHigh);
    }

    /** These settings with another schedule mix. */
    public Realism withSchedules(Map<LrSchedule.Type, Double> newSchedules) {
        return new Realism(
                idealized, alphaSpread, eSpread, noisePhi, newSchedules, growthShare, saturationLow, saturationHigh);
    }
}
