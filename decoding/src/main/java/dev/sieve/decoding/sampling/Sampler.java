package dev.sieve.decoding.sampling;

/**
 * Chooses the next token from the processed logits (after the whole {@code LogitsProcessor} chain).
 *
 * <p>A sampler owns its random stream, if any: the same seed gives the same tokens on any machine.
 * {@link #fork()} copies the stream's state, so a forked sequence (beam, speculative draft node)
 * draws exactly what the original would have drawn.
 */
public interface Sampler {
  /**
   * @param logits processed scores, one per vocabulary id; {@code Float.NEGATIVE_INFINITY} is never chosen
   * @return the chosen token id
   */
  int sample(float[] logits);

  /** An independent copy with the same random state (greedy samplers may return {@code this}). */
  Sampler fork();
}
