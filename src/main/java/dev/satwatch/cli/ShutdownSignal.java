package dev.satwatch.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (the JVM shutdown) into a signal a long-running command waits on, and lets the shutdown wait until
 * the command has closed its resources, so a stop is always clean. Use in try-with-resources.
 */
final class ShutdownSignal implements AutoCloseable {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    ShutdownSignal() {
        hook = new Thread(
                () -> {
                    requested.countDown();
                    try {
                        // Give the command time to flush and close; never hold the JVM forever.
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "satwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits up to {@code timeout} for Ctrl-C; true if it came. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether Ctrl-C came. */
    boolean requested() {
        return requested.getCount() == 0;
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and now returns.
        }
    }
}
