package dev.satwatch.fit;

/**
 * What {@link CurveSummary#add(double, double, double)} did with a point.
 *
 * <p>Callers use it to decide whether to refit: only {@link #NEW_BIN} changes the shape of the
 * fit set materially; {@link #UPDATED} moves an existing fit point a little.
 */
public enum AddResult {
    /** A stable (or unknown-LR) point created a new bin of the fit set: a material change. */
    NEW_BIN,
    /** A stable (or unknown-LR) point was folded into an existing bin. */
    UPDATED,
    /** The point was taken during warmup; summarised for display, excluded from the fit. */
    WARMUP,
    /** The point was taken during an LR decay or anneal; summarised for display, excluded from the fit. */
    ANNEAL,
    /** Non-finite or non-positive D2 or loss: the summary did not change. */
    REJECTED
}
