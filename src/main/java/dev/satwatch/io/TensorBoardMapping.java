package dev.satwatch.io;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which TensorBoard scalar tags hold the training loss, the validation loss, the learning rate and the tokens seen,
 * and how else to get tokens. Tags are exact names or patterns where {@code *} stands for any characters
 * ({@code lr-*}); a tag is tried against the loss, validation-loss, learning-rate and tokens patterns in that order.
 *
 * <p>The defaults cover the trainers that write TensorBoard logs:
 *
 * <ul>
 *   <li>Hugging Face Trainer ({@code TensorBoardCallback} prefixes its log keys with {@code train/} or
 *       {@code eval/}): {@code train/loss}, {@code eval/loss}, {@code train/learning_rate},
 *       {@code train/num_input_tokens_seen} (with {@code include_num_input_tokens_seen=True}).
 *   <li>Megatron-LM ({@code training_log}, {@code evaluate_and_print_results}): {@code lm loss},
 *       {@code lm loss validation}, {@code learning-rate}; it logs no token count, so D2 needs tokens per step.
 *   <li>PyTorch Lightning ({@code self.log} names, {@code LearningRateMonitor}): {@code train_loss},
 *       {@code val_loss}, {@code lr-*}.
 * </ul>
 *
 * @param lossTags tags of the training loss (split {@code train})
 * @param valLossTags tags of the validation loss (split {@code val})
 * @param lrTags tags of the learning rate
 * @param tokensTags tags of the tokens seen so far (D2)
 * @param tokensPerStep tokens per optimizer step, for D2 = step × this where no tokens tag is logged at a step; 0
 *     when unknown
 * @param fixedRunId one run id for every file; null to name runs by their folder under the logdir
 * @param d1Tokens D1 of every run (base-model pretraining tokens); NaN when unknown
 */
public record TensorBoardMapping(
        List<String> lossTags,
        List<String> valLossTags,
        List<String> lrTags,
        List<String> tokensTags,
        double tokensPerStep,
        String fixedRunId,
        double d1Tokens) {

    /** Training-loss tags of HF, Megatron-LM and Lightning. */
    public static final List<String> DEFAULT_LOSS_TAGS = List.of("train/loss", "lm loss", "train_loss");

    /** Validation-loss tags of HF, Megatron-LM and Lightning. */
    public static final List<String> DEFAULT_VAL_LOSS_TAGS = List.of("eval/loss", "lm loss validation", "val_loss");

    /** Learning-rate tags of HF, Megatron-LM and Lightning. */
    public static final List<String> DEFAULT_LR_TAGS = List.of("train/learning_rate", "learning-rate", "lr-*");

    /** Tokens-seen tags (HF). */
    public static final List<String> DEFAULT_TOKENS_TAGS = List.of("train/num_input_tokens_seen");

    /** What a tag holds. */
    public enum Kind {
        LOSS,
        VAL_LOSS,
        LR,
        TOKENS
    }

    /** Copies the lists, so a mapping is immutable. */
    public TensorBoardMapping {
        lossTags = List.copyOf(lossTags);
        valLossTags = List.copyOf(valLossTags);
        lrTags = List.copyOf(lrTags);
        tokensTags = List.copyOf(tokensTags);
    }

    /** The trainer defaults, no tokens per step, runs named by folder, no D1. */
    public static TensorBoardMapping defaults() {
        return new TensorBoardMapping(
                DEFAULT_LOSS_TAGS, DEFAULT_VAL_LOSS_TAGS, DEFAULT_LR_TAGS, DEFAULT_TOKENS_TAGS, 0, null, Double.NaN);
    }

    /** Whether {@link #tokensPerStep()} is known (positive and finite). */
    public boolean hasTokensPerStep() {
        return tokensPerStep > 0 && Double.isFinite(tokensPerStep);
    }

    /** What {@code tag} holds, or null when it is none of the four. */
    public Kind kindOf(String tag) {
        if (matches(lossTags, tag)) {
            return Kind.LOSS;
        }
        if (matches(valLossTags, tag)) {
            return Kind.VAL_LOSS;
        }
        if (matches(lrTags, tag)) {
            return Kind.LR;
        }
        return matches(tokensTags, tag) ? Kind.TOKENS : null;
    }

    private static boolean matches(List<String> patterns, String tag) {
        for (String p : patterns) {
            if (p.indexOf('*') < 0 ? p.equals(tag) : glob(p).matcher(tag).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
