package dev.satwatch.config;

/**
 * Where the run processor keeps its per-run state ({@code streams.state.store}, {@code streams.decoded.states}).
 *
 * @param inMemory true: the run stores are in the heap (about 1.3 KB per run), false: RocksDB on local disk. Either
 *     way they are changelogged, so a restarted or moved task restores them; an in-memory store restores from the
 *     changelog at every start, RocksDB only after an unclean stop (exactly-once wipes it then)
 * @param decodedStates decoded run states kept per instance so that an event skips decoding its run's state (about
 *     4 KB of heap each); 0 means automatic: max heap / 64 KiB
 */
public record RunStores(boolean inMemory, int decodedStates) {

    /** Heap per automatic decoded-state slot: 1/16 of the heap at about 4 KB per decoded state. */
    static final long AUTO_HEAP_PER_STATE = 64L << 10;

    /**
     * RocksDB stores (state off the heap; a clean restart reuses the local copy), automatic decoded-state count. With
     * the 1 s commit the in-memory store was no faster within the noise (BENCHMARKS.md §6).
     */
    public static RunStores defaults() {
        return new RunStores(false, 0);
    }

    public RunStores {
        if (decodedStates < 0) {
            throw new IllegalArgumentException("decodedStates must be ≥ 0, got " + decodedStates);
        }
    }

    /**
     * Decoded states kept per task, for an instance that may hold up to {@code partitions} tasks: the instance's
     * count ({@code decodedStates}, or max heap / 64 KiB when 0) shared by that many tasks, at least 16.
     */
    public int decodedStatesPerTask(int partitions) {
        long perInstance =
                decodedStates > 0 ? decodedStates : Runtime.getRuntime().maxMemory() / AUTO_HEAP_PER_STATE;
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, perInstance / Math.max(1, partitions)));
    }
}
