package dev.satwatch.io;

import dev.satwatch.event.RunEvent;
import java.util.List;

/**
 * What a reader got from one file.
 *
 * @param events the decoded events in file order (duplicates and non-monotone token counts kept)
 * @param problems the skipped lines, in file order
 * @param linesRead physical lines read, blank ones included
 */
public record ReadResult(List<RunEvent> events, List<InputProblem> problems, long linesRead) {

    /** Copies the lists, so a result is immutable. */
    public ReadResult {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }
}
