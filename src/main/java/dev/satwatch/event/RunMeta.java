package dev.satwatch.event;

/**
 * Run metadata: the setting (which law applies), the base model's pretraining tokens D1 and the
 * second-stage budget. Carried by {@code run_started} or inline on {@code loss} events.
 *
 * <p>Absent numbers are {@code NaN} (tokens, params) or {@code 0} ({@code tokensPerStep}); absent
 * strings are {@code null}. Token counts are raw tokens (not billions).
 *
 * @param setting the law family this run belongs to, e.g. {@code cpt-code}; null when unknown
 * @param baseModel free-form name of the base model; null when unknown
 * @param d1Tokens tokens the base model was pretrained on; NaN for a from-scratch run
 * @param params parameter count; NaN when unknown
 * @param targetD2Tokens the second-stage budget in tokens; NaN when unknown
 * @param tokensPerStep tokens per optimizer step, used to derive D2 from the step; 0 when unknown
 * @param costPerBillionTokens what a billion of this run's tokens cost (any currency), used to price a stop's
 *     savings ahead of the {@code detect.cost.per.billion.tokens} default; NaN when unknown
 */
public record RunMeta(
        String setting,
        String baseModel,
        double d1Tokens,
        double params,
        double targetD2Tokens,
        long tokensPerStep,
        double costPerBillionTokens) {

    /** The setting of a run that names none: its law, metrics and calibration go under this name. */
    public static final String DEFAULT_SETTING = "default";

    /** Metadata with nothing known. */
    public static final RunMeta EMPTY = new RunMeta(null, null, Double.NaN, Double.NaN, Double.NaN, 0L);

    /** Metadata without a cost rate. */
    public RunMeta(
            String setting,
            String baseModel,
            double d1Tokens,
            double params,
            double targetD2Tokens,
            long tokensPerStep) {
        this(setting, baseModel, d1Tokens, params, targetD2Tokens, tokensPerStep, Double.NaN);
    }

    /** The setting, or {@link #DEFAULT_SETTING} when none is known. */
    public String settingOrDefault() {
        return setting != null ? setting : DEFAULT_SETTING;
    }

    /** Whether this run continues from a pretrained base (D1 known and positive). */
    public boolean isReuse() {
        return d1Tokens > 0 && Double.isFinite(d1Tokens);
    }

    /** This metadata with every absent field taken from {@code other}. */
    public RunMeta orElse(RunMeta other) {
        if (other == null) {
            return this;
        }
        return new RunMeta(
                setting != null ? setting : other.setting,
                baseModel != null ? baseModel : other.baseModel,
                Double.isNaN(d1Tokens) ? other.d1Tokens : d1Tokens,
                Double.isNaN(params) ? other.params : params,
                Double.isNaN(targetD2Tokens) ? other.targetD2Tokens : targetD2Tokens,
                tokensPerStep != 0 ? tokensPerStep : other.tokensPerStep,
                Double.isNaN(costPerBillionTokens) ? other.costPerBillionTokens : costPerBillionTokens);
    }
}
