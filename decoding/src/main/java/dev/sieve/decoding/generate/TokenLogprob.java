package dev.sieve.decoding.generate;

import java.util.List;

/**
 * The log-probability of a chosen token under the processed distribution (log-softmax of the logits
 * after the whole processor chain, masks included), with the most likely alternatives.
 *
 * @param token the chosen id
 * @param logprob its log-probability
 * @param top the {@code n} most likely tokens, most likely first (empty when none were asked for)
 */
public record TokenLogprob(int token, double logprob, List<Alternative> top) {
  public TokenLogprob {
    top = List.copyOf(top);
  }

  /** One alternative: an id and its log-probability. */
  public record Alternative(int token, double logprob) {}
}
