package dev.satwatch.sim;

/** The ground-truth behaviour of a simulated run. */
public enum Scenario {
    /** Follows its setting's law to the end of its budget. */
    HEALTHY,
    /**
     * Its true D2 exponent is a fraction of the law's prediction (0.3–0.6 in the idealised fleet,
     * {@link Realism#saturationLow()}–{@link Realism#saturationHigh()} in the realistic one): the base is more
     * overtrained than the law says, and further training buys little.
     */
    SATURATING,
    /** Follows the law, then the loss grows geometrically and turns NaN; the run then finishes as failed. */
    DIVERGING,
    /** Follows the law with one to three isolated upward spikes. */
    SPIKING,
    /** Follows the law, then stops emitting events mid-run (no run_finished). */
    STALLING
}
