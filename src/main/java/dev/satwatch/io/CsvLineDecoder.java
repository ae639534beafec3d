package dev.satwatch.io;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import dev.satwatch.serde.EventCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link LineDecoder} for CSV: the first non-blank line is the header, resolved against the
 * {@link CsvMapping}; every later record becomes one {@link LossPoint} with its metadata inline, or
 * an {@link InputProblem} naming the column. Empty rows (blank, or only delimiters) are skipped
 * silently.
 */
final class CsvLineDecoder implements LineDecoder {

    /** Longest record (in characters) held back waiting for a closing quote before giving up. */
    static final int MAX_RECORD_CHARS = 65536;

    private final Path source;
    private final CsvMapping mapping;
    private long line;
    private StringBuilder pending;
    private long pendingStart;
    private char delimiter = ',';

    // Resolved header; header == null until the header line has been read.
    private List<String> header;
    private int[] runIdx;
    private String runField;
    private int tokensIdx = -1;
    private int stepIdx = -1;
    private int lossIdx = -1;
    private int lrIdx = -1;
    private int d1Idx = -1;
    private int settingIdx = -1;
    private String split;
    private final String fallbackRunId;
    private final long metaTokensPerStep;
    private RunMeta lastMeta = RunMeta.EMPTY;

    CsvLineDecoder(Path source, CsvMapping mapping) {
        this(source, mapping, null);
    }

    /** A decoder whose rows belong to {@code defaultRunId} when there is no run column (null: the file's stem). */
    CsvLineDecoder(Path source, CsvMapping mapping, String defaultRunId) {
        this.source = source;
        this.mapping = mapping;
        this.fallbackRunId = defaultRunId != null ? defaultRunId : stem(source);
        double tps = mapping.tokensPerStep();
        this.metaTokensPerStep = mapping.hasTokensPerStep() && tps == Math.rint(tps) && tps < 0x1p63 ? (long) tps : 0L;
    }

    @Override
    public Decoded decode(String lineText) throws InputFormatException {
        line++;
        String text = lineText.endsWith("\r") ? lineText.substring(0, lineText.length() - 1) : lineText;
        long start;
        if (pending != null) {
            pending.append('\n').append(text);
            text = pending.toString();
            start = pendingStart;
        } else {
            if (header == null && text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte-order mark some spreadsheet tools write
            }
            if (text.isBlank()) {
                return Decoded.NONE;
            }
            start = line;
        }
        if (header == null) {
            delimiter = text.indexOf(',') < 0 && text.indexOf('\t') >= 0 ? '\t' : ',';
        }
        List<String> fields = CsvSplitter.split(text, delimiter);
        if (fields == null) {
            if (text.length() > MAX_RECORD_CHARS) {
                pending = null;
                return Decoded.of(new InputProblem(
                        source,
                        start,
                        null,
                        "unterminated quoted field (record longer than " + MAX_RECORD_CHARS + " characters); skipped"));
            }
            if (pending == null) {
                pending = new StringBuilder(text);
                pendingStart = start;
            }
            return Decoded.NONE;
        }
        pending = null;
        if (header == null) {
            resolveHeader(fields, start);
            return Decoded.NONE;
        }
        return decodeRow(fields, start);
    }

    @Override
    public Decoded finish() {
        if (pending == null) {
            return Decoded.NONE;
        }
        pending = null;
        return Decoded.of(new InputProblem(source, pendingStart, null, "unterminated quoted field at end of file"));
    }

    /** Whether the header line has been read. */
    boolean hasHeader() {
        return header != null;
    }

    @Override
    public long linesSeen() {
        return line;
    }

    private void resolveHeader(List<String> fields, long at) throws InputFormatException {
        List<String> names = new ArrayList<>(fields.size());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).strip();
            names.add(name);
            index.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
        }
        if (mapping.fixedRunId() != null) {
            runIdx = new int[0];
        } else if (mapping.runColumn() != null) {
            String[] parts = CsvMapping.runColumns(mapping.runColumn());
            runIdx = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                runIdx[i] = column(index, names, parts[i], null, "run", at);
            }
            runField = mapping.runColumn();
        } else {
            int run = column(index, names, null, CsvMapping.RUN_NAMES, "run", at);
            runIdx = run < 0 ? new int[0] : new int[] {run};
            runField = run < 0 ? null : names.get(run);
        }
        lossIdx = column(index, names, mapping.lossColumn(), CsvMapping.LOSS_NAMES, "loss", at);
        if (lossIdx < 0) {
            throw new InputFormatException(source + ":" + at + ": no loss column (looked for "
                    + String.join(", ", CsvMapping.LOSS_NAMES) + "); pass --loss-column NAME. Columns: "
                    + String.join(", ", names));
        }
        tokensIdx = column(index, names, mapping.tokensColumn(), CsvMapping.TOKENS_NAMES, "tokens", at);
        stepIdx = column(index, names, mapping.stepColumn(), CsvMapping.STEP_NAMES, "step", at);
        lrIdx = column(index, names, mapping.lrColumn(), CsvMapping.LR_NAMES, "lr", at);
        d1Idx = column(index, names, mapping.d1Column(), CsvMapping.D1_NAMES, "d1", at);
        settingIdx = column(index, names, mapping.settingColumn(), CsvMapping.SETTING_NAMES, "setting", at);
        if (tokensIdx < 0 && !(stepIdx >= 0 && mapping.hasTokensPerStep())) {
            String why = stepIdx >= 0
                    ? "no tokens column (looked for " + String.join(", ", CsvMapping.TOKENS_NAMES)
                            + ") and no tokens per step to convert column '" + names.get(stepIdx)
                            + "'; pass --tokens-per-step N or --tokens-column NAME"
                    : "neither a tokens nor a step column (looked for "
                            + String.join(", ", CsvMapping.TOKENS_NAMES) + ", "
                            + String.join(", ", CsvMapping.STEP_NAMES) + "); pass --tokens-column NAME, or"
                            + " --step-column NAME with --tokens-per-step N";
            throw new InputFormatException(source + ":" + at + ": " + why + ". Columns: " + String.join(", ", names));
        }
        String lossName = names.get(lossIdx);
        split = mapping.split() != null && !mapping.split().isBlank()
                ? mapping.split()
                : lossName.toLowerCase(Locale.ROOT).contains("train") ? LossPoint.TRAIN : LossPoint.VAL;
        header = List.copyOf(names);
    }

    /**
     * The index of the explicitly named column (an error if absent), else of the first auto-detect
     * name present, else -1.
     */
    private int column(
            Map<String, Integer> index,
            List<String> names,
            String explicit,
            List<String> candidates,
            String what,
            long at)
            throws InputFormatException {
        if (explicit != null) {
            Integer i = index.get(explicit.strip().toLowerCase(Locale.ROOT));
            if (i == null) {
                throw new InputFormatException(source + ":" + at + ": " + what + " column '" + explicit
                        + "' is not in the header. Columns: " + String.join(", ", names));
            }
            return i;
        }
        for (String candidate : candidates) {
            Integer i = index.get(candidate);
            if (i != null) {
                return i;
            }
        }
        return -1;
    }

    private Decoded decodeRow(List<String> fields, long at) {
        if (fields.stream().allMatch(String::isBlank)) {
            return Decoded.NONE; // an empty row (",,,"), as spreadsheet exports leave at the end
        }
        if (fields.size() != header.size()) {
            return problem(at, null, "expected " + header.size() + " fields, found " + fields.size());
        }
        String runId = runId(fields);
        if (runId.isBlank()) {
            return problem(at, runField, "empty run id");
        }
        if (runId.length() > EventCodec.MAX_RUN_ID_CHARS) {
            return problem(at, runField, "run id longer than " + EventCodec.MAX_RUN_ID_CHARS + " characters");
        }
        String lossCell = fields.get(lossIdx);
        if (lossCell.isBlank()) {
            return problem(at, header.get(lossIdx), "empty");
        }
        double loss;
        try {
            loss = NumberText.parse(lossCell); // non-finite is a divergence, kept
        } catch (NumberFormatException e) {
            return problem(at, header.get(lossIdx), "not a number " + NumberText.quote(lossCell));
        }
        long step = -1;
        if (stepIdx >= 0 && !fields.get(stepIdx).isBlank()) {
            String cell = fields.get(stepIdx);
            double s;
            try {
                s = NumberText.parse(cell);
            } catch (NumberFormatException e) {
                return problem(at, header.get(stepIdx), "not a number " + NumberText.quote(cell));
            }
            if (!(s >= 0) || s != Math.rint(s) || s >= 0x1p63) {
                return problem(at, header.get(stepIdx), "not a non-negative integer " + NumberText.quote(cell));
            }
            step = (long) s;
        }
        double d2;
        if (tokensIdx >= 0 && !fields.get(tokensIdx).isBlank()) {
            String cell = fields.get(tokensIdx);
            try {
                d2 = NumberText.parse(cell);
            } catch (NumberFormatException e) {
                return problem(at, header.get(tokensIdx), "not a number " + NumberText.quote(cell));
            }
            if (!Double.isFinite(d2) || d2 < 0) {
                return problem(
                        at, header.get(tokensIdx), "not a finite non-negative token count " + NumberText.quote(cell));
            }
        } else if (step >= 0 && mapping.hasTokensPerStep()) {
            d2 = step * mapping.tokensPerStep();
        } else {
            String field = tokensIdx >= 0 ? header.get(tokensIdx) : header.get(stepIdx);
            return problem(at, field, "empty, and no step × tokens per step to fall back on");
        }
        double lr = Double.NaN;
        if (lrIdx >= 0 && !fields.get(lrIdx).isBlank()) {
            String cell = fields.get(lrIdx);
            try {
                lr = NumberText.parse(cell);
            } catch (NumberFormatException e) {
                return problem(at, header.get(lrIdx), "not a number " + NumberText.quote(cell));
            }
        }
        double d1 = mapping.d1Value();
        if (d1Idx >= 0 && !fields.get(d1Idx).isBlank()) {
            String cell = fields.get(d1Idx);
            try {
                d1 = NumberText.parse(cell);
            } catch (NumberFormatException e) {
                return problem(at, header.get(d1Idx), "not a number " + NumberText.quote(cell));
            }
            if (!Double.isFinite(d1) || d1 < 0) {
                return problem(
                        at, header.get(d1Idx), "not a finite non-negative token count " + NumberText.quote(cell));
            }
        }
        String setting = null;
        if (settingIdx >= 0 && !fields.get(settingIdx).isBlank()) {
            setting = fields.get(settingIdx).strip();
        }
        return Decoded.of(new LossPoint(runId, null, step, d2, loss, split, lr, meta(setting, d1)));
    }

    /** Metadata for a row; the previous row's instance is reused when equal (rows usually repeat it). */
    private RunMeta meta(String setting, double d1) {
        RunMeta m = new RunMeta(setting, null, d1, Double.NaN, Double.NaN, metaTokensPerStep);
        if (m.equals(RunMeta.EMPTY)) {
            return RunMeta.EMPTY;
        }
        if (!m.equals(lastMeta)) {
            lastMeta = m;
        }
        return lastMeta;
    }

    private String runId(List<String> fields) {
        if (mapping.fixedRunId() != null) {
            return mapping.fixedRunId();
        }
        if (runIdx.length == 0) {
            return fallbackRunId;
        }
        if (runIdx.length == 1) {
            return fields.get(runIdx[0]).strip();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < runIdx.length; i++) {
            if (i > 0) {
                b.append('-');
            }
            b.append(fields.get(runIdx[i]).strip());
        }
        return b.toString();
    }

    private Decoded problem(long at, String field, String message) {
        return Decoded.of(new InputProblem(source, at, field, message));
    }

    /** The file name without its last extension: the run id of a file without a run column. */
    static String stem(Path file) {
        if (file == null || file.getFileName() == null) {
            return "run";
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
