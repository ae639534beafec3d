package dev.satwatch.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Fleet#generate} draws.
 *
 * @param runs number of runs
 * @param settings number of settings, each with its own true law
 * @param mix relative weight of each scenario (missing scenarios weigh 0)
 * @param pointsPerRun logged validation points per run (approximately; the step grid rounds)
 * @param noise standard deviation of the loss noise: relative Gaussian in the idealised fleet, σ of the log-loss
 *     AR(1) noise in the realistic one (the two agree to first order)
 * @param start wall-clock time of the first run start
 * @param startSpread runs start uniformly within this span after {@code start}
 * @param evalInterval wall-clock time between two logged points of a run
 * @param realism spread, noise correlation, schedules and growth bumps ({@link Realism#IDEAL}: the idealised fleet)
 */
public record FleetSpec(
        int runs,
        int settings,
        Map<Scenario, Double> mix,
        int pointsPerRun,
        double noise,
        Instant start,
        Duration startSpread,
        Duration evalInterval,
        Realism realism) {

    /** The idealised fleet ({@link Realism#IDEAL}) with these settings. */
    public FleetSpec(
            int runs,
            int settings,
            Map<Scenario, Double> mix,
            int pointsPerRun,
            double noise,
            Instant start,
            Duration startSpread,
            Duration evalInterval) {
        this(runs, settings, mix, pointsPerRun, noise, start, startSpread, evalInterval, Realism.IDEAL);
    }

    /** Validates and copies. */
    public FleetSpec {
        if (runs < 1 || settings < 1 || pointsPerRun < 10) {
            throw new IllegalArgumentException("need runs ≥ 1, settings ≥ 1 and pointsPerRun ≥ 10");
        }
        if (!(noise >= 0 && noise < 0.5)) {
            throw new IllegalArgumentException("noise must be in [0, 0.5), got " + noise);
        }
        mix = Map.copyOf(mix);
        if (mix.values().stream().anyMatch(w -> !(w >= 0))
                || mix.values().stream().mapToDouble(w -> w).sum() <= 0) {
            throw new IllegalArgumentException("mix weights must be non-negative with a positive sum");
        }
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(startSpread, "startSpread");
        Objects.requireNonNull(evalInterval, "evalInterval");
        Objects.requireNonNull(realism, "realism");
        if (evalInterval.isZero() || evalInterval.isNegative() || startSpread.isNegative()) {
            throw new IllegalArgumentException("evalInterval must be positive and startSpread non-negative");
        }
    }

    /**
     * {@code runs} runs over 3 settings: 50 % healthy, 20 % saturating, 10 % each diverging, spiking and stalling;
     * 400 points each, 0.3 % noise, one point every 30 s, starts spread over 2 h from 2026-01-01T00:00Z; the idealised
     * curves ({@link Realism#IDEAL}).
     */
    public static FleetSpec defaults(int runs) {
        return new FleetSpec(
                runs,
                3,
                Map.of(
                        Scenario.HEALTHY, 0.5,
                        Scenario.SATURATING, 0.2,
                        Scenario.DIVERGING, 0.1,
                        Scenario.SPIKING, 0.1,
                        Scenario.STALLING, 0.1),
                400,
                0.003,
                Instant.parse("2026-01-01T00:00:00Z"),
                Duration.ofHours(2),
                Duration.ofSeconds(30));
    }

    /**
     * {@link #defaults(int)} with realistic curves ({@link Realism#defaults()}: spread, AR(1) noise, WSD, cosine,
     * constant and linear schedules, growth bumps) and 0.5 % log-loss noise: the fleet of {@code satwatch simulate}.
     */
    public static FleetSpec realistic(int runs) {
        return defaults(runs).withNoise(0.005).withRealism(Realism.defaults());
    }

    /** This spec with another scenario mix. */
    public FleetSpec withMix(Map<Scenario, Double> newMix) {
        return new FleetSpec(runs, settings, newMix, pointsPerRun, noise, start, startSpread, evalInterval, realism);
    }

    /** This spec with another number of points per run. */
    public FleetSpec withPointsPerRun(int points) {
        return new FleetSpec(runs, settings, mix, points, noise, start, startSpread, evalInterval, realism);
    }

    /** This spec with another noise level. */
    public FleetSpec withNoise(double newNoise) {
        return new FleetSpec(runs, settings, mix, pointsPerRun, newNoise, start, startSpread, evalInterval, realism);
    }

    /** This spec with another number of runs. */
    public FleetSpec withRuns(int newRuns) {
        return new FleetSpec(newRuns, settings, mix, pointsPerRun, noise, start, startSpread, evalInterval, realism);
    }

    /** This spec with other curves. */
    public FleetSpec withRealism(Realism newRealism) {
        return new FleetSpec(runs, settings, mix, pointsPerRun, noise, start, startSpread, evalInterval, newRealism);
    }
}
