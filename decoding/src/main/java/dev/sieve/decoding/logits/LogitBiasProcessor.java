package dev.sieve.decoding.logits;

import java.util.Map;
import java.util.TreeMap;

/**
 * Adds a fixed bias to the logits of chosen tokens (negative infinity bans a token outright).
 *
 * <p>Semantics of the OpenAI API's {@code logit_bias}, which is Hugging Face transformers'
 * {@code SequenceBiasLogitsProcessor} restricted to single-token sequences: the bias is added to the
 * token's logit at every step. Immutable and thread-safe.
 */
public final class LogitBiasProcessor implements LogitsProcessor {
  private final int[] ids;
  private final float[] biases;

  /** @param bias token id → value added to its logit */
  public LogitBiasProcessor(Map<Integer, Float> bias) {
    TreeMap<Integer, Float> sorted = new TreeMap<>(bias);
    ids = new int[sorted.size()];
    biases = new float[sorted.size()];
    int i = 0;
    for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
      if (e.getKey() < 0) {
        throw new IllegalArgumentException("logit bias for negative token id " + e.getKey());
      }
      if (e.getValue() == null || Float.isNaN(e.getValue()) || e.getValue() == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("logit bias for token " + e.getKey() + " must be a number or -Infinity, got " + e.getValue());
      }
      ids[i] = e.getKey();
      biases[i] = e.getValue();
      i++;
    }
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    for (int i = 0; i < ids.length; i++) {
      TokenScratch.checkId(ids[i], logits.length);
      logits[ids[i]] += biases[i];
    }
  }

  @Override
  public String toString() {
    return "logit-bias(" + ids.length + " tokens)";
  }
}
