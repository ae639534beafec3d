package dev.satwatch.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop to a target rate of operations per second (0 = unpaced), by parking the thread until the next
 * operation is due. Not thread-safe.
 */
final class Pacer {

    private final double ratePerSecond;
    private final long start = System.nanoTime();
    private long count;

    Pacer(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    /** Waits until operation number {@code count + 1} is due, then counts it. */
    void acquire() {
        count++;
        if (ratePerSecond <= 0) {
            return;
        }
        long due = start + (long) (count / ratePerSecond * 1e9);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
