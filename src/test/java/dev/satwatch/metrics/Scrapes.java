package dev.satwatch.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus text exposition (version 0.0.4), for assertions on what a scraper sees. */
final class Scrapes {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line: metric name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private Scrapes() {}

    /** Every sample of the text. */
    static List<Sample> samples(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, parse(m.group(4))));
        }
        return out;
    }

    /** Samples named {@code name} whose labels include {@code labels}. */
    static List<Sample> find(String text, String name, Map<String, String> labels) {
        return samples(text).stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The value of the one sample named {@code name} with {@code labels}; fails when there is not exactly one. */
    static double value(String text, String name, Map<String, String> labels) {
        List<Sample> found = find(text, name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + labels + " in:\n" + text);
        }
        return found.get(0).value();
    }

    private static double parse(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }
}
