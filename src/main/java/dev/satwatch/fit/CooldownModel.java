package dev.satwatch.fit;

import java.util.Locale;

/** The law a cooldown prediction uses (config key {@code fit.model}, {@code backtest --cooldowns --model}). */
public enum CooldownModel {
    /** The annealing law of Tissue et al. 2024: {@code ln L = L0 + A·S1^(−α) − C·S2} ({@link AnnealingFit}). */
    ANNEALING,
    /** The multi-power law of Luo et al. 2025: {@code ln L = L0 + A·S1^(−α) − B·LD} ({@link MultiPowerLaw}). */
    MULTIPOWER;

    /**
     * The default: the multi-power law, more accurate than the annealing law on all three backtested datasets
     * together (BENCHMARKS §9).
     */
    public static final CooldownModel DEFAULT = MULTIPOWER;

    /** The model of its lower-case name ({@code annealing|multipower}). */
    public static CooldownModel parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CooldownModel m : values()) {
            if (m.configName().equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("model must be annealing or multipower, got '" + name + "'");
    }

    /** The lower-case name used in configuration and on the command line. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
