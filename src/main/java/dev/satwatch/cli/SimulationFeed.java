package dev.satwatch.cli;

import dev.satwatch.sim.TimedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a simulated fleet's events in their wall-time order, either compressing the fleet's timeline into
 * {@code span} (gaps, such as a stalling run's silence, keep their proportions) or at a fixed rate. Runs on its own
 * thread; {@link #stop()} ends it early.
 */
final class SimulationFeed implements Runnable {

    private final List<TimedEvent> events;
    private final Duration span;
    private final double rate;
    private final EventPublisher publisher;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private volatile RuntimeException failure;

    /**
     * @param events the events, in wall-time order
     * @param span compress the timeline into this (used when {@code rate} ≤ 0)
     * @param rate events per second, or ≤ 0 to follow the compressed timeline
     * @param publisher where to send them
     */
    SimulationFeed(List<TimedEvent> events, Duration span, double rate, EventPublisher publisher) {
        this.events = events;
        this.span = span;
        this.rate = rate;
        this.publisher = publisher;
    }

    @Override
    public void run() {
        if (events.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long first = events.get(0).wallTime().toEpochMilli();
        long last = events.get(events.size() - 1).wallTime().toEpochMilli();
        double nanosPerMilli = last > first ? span.toNanos() / (double) (last - first) : 0;
        try {
            for (int i = 0; i < events.size() && !stop.get(); i++) {
                TimedEvent e = events.get(i);
                long due = rate > 0
                        ? start + (long) (i / rate * 1e9)
                        : start + (long) ((e.wallTime().toEpochMilli() - first) * nanosPerMilli);
                for (long wait = due - System.nanoTime(); wait > 0 && !stop.get(); wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(Math.min(wait, 100_000_000L));
                }
                if (stop.get()) {
                    break;
                }
                publisher.send(e.event());
                published.incrementAndGet();
            }
            publisher.flush();
        } catch (RuntimeException ex) {
            failure = ex;
        }
    }

    void stop() {
        stop.set(true);
    }

    long published() {
        return published.get();
    }

    int total() {
        return events.size();
    }

    /** What ended the feed early, or null. */
    RuntimeException failure() {
        return failure;
    }
}
