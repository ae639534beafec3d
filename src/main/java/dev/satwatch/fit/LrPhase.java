package dev.satwatch.fit;

/**
 * Learning-rate phase of a point or of a run, as tracked by {@link CurveSummary}.
 *
 * <p>Only {@link #STABLE} and {@link #UNKNOWN} points enter the fit set: points taken while the
 * learning rate still rises (warmup) or after it has decayed (WSD decay, cosine tail) bend the
 * curve and distort the fitted exponent.
 */
public enum LrPhase {
    /** No learning rate known: treated as stable (burn-in still applies). */
    UNKNOWN,
    /** The learning rate is still rising above its peak so far. */
    WARMUP,
    /** The learning rate has stopped rising and is at least {@code annealLrRatio} × the stable rate. */
    STABLE,
    /** The learning rate is below {@code annealLrRatio} × the stable rate: a decay or anneal. */
    ANNEAL
}
