package dev.satwatch.cli;

import dev.satwatch.io.CsvMapping;
import dev.satwatch.io.InputFormat;
import dev.satwatch.io.TensorBoardMapping;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** How curve files are read: their format, the CSV/trainer-state column mapping, the split and strictness. */
public final class FormatOptions {

    @Option(
            names = "--format",
            defaultValue = "auto",
            converter = FormatConverter.class,
            paramLabel = "auto|jsonl|csv|trainer-state",
            description = "Input format (default: ${DEFAULT-VALUE}, by extension then content).")
    InputFormat format;

    @Option(
            names = "--run-column",
            paramLabel = "COL[,COL...]",
            description = "CSV: column(s) holding the run id; several (e.g. model_size,seed) form one key.")
    String runColumn;

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "Run id for a file without a run column (default: the file name; with several"
                    + " inputs of the same name, enough of their paths to tell them apart).")
    String runId;

    @Option(names = "--tokens-column", paramLabel = "COL", description = "CSV: column with D2 in tokens.")
    String tokensColumn;

    @Option(names = "--step-column", paramLabel = "COL", description = "CSV: column with the optimizer step.")
    String stepColumn;

    @Option(
            names = "--tokens-per-step",
            paramLabel = "N",
            description = "Tokens per step, to derive D2 from the step (CSV, trainer_state.json, TensorBoard runs"
                    + " that log no tokens tag).")
    Double tokensPerStep;

    @Option(names = "--loss-column", paramLabel = "COL", description = "CSV: column with the loss.")
    String lossColumn;

    @Option(names = "--lr-column", paramLabel = "COL", description = "CSV: column with the learning rate.")
    String lrColumn;

    @Option(names = "--d1-column", paramLabel = "COL", description = "CSV: column with the base model's D1 tokens.")
    String d1Column;

    @Option(
            names = "--d1",
            paramLabel = "TOKENS",
            description = "D1 (base-model pretraining tokens) for every run of a CSV, trainer_state.json or TensorBoard"
                    + " input.")
    Double d1Tokens;

    @Option(names = "--setting-column", paramLabel = "COL", description = "CSV: column with the setting.")
    String settingColumn;

    @Option(
            names = "--csv-split",
            paramLabel = "NAME",
            description = "CSV: split name given to the loss column (default: val).")
    String csvSplit;

    @Option(
            names = "--split",
            paramLabel = "val|train|NAME",
            description = "Loss series to fit (default: val when present, else train).")
    String split;

    @Option(
            names = "--loss-tag",
            split = ",",
            paramLabel = "TAG[,TAG...]",
            description = "TensorBoard: tag(s) of the training loss; * matches anything"
                    + " (default: train/loss, lm loss, train_loss).")
    List<String> lossTags;

    @Option(
            names = "--val-loss-tag",
            split = ",",
            paramLabel = "TAG[,TAG...]",
            description =
                    "TensorBoard: tag(s) of the validation loss (default: eval/loss, lm loss validation, val_loss).")
    List<String> valLossTags;

    @Option(
            names = "--lr-tag",
            split = ",",
            paramLabel = "TAG[,TAG...]",
            description =
                    "TensorBoard: tag(s) of the learning rate (default: train/learning_rate, learning-rate, lr-*).")
    List<String> lrTags;

    @Option(
            names = "--tokens-tag",
            split = ",",
            paramLabel = "TAG[,TAG...]",
            description = "TensorBoard: tag(s) of the tokens seen, D2 (default: train/num_input_tokens_seen; else"
                    + " step × --tokens-per-step).")
    List<String> tokensTags;

    @Option(names = "--strict", description = "Fail (exit 65) when any input line is invalid instead of skipping it.")
    boolean strict;

    /** The CSV/trainer-state column mapping from the flags; unset flags keep the reader's auto-detection. */
    CsvMapping csvMapping() {
        CsvMapping d = CsvMapping.defaults();
        return new CsvMapping(
                runColumn != null ? runColumn : d.runColumn(),
                runId != null ? runId : d.fixedRunId(),
                tokensColumn != null ? tokensColumn : d.tokensColumn(),
                stepColumn != null ? stepColumn : d.stepColumn(),
                tokensPerStep != null ? tokensPerStep : d.tokensPerStep(),
                lossColumn != null ? lossColumn : d.lossColumn(),
                lrColumn != null ? lrColumn : d.lrColumn(),
                d1Column != null ? d1Column : d.d1Column(),
                d1Tokens != null ? d1Tokens : d.d1Value(),
                settingColumn != null ? settingColumn : d.settingColumn(),
                csvSplit != null ? csvSplit : d.split());
    }

    /** The TensorBoard tag mapping from the flags: each tag flag replaces its defaults; run id, D1 and tokens per step too. */
    TensorBoardMapping tensorBoardMapping() {
        TensorBoardMapping d = TensorBoardMapping.defaults();
        return new TensorBoardMapping(
                lossTags != null ? lossTags : d.lossTags(),
                valLossTags != null ? valLossTags : d.valLossTags(),
                lrTags != null ? lrTags : d.lrTags(),
                tokensTags != null ? tokensTags : d.tokensTags(),
                tokensPerStep != null ? tokensPerStep : d.tokensPerStep(),
                runId != null ? runId : d.fixedRunId(),
                d1Tokens != null ? d1Tokens : d.d1Tokens());
    }

    /** Parses {@code auto|jsonl|csv|trainer-state} case-insensitively. */
    static final class FormatConverter implements ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "auto":
                    return InputFormat.AUTO;
                case "jsonl":
                case "ndjson":
                    return InputFormat.JSONL;
                case "csv":
                    return InputFormat.CSV;
                case "trainer-state":
                case "trainer_state":
                    return InputFormat.TRAINER_STATE;
                default:
                    throw new IllegalArgumentException(
                            "unknown format '" + value + "': use auto, jsonl, csv or trainer-state");
            }
        }
    }
}
