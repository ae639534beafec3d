package dev.satwatch.sim;

/**
 * The ground truth of a simulated run, for judging a stop decision: its noise-free loss and the constant-LR
 * (stable-phase) curve it follows before its cooldown.
 *
 * <p>{@link #trueLossGivenUp} is the quantity DESIGN §5's decision predicts, measured on the truth the way
 * {@code satwatch backtest} measures it on a finished run: stopping the stable phase at D2 and cooling down, instead
 * of continuing to the planned end, gives up {@code (Lstable(D2) − Lstable(stableEnd)) / Lfinal}, both cooldowns
 * assumed to gain the same. Implementations are immutable and thread-safe.
 */
public interface RunTruth {

    /** The noise-free loss after {@code d2Tokens} raw tokens, with every schedule effect of the run. */
    double loss(double d2Tokens);

    /** The noise-free loss after {@code d2Tokens} if the LR had stayed at its stable value after warmup. */
    double stableLoss(double d2Tokens);

    /** Where the planned stable phase ends (raw tokens): the start of the cooldown, or the planned end without one. */
    double stableEndTokens();

    /** The planned second-stage budget (raw tokens). */
    double targetD2Tokens();

    /** The learning rate after {@code d2Tokens}. */
    double lr(double d2Tokens);

    /** The noise-free loss at the planned end, after its cooldown. */
    default double finalLoss() {
        return loss(targetD2Tokens());
    }

    /**
     * The relative loss given up by stopping the stable phase at {@code d2Tokens} and cooling down, versus continuing
     * to the planned end: {@code max(0, Lstable(d2) − Lstable(stableEnd)) / Lfinal}; 0 from the end of the stable
     * phase on.
     */
    default double trueLossGivenUp(double d2Tokens) {
        double end = stableEndTokens();
        if (d2Tokens >= end) {
            return 0;
        }
        return Math.max(0, stableLoss(d2Tokens) - stableLoss(end)) / finalLoss();
    }
}
