package dev.satwatch.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV record into fields, RFC 4180 style: a field that starts with a double quote runs to
 * the closing quote, may contain delimiters and line breaks, and writes a quote as {@code ""};
 * unquoted fields are taken verbatim. Lenient where RFC 4180 is strict: text after a closing quote
 * is appended to the field, and quotes inside an unquoted field are kept. Stateless; thread-safe.
 */
final class CsvSplitter {

    private CsvSplitter() {}

    /**
     * The fields of {@code record}, or null when a quoted field is still open at the end (the record
     * continues on the next line; the caller appends {@code "\n"} and that line, and tries again).
     */
    static List<String> split(String record, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean atFieldStart = true;
        int n = record.length();
        for (int i = 0; i < n; i++) {
            char c = record.charAt(i);
            if (quoted) {
                if (c != '"') {
                    field.append(c);
                } else if (i + 1 < n && record.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = false;
                }
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
                continue;
            } else if (c == '"' && atFieldStart) {
                quoted = true;
            } else {
                field.append(c);
            }
            atFieldStart = false;
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
