package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.satwatch.law.LawCovariance;
import dev.satwatch.law.LawStdErr;
import dev.satwatch.law.ReuseLaw;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes law files: the calibrated {@link ReuseLaw} of each setting, as read by {@code
 * satwatch fit --law} and by the streaming app (the file of {@code laws.file}; {@code config/laws.example.json}
 * shows the shape):
 *
 * <pre>{@code
 * {"laws":[{"setting":"cpt-code",
 *           "law":{"a":8.0,"alpha1":0.15,"alpha2":0.45,"alpha3":0.04,"e":1.7},
 *           "stderr":{"a":0.01,"alpha1":0.0004,"alpha2":0.0014,"alpha3":0.00013,"e":0.008},
 *           "covariance":{"order":["a","alpha1","alpha2","alpha3","e"],"dof":1195,
 *                         "matrix":[[1.0E-4,...],[...],[...],[...],[...]]},
 *           "cooldown_c":0.31,"rmse":0.0029,"runs_used":10}]}
 * }</pre>
 *
 * {@code cooldown_c} is the setting's C of the schedule-aware law ({@link ReuseLaw#cooldownC()}, the median of its
 * decayed calibration runs' C): optional, written when known, absent or null read as NaN; when present a finite
 * number.
 *
 * {@code covariance} is the full 5×5 covariance of the constants in the order given by {@code order} (always the
 * order above), with the calibration's residual degrees of freedom ({@code dof}, 0 or absent when unknown): it is
 * what gives {@code α(D1) = α2 − α3·ln D1} its interval ({@link ReuseLaw#alphaInterval(double)}). Optional on read:
 * files written before it existed load with {@link dev.satwatch.law.LawCovariance#unknown()}; when present it must
 * be 5 rows of 5 finite numbers, symmetric, with a non-negative diagonal.
 *
 * Constants are in the law's units: tokens in billions, natural log. {@code stderr}, {@code rmse}
 * and {@code runs_used} are optional on read and written when known (an all-NaN {@code stderr}, a
 * NaN {@code rmse} or a zero {@code runs_used} means unknown and is left out); a NaN (or infinity)
 * inside {@code law} or {@code stderr} is written as {@code null}. Unknown fields are ignored on read, so newer
 * writers can add fields. Each {@code law} constant must be a finite number, with {@code a > 0} and
 * {@code e ≥ 0}; settings must be unique. Every problem is reported as a {@link LawFileException}
 * whose message names the file, the entry and the field, e.g. {@code "laws.json: laws[1].law.alpha3:
 * missing"}.
 *
 * <p>Stateless and thread-safe (the shared {@link ObjectMapper} is configured once).
 */
public final class LawJson {

    /**
     * One setting's law with what is known of its quality.
     *
     * @param setting the setting the law applies to (non-blank)
     * @param law the five constants
     * @param stdErr their standard errors ({@link LawStdErr#unknown()} when not known; null is taken as
     *     unknown)
     * @param rmse RMS of log residuals of the calibration, {@code NaN} when not known
     * @param runsUsed runs the law was calibrated on, 0 when not known
     */
    public record Entry(String setting, ReuseLaw law, LawStdErr stdErr, double rmse, int runsUsed) {
        /** Validates the required parts and normalises an absent standard error to unknown. */
        public Entry {
            Objects.requireNonNull(setting, "setting");
            Objects.requireNonNull(law, "law");
            stdErr = stdErr == null ? LawStdErr.unknown() : stdErr;
        }

        /** An entry with nothing known but the constants. */
        public static Entry of(String setting, ReuseLaw law) {
            return new Entry(setting, law, LawStdErr.unknown(), Double.NaN, 0);
        }
    }

    private static final String[] CONSTANTS = {"a", "alpha1", "alpha2", "alpha3", "e"};

    // Duplicate keys would silently keep the last value: reject them so a mistyped file is noticed.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private LawJson() {}

    /**
     * Reads a law file.
     *
     * @return entries by setting, in file order
     * @throws LawFileException when the file cannot be read or is not a valid law file
     */
    public static Map<String, Entry> read(Path file) throws LawFileException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LawFileException(
                    file + ": cannot read the law file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    e);
        }
        return parse(json, file.toString());
    }

    /**
     * Parses law-file JSON.
     *
     * @param sourceName names the source in error messages (usually the file name)
     * @return entries by setting, in document order
     * @throws LawFileException when the JSON is malformed or is not a valid law file
     */
    public static Map<String, Entry> parse(String json, String sourceName) throws LawFileException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new LawFileException(sourceName + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new LawFileException(sourceName + ": expected a JSON object {\"laws\":[...]}");
        }
        JsonNode laws = root.get("laws");
        if (laws == null) {
            throw new LawFileException(sourceName + ": laws: missing");
        }
        if (!laws.isArray()) {
            throw new LawFileException(sourceName + ": laws: expected an array, found " + kind(laws));
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Integer> firstIndex = new LinkedHashMap<>();
        for (int i = 0; i < laws.size(); i++) {
            Fields f = new Fields(sourceName, "laws[" + i + "]");
            Entry entry = entry(laws.get(i), f);
            Integer previous = firstIndex.putIfAbsent(entry.setting(), i);
            if (previous != null) {
                throw f.error("setting", "duplicate setting '" + entry.setting() + "' (also laws[" + previous + "])");
            }
            entries.put(entry.setting(), entry);
        }
        return entries;
    }

    private static Entry entry(JsonNode node, Fields f) throws LawFileException {
        if (!node.isObject()) {
            throw f.error(null, "expected an object, found " + kind(node));
        }
        JsonNode setting = node.get("setting");
        if (setting == null) {
            throw f.error("setting", "missing");
        }
        if (!setting.isTextual() || setting.textValue().isBlank()) {
            throw f.error("setting", "expected a non-empty string, found " + kind(setting));
        }
        JsonNode lawNode = node.get("law");
        if (lawNode == null) {
            throw f.error("law", "missing");
        }
        if (!lawNode.isObject()) {
            throw f.error("law", "expected an object with a, alpha1, alpha2, alpha3, e; found " + kind(lawNode));
        }
        double[] c = new double[CONSTANTS.length];
        for (int k = 0; k < CONSTANTS.length; k++) {
            String field = "law." + CONSTANTS[k];
            JsonNode v = lawNode.get(CONSTANTS[k]);
            if (v == null) {
                throw f.error(field, "missing");
            }
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw f.error(field, "expected a finite number, found " + kind(v));
            }
            c[k] = v.doubleValue();
        }
        if (!(c[0] > 0)) {
            throw f.error("law.a", "must be > 0, was " + c[0]);
        }
        if (c[4] < 0) {
            throw f.error("law.e", "must be >= 0, was " + c[4]);
        }
        ReuseLaw law = new ReuseLaw(
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                covariance(node.get("covariance"), f),
                cooldownC(node.get("cooldown_c"), f));
        return new Entry(
                setting.textValue(),
                law,
                stdErr(node.get("stderr"), f),
                rmse(node.get("rmse"), f),
                runsUsed(node.get("runs_used"), f));
    }

    private static LawStdErr stdErr(JsonNode node, Fields f) throws LawFileException {
        if (node == null || node.isNull()) {
            return LawStdErr.unknown();
        }
        if (!node.isObject()) {
            throw f.error("stderr", "expected an object, found " + kind(node));
        }
        double[] s = new double[CONSTANTS.length];
        for (int k = 0; k < CONSTANTS.length; k++) {
            s[k] = optionalNonNegative(node.get(CONSTANTS[k]), f, "stderr." + CONSTANTS[k]);
        }
        return new LawStdErr(s[0], s[1], s[2], s[3], s[4]);
    }

    private static LawCovariance covariance(JsonNode node, Fields f) throws LawFileException {
        if (node == null || node.isNull()) {
            return LawCovariance.unknown();
        }
        if (!node.isObject()) {
            throw f.error("covariance", "expected an object, found " + kind(node));
        }
        JsonNode order = node.get("order");
        if (order != null && !order.isNull()) {
            boolean ok = order.isArray() && order.size() == CONSTANTS.length;
            for (int k = 0; ok && k < CONSTANTS.length; k++) {
                ok = CONSTANTS[k].equals(order.get(k).asText());
            }
            if (!ok) {
                throw f.error("covariance.order", "expected [\"a\",\"alpha1\",\"alpha2\",\"alpha3\",\"e\"]");
            }
        }
        JsonNode rows = node.get("matrix");
        if (rows == null) {
            throw f.error("covariance.matrix", "missing");
        }
        if (!rows.isArray() || rows.size() != LawCovariance.SIZE) {
            throw f.error("covariance.matrix", "expected 5 rows of 5 numbers, found " + kind(rows));
        }
        double[][] m = new double[LawCovariance.SIZE][LawCovariance.SIZE];
        for (int i = 0; i < LawCovariance.SIZE; i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() != LawCovariance.SIZE) {
                throw f.error("covariance.matrix[" + i + "]", "expected 5 numbers, found " + kind(row));
            }
            for (int j = 0; j < LawCovariance.SIZE; j++) {
                JsonNode v = row.get(j);
                if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                    throw f.error(
                            "covariance.matrix[" + i + "][" + j + "]", "expected a finite number, found " + kind(v));
                }
                m[i][j] = v.doubleValue();
            }
        }
        for (int i = 0; i < LawCovariance.SIZE; i++) {
            if (m[i][i] < 0) {
                throw f.error("covariance.matrix[" + i + "][" + i + "]", "a variance must be >= 0, was " + m[i][i]);
            }
            for (int j = 0; j < i; j++) {
                double tol = 1e-9 * Math.sqrt(Math.abs(m[i][i] * m[j][j]));
                if (Math.abs(m[i][j] - m[j][i]) > tol) {
                    throw f.error("covariance.matrix", "not symmetric at [" + i + "][" + j + "]");
                }
            }
        }
        JsonNode dof = node.get("dof");
        int d = 0;
        if (dof != null && !dof.isNull()) {
            if (!dof.isIntegralNumber() || !dof.canConvertToInt() || dof.intValue() < 0) {
                throw f.error("covariance.dof", "expected a non-negative integer, found " + kind(dof));
            }
            d = dof.intValue();
        }
        return LawCovariance.of(m, d);
    }

    private static double cooldownC(JsonNode v, Fields f) throws LawFileException {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw f.error("cooldown_c", "expected a finite number or null, found " + kind(v));
        }
        return v.doubleValue();
    }

    private static double rmse(JsonNode node, Fields f) throws LawFileException {
        return optionalNonNegative(node, f, "rmse");
    }

    /** A missing or null number is unknown (NaN); otherwise it must be finite and non-negative. */
    private static double optionalNonNegative(JsonNode v, Fields f, String field) throws LawFileException {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw f.error(field, "expected a finite number or null, found " + kind(v));
        }
        if (v.doubleValue() < 0) {
            throw f.error(field, "must be >= 0, was " + v.doubleValue());
        }
        return v.doubleValue();
    }

    private static int runsUsed(JsonNode v, Fields f) throws LawFileException {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw f.error("runs_used", "expected a non-negative integer, found " + kind(v));
        }
        return v.intValue();
    }

    /** A short description of a node for error messages: its type and, for scalars, its value. */
    private static String kind(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return "the string \"" + v.textValue() + "\"";
        }
        return v.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + v;
    }

    /**
     * Writes entries as a pretty-printed law file document (ending with a newline).
     *
     * @param entries in the order to write them
     */
    public static String write(Collection<Entry> entries) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode laws = root.putArray("laws");
        for (Entry entry : entries) {
            ObjectNode node = laws.addObject();
            node.put("setting", entry.setting());
            ReuseLaw law = entry.law();
            putConstants(
                    node.putObject("law"), new double[] {law.a(), law.alpha1(), law.alpha2(), law.alpha3(), law.e()});
            LawStdErr se = entry.stdErr();
            double[] errors = {se.a(), se.alpha1(), se.alpha2(), se.alpha3(), se.e()};
            if (!allNaN(errors)) {
                putConstants(node.putObject("stderr"), errors);
            }
            if (law.hasCovariance()) {
                putCovariance(node.putObject("covariance"), law.covariance());
            }
            if (Double.isFinite(law.cooldownC())) {
                node.put("cooldown_c", law.cooldownC());
            }
            if (Double.isFinite(entry.rmse())) {
                node.put("rmse", entry.rmse());
            }
            if (entry.runsUsed() > 0) {
                node.put("runs_used", entry.runsUsed());
            }
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; reaching here is a Jackson bug.
            throw new IllegalStateException("cannot serialise law entries", e);
        }
    }

    /**
     * Writes entries to {@code file}, replacing it atomically where the file system allows, so a
     * reader never sees half a file.
     */
    public static void write(Path file, Collection<Entry> entries) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, write(entries), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void putCovariance(ObjectNode node, LawCovariance cov) {
        ArrayNode order = node.putArray("order");
        for (String c : CONSTANTS) {
            order.add(c);
        }
        node.put("dof", cov.dof());
        ArrayNode rows = node.putArray("matrix");
        for (int i = 0; i < LawCovariance.SIZE; i++) {
            ArrayNode row = rows.addArray();
            for (int j = 0; j < LawCovariance.SIZE; j++) {
                row.add(cov.get(i, j));
            }
        }
    }

    private static void putConstants(ObjectNode node, double[] values) {
        for (int k = 0; k < CONSTANTS.length; k++) {
            if (!Double.isFinite(values[k])) {
                node.putNull(CONSTANTS[k]);
            } else {
                node.put(CONSTANTS[k], values[k]);
            }
        }
    }

    private static boolean allNaN(double[] values) {
        for (double v : values) {
            if (!Double.isNaN(v)) {
                return false;
            }
        }
        return true;
    }

    /** Builds messages of the form {@code "source: laws[i].field: problem"}. */
    private record Fields(String source, String entry) {
        LawFileException error(String field, String problem) {
            return new LawFileException(source + ": " + entry + (field == null ? "" : "." + field) + ": " + problem);
        }
    }
}
