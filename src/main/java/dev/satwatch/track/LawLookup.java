package dev.satwatch.track;

import dev.satwatch.law.ReuseLaw;

/**
 * Where the tracker finds the current law of a setting (in the topology: the {@code satwatch.laws} GlobalKTable).
 * Runs without a setting are looked up as {@link dev.satwatch.event.RunMeta#DEFAULT_SETTING}.
 */
@FunctionalInterface
public interface LawLookup {

    /** A lookup that never has a law. */
    LawLookup NONE = setting -> null;

    /** The law of {@code setting}, or null when there is none. */
    ReuseLaw forSetting(String setting);
}
