package dev.satwatch.stream;

import dev.satwatch.law.ReuseLaw;
import dev.satwatch.serde.LawFileException;
import dev.satwatch.serde.LawJson;
import dev.satwatch.track.LawLookup;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads laws from the global {@value StreamNames#LAWS_STORE}, parsing each setting's document
 * ({@link LawJson}, one entry for the setting) only when its bytes change. Gives each law a {@linkplain
 * #version(String) version}, a 64-bit digest of its five constants, so the run processor can tell that a setting's
 * law changed since a run last used it ({@link LawVersions}); republishing the same constants keeps the version.
 *
 * <p>A document that does not parse, or has no entry for its key, counts as no law (version 0) and is logged once
 * per distinct bad value: a bad law must not stop the app. One instance per task; not thread-safe.
 */
final class LawCache implements LawLookup {

    private static final Logger LOG = LoggerFactory.getLogger(LawCache.class);

    /** Version of "no law". */
    static final long NONE = 0L;

    private record Cached(byte[] bytes, ReuseLaw law, long version) {}

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final Map<String, Cached> cache = new HashMap<>();

    LawCache(ReadOnlyKeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** The law for {@code setting}, null when none (or when its document is bad). */
    @Override
    public ReuseLaw forSetting(String setting) {
        Cached c = lookup(setting);
        return c == null ? null : c.law();
    }

    /** The version of the law for {@code setting}, {@link #NONE} when none. */
    long version(String setting) {
        Cached c = lookup(setting);
        return c == null ? NONE : c.version();
    }

    private Cached lookup(String setting) {
        if (setting == null) {
            return null;
        }
        byte[] bytes = store.get(setting);
        if (bytes == null) {
            cache.remove(setting);
            return null;
        }
        Cached c = cache.get(setting);
        if (c != null && Arrays.equals(c.bytes(), bytes)) {
            return c.law() == null ? null : c;
        }
        ReuseLaw law = parse(setting, bytes);
        Cached fresh = new Cached(bytes, law, law == null ? NONE : version(law));
        cache.put(setting, fresh);
        return law == null ? null : fresh;
    }

    private static ReuseLaw parse(String setting, byte[] bytes) {
        try {
            LawJson.Entry entry = LawJson.parse(
                            new String(bytes, StandardCharsets.UTF_8), "satwatch.laws[" + setting + "]")
                    .get(setting);
            if (entry == null) {
                LOG.warn("satwatch.laws: the document under key '{}' has no law for that setting; ignored", setting);
                return null;
            }
            return entry.law();
        } catch (LawFileException e) {
            LOG.warn("satwatch.laws: ignoring a bad law document: {}", e.getMessage());
            return null;
        }
    }

    /** A digest of the five constants and the cooldown C when known (a law without one keeps its digest); never {@link #NONE}. */
    static long version(ReuseLaw law) {
        long h = 1125899906842597L;
        double[] constants = Double.isFinite(law.cooldownC())
                ? new double[] {law.a(), law.alpha1(), law.alpha2(), law.alpha3(), law.e(), law.cooldownC()}
                : new double[] {law.a(), law.alpha1(), law.alpha2(), law.alpha3(), law.e()};
        for (double c : constants) {
            h = 31 * h + Double.doubleToLongBits(c);
            h ^= h >>> 29;
        }
        return h == NONE ? 1L : h;
    }
}
