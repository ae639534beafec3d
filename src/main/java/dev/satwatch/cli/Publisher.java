package dev.satwatch.cli;

import dev.satwatch.event.RunEvent;

/** Where {@code tail} sends the events it reads: the events topic ({@link EventPublisher}) or a satwatch server's
 * {@code POST /api/events} ({@link HttpPublisher}). Not thread-safe. */
interface Publisher extends AutoCloseable {

    /** Sends (or queues) one event. @throws CliException once sending has failed for good */
    void send(RunEvent event);

    /** Sends whatever is queued and waits for it to be taken. @throws CliException when it was not */
    void flush();

    /** Flushes, then reports what happened as one line. @throws CliException when anything was refused */
    String finish(String verb);

    /** Where the events go, for messages. */
    String target();

    @Override
    void close();
}
