package dev.satwatch.io;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunMeta;
import dev.satwatch.serde.EventJsonDocument;
import dev.satwatch.serde.EventJsonDocument.LocatedObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Hugging Face Trainer {@code trainer_state.json}: each {@code log_history} entry with
 * {@code loss} is a {@code train} point, with {@code eval_loss} a {@code val} point, and with
 * {@code eval_<name>_loss} a point of split {@code <name>} (one entry may give several). Entries
 * without a loss (the final {@code train_loss} summary, runtime logs) are ignored.
 *
 * <p>D2 tokens: the entry's {@code num_input_tokens_seen}; else the value logged by another entry at
 * the same step; else {@code step × tokensPerStep} from the mapping; else linear interpolation
 * between the nearest logged steps around it. When no entry logs tokens and no tokens per step is
 * given, the file is rejected (pass {@code --tokens-per-step}). Eval entries, which log no learning
 * rate, take the latest one logged at or before their step. The run id is the mapping's fixed run
 * id, else the name of the folder holding the file ({@code checkpoint-N} folders are skipped for
 * their parent, the Trainer's output directory). D1 comes from the mapping's {@code d1Value}.
 */
final class TrainerStateReader {

    private static final Pattern NAMED_EVAL = Pattern.compile("eval_(.+)_loss");
    private static final Pattern CHECKPOINT_DIR = Pattern.compile("checkpoint-\\d+");

    private TrainerStateReader() {}

    static ReadResult read(Path file, byte[] content, CsvMapping mapping) throws InputFormatException {
        return read(file, content, mapping, null);
    }

    /** Reads {@code content}; its run id is the fixed one, else {@code defaultRunId}, else the folder's name. */
    static ReadResult read(Path file, byte[] content, CsvMapping mapping, String defaultRunId)
            throws InputFormatException {
        List<LocatedObject> entries;
        try {
            entries = EventJsonDocument.objectsOfArray(content, "log_history");
        } catch (IOException e) {
            throw new InputFormatException(file + ": not a readable trainer_state.json: " + e.getMessage(), e);
        }
        long lines = countLines(content);
        String runId = mapping.fixedRunId() != null
                ? mapping.fixedRunId()
                : defaultRunId != null ? defaultRunId : runIdFromPath(file);
        RunMeta meta = Double.isNaN(mapping.d1Value())
                ? RunMeta.EMPTY
                : new RunMeta(null, null, mapping.d1Value(), Double.NaN, Double.NaN, 0L);

        // Tokens logged per step, to place entries that lack them (eval logs usually do).
        TreeMap<Long, Double> tokensAtStep = new TreeMap<>();
        TreeMap<Long, Double> lrAtStep = new TreeMap<>();
        for (LocatedObject entry : entries) {
            if (entry.values() != null) {
                long step = step(entry.values().get("step"));
                double tokens = number(entry.values().get("num_input_tokens_seen"));
                if (step >= 0 && Double.isFinite(tokens) && tokens >= 0) {
                    tokensAtStep.putIfAbsent(step, tokens);
                }
                double lr = number(entry.values().get("learning_rate"));
                if (step >= 0 && !Double.isNaN(lr)) {
                    lrAtStep.put(step, lr);
                }
            }
        }

        List<RunEvent> events = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        boolean anyLoss = false;
        for (LocatedObject entry : entries) {
            if (entry.values() == null) {
                problems.add(new InputProblem(file, entry.line(), "log_history", "entry is not an object"));
                continue;
            }
            Map<String, Object> v = entry.values();
            List<String[]> losses = lossKeys(v);
            if (losses.isEmpty()) {
                continue;
            }
            anyLoss = true;
            Object stepValue = v.get("step");
            long step = step(stepValue);
            if (stepValue != null && step < 0) {
                problems.add(new InputProblem(
                        file, entry.line(), "step", "not a non-negative integer ('" + stepValue + "')"));
                continue;
            }
            double d2 = tokens(v, step, tokensAtStep, mapping);
            if (Double.isNaN(d2)) {
                if (tokensAtStep.isEmpty() && !mapping.hasTokensPerStep()) {
                    throw new InputFormatException(file + ": log_history has no num_input_tokens_seen, so D2 tokens"
                            + " are unknown; pass --tokens-per-step N (per-device batch × gradient accumulation ×"
                            + " devices × sequence length)");
                }
                problems.add(new InputProblem(
                        file, entry.line(), "num_input_tokens_seen", "missing, and no step to place the entry"));
                continue;
            }
            double lr = number(v.get("learning_rate"));
            if (Double.isNaN(lr) && step >= 0) {
                // Eval logs carry no learning rate: take the latest one logged at or before this step.
                Map.Entry<Long, Double> latest = lrAtStep.floorEntry(step);
                lr = latest == null ? Double.NaN : latest.getValue();
            }
            for (String[] key : losses) {
                Object raw = v.get(key[0]);
                double loss = number(raw);
                if (Double.isNaN(loss) && !isNaNValue(raw)) {
                    problems.add(new InputProblem(file, entry.line(), key[0], "not a number ('" + raw + "')"));
                    continue;
                }
                events.add(new LossPoint(runId, null, step, d2, loss, key[1], lr, meta));
            }
        }
        if (!anyLoss && problems.isEmpty() && !entries.isEmpty()) {
            // Nothing to fit is worth saying, but it is the file's content, not a bad line.
            problems.add(new InputProblem(file, 0, "log_history", "no entry has loss, eval_loss or eval_<name>_loss"));
        }
        return new ReadResult(events, problems, lines);
    }

    /** The loss keys of an entry as {key, split} pairs. */
    private static List<String[]> lossKeys(Map<String, Object> v) {
        List<String[]> keys = new ArrayList<>(2);
        for (String key : v.keySet()) {
            if (key.equals("loss")) {
                keys.add(new String[] {key, LossPoint.TRAIN});
            } else if (key.equals("eval_loss")) {
                keys.add(new String[] {key, LossPoint.VAL});
            } else if (key.startsWith("eval_") && key.endsWith("_loss")) {
                Matcher m = NAMED_EVAL.matcher(key);
                if (m.matches()) {
                    keys.add(new String[] {key, m.group(1)});
                }
            }
        }
        return keys;
    }

    private static double tokens(Map<String, Object> v, long step, TreeMap<Long, Double> tokensAtStep, CsvMapping m) {
        double own = number(v.get("num_input_tokens_seen"));
        if (Double.isFinite(own) && own >= 0) {
            return own;
        }
        if (step < 0) {
            return Double.NaN;
        }
        Double same = tokensAtStep.get(step);
        if (same != null) {
            return same;
        }
        if (m.hasTokensPerStep()) {
            return step * m.tokensPerStep();
        }
        Map.Entry<Long, Double> below = tokensAtStep.lowerEntry(step);
        Map.Entry<Long, Double> above = tokensAtStep.higherEntry(step);
        if (below == null || above == null) {
            return Double.NaN;
        }
        double f = (double) (step - below.getKey()) / (above.getKey() - below.getKey());
        return below.getValue() + f * (above.getValue() - below.getValue());
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static boolean isNaNValue(Object o) {
        return o instanceof Double d && d.isNaN();
    }

    /** A non-negative integral step, or -1 when absent or not one. */
    private static long step(Object o) {
        if (!(o instanceof Number n)) {
            return -1;
        }
        double d = n.doubleValue();
        return d >= 0 && d == Math.rint(d) && d < 0x1p63 ? (long) d : -1;
    }

    static String runIdFromPath(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null
                && dir.getFileName() != null
                && CHECKPOINT_DIR.matcher(dir.getFileName().toString()).matches()
                && dir.getParent() != null
                && dir.getParent().getFileName() != null) {
            dir = dir.getParent();
        }
        return dir == null || dir.getFileName() == null
                ? CsvLineDecoder.stem(file)
                : dir.getFileName().toString();
    }

    private static long countLines(byte[] content) {
        long lines = content.length == 0 ? 0 : 1;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        return content.length > 0 && content[content.length - 1] == '\n' ? lines - 1 : lines;
    }
}
