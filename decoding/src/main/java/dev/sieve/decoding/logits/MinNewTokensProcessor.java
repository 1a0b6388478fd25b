package dev.sieve.decoding.logits;

import java.util.Arrays;

/**
 * Blocks end of sequence until at least {@code minNewTokens} tokens have been generated.
 *
 * <p>Semantics of Hugging Face transformers' {@code MinNewTokensLengthLogitsProcessor}: while the number
 * of generated tokens (history beyond the prompt) is below the minimum, every end-of-sequence id gets
 * negative infinity. Immutable and thread-safe.
 */
public final class MinNewTokensProcessor implements LogitsProcessor {
  private final int minNewTokens;
  private final int[] eosTokenIds;

  public MinNewTokensProcessor(int minNewTokens, int... eosTokenIds) {
    if (minNewTokens < 0) {
      throw new IllegalArgumentException("minimum new tokens must not be negative, got " + minNewTokens);
    }
    if (eosTokenIds.length == 0) {
      throw new IllegalArgumentException("minimum new tokens needs the end-of-sequence ids to block");
    }
    this.minNewTokens = minNewTokens;
    this.eosTokenIds = eosTokenIds.clone();
  }

  public int minNewTokens() {
    return minNewTokens;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (history.generatedLength() >= minNewTokens) {
      return;
    }
    for (int id : eosTokenIds) {
      TokenScratch.checkId(id, logits.length);
      logits[id] = Float.NEGATIVE_INFINITY;
    }
  }

  @Override
  public String toString() {
    return "min-new-tokens(" + minNewTokens + ", eos " + Arrays.toString(eosTokenIds) + ")";
  }
}
