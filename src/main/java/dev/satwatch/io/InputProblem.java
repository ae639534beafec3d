package dev.satwatch.io;

import java.nio.file.Path;

/**
 * One bad line of an input file. Not fatal: the line is skipped, the problem recorded, and reading
 * goes on.
 *
 * @param file the file read
 * @param line 1-based line where the bad record starts; 0 when not known
 * @param field the column or JSON field at fault; null when the record as a whole is bad
 * @param message what is wrong, e.g. {@code not a number ('abc')}
 */
public record InputProblem(Path file, long line, String field, String message) {

    /**
     * A one-line description in compiler style: {@code f.csv:12: field 'loss': not a number ('abc')}
     * (the line and field parts are left out when unknown).
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (field != null) {
            b.append("field '").append(field).append("': ");
        }
        return b.append(message).toString();
    }
}
