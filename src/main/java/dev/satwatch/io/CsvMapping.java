package dev.satwatch.io;

import java.util.List;

/**
 * How CSV columns map to loss points (also used for {@code trainer_state.json}: the fixed run id,
 * tokens per step and D1). Start from {@link #defaults()} and override with the {@code with...}
 * methods; every column left null is auto-detected from the header by the first matching name
 * (case-insensitive, surrounding spaces ignored):
 *
 * <table>
 *   <caption>Header names tried for each column</caption>
 *   <tr><th>column</th><th>names</th></tr>
 *   <tr><td>run</td><td>{@code run, run_id, run_name}</td></tr>
 *   <tr><td>tokens</td><td>{@code tokens, d2_tokens, num_tokens, num_input_tokens_seen}</td></tr>
 *   <tr><td>step</td><td>{@code step, steps, iteration}</td></tr>
 *   <tr><td>loss</td><td>{@code loss, val_loss, eval_loss, train_loss}</td></tr>
 *   <tr><td>lr</td><td>{@code lr, learning_rate}</td></tr>
 *   <tr><td>d1</td><td>{@code d1, d1_tokens}</td></tr>
 *   <tr><td>setting</td><td>{@code setting}</td></tr>
 * </table>
 *
 * <p>Rules: a loss column is required. D2 comes from the tokens column, or, when there is none or
 * its cell is empty, from {@code step × tokensPerStep}; with neither the file is rejected (pass
 * tokens per step). The run id is {@code fixedRunId} when given, else the run column, else the
 * file name without extension (the caller may pass a longer default, e.g. the relative path, so
 * that files of the same name stay apart). A run column may name several columns joined by
 * {@code ,} or {@code +} (e.g. {@code model_size,seed}): the composite run key, whose values are
 * joined with {@code -} into the run id. D1 comes
 * from the d1 column, else {@code d1Value}. The split is {@code split} when given, else
 * {@code train} when the loss column's name contains "train", else {@code val}. Token counts are raw
 * tokens (not billions).
 *
 * @param runColumn run-id column (or {@code a+b}); null to auto-detect
 * @param fixedRunId run id for every row; overrides any run column; null when unused
 * @param tokensColumn D2 tokens column; null to auto-detect
 * @param stepColumn optimizer-step column; null to auto-detect
 * @param tokensPerStep tokens per optimizer step for {@code step × tokensPerStep}; 0 or NaN when unknown
 * @param lossColumn loss column; null to auto-detect
 * @param lrColumn learning-rate column; null to auto-detect
 * @param d1Column D1 (base pretraining tokens) column; null to auto-detect
 * @param d1Value D1 tokens for every row when there is no d1 column (or its cell is empty); NaN when unknown
 * @param settingColumn setting column; null to auto-detect
 * @param split split name for every point; null for the default described above
 */
public record CsvMapping(
        String runColumn,
        String fixedRunId,
        String tokensColumn,
        String stepColumn,
        double tokensPerStep,
        String lossColumn,
        String lrColumn,
        String d1Column,
        double d1Value,
        String settingColumn,
        String split) {

    static final List<String> RUN_NAMES = List.of("run", "run_id", "run_name");
    static final List<String> TOKENS_NAMES = List.of("tokens", "d2_tokens", "num_tokens", "num_input_tokens_seen");
    static final List<String> STEP_NAMES = List.of("step", "steps", "iteration");
    static final List<String> LOSS_NAMES = List.of("loss", "val_loss", "eval_loss", "train_loss");
    static final List<String> LR_NAMES = List.of("lr", "learning_rate");
    static final List<String> D1_NAMES = List.of("d1", "d1_tokens");
    static final List<String> SETTING_NAMES = List.of("setting");

    /**
     * The column names of a run-column flag: several joined by {@code ,} or {@code +} form a composite key.
     *
     * @param runColumn e.g. {@code run}, {@code model_size,seed} or {@code model_size+seed}
     * @return the names, stripped, in order
     */
    public static String[] runColumns(String runColumn) {
        return java.util.Arrays.stream(runColumn.split("[,+]"))
                .map(String::strip)
                .filter(n -> !n.isEmpty())
                .toArray(String[]::new);
    }

    /** Everything auto-detected; no tokens per step, D1 or fixed run id. */
    public static CsvMapping defaults() {
        return new CsvMapping(null, null, null, null, 0, null, null, null, Double.NaN, null, null);
    }

    /** Whether {@link #tokensPerStep()} is known (positive and finite). */
    public boolean hasTokensPerStep() {
        return tokensPerStep > 0 && Double.isFinite(tokensPerStep);
    }

    /** This mapping with another run column ({@code a+b} joins several). */
    public CsvMapping withRunColumn(String column) {
        return new CsvMapping(
                column,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with one run id for every row. */
    public CsvMapping withFixedRunId(String runId) {
        return new CsvMapping(
                runColumn,
                runId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with another tokens column. */
    public CsvMapping withTokensColumn(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                column,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with another step column. */
    public CsvMapping withStepColumn(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                column,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with tokens per optimizer step. */
    public CsvMapping withTokensPerStep(double tokens) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokens,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with another loss column. */
    public CsvMapping withLossColumn(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                column,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with another learning-rate column. */
    public CsvMapping withLrColumn(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                column,
                d1Column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with another D1 column. */
    public CsvMapping withD1Column(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                column,
                d1Value,
                settingColumn,
                split);
    }

    /** This mapping with one D1 (raw tokens) for every row. */
    public CsvMapping withD1Value(double d1Tokens) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Tokens,
                settingColumn,
                split);
    }

    /** This mapping with another setting column. */
    public CsvMapping withSettingColumn(String column) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                column,
                split);
    }

    /** This mapping with one split name for every point. */
    public CsvMapping withSplit(String splitName) {
        return new CsvMapping(
                runColumn,
                fixedRunId,
                tokensColumn,
                stepColumn,
                tokensPerStep,
                lossColumn,
                lrColumn,
                d1Column,
                d1Value,
                settingColumn,
                splitName);
    }
}
