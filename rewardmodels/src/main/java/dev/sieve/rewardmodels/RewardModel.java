package dev.sieve.rewardmodels;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A reward model that scores continuations of a token prefix: the reward of appending a token
 * {@code v} to a prefix {@code x}, in [0, 1] (higher is more of what the model rewards, e.g. positive
 * sentiment). {@link RewardGuidance} adds it, scaled, to a base model's logits.
 *
 * <p>Two kinds exist, after the two papers this module follows:
 *
 * <ul>
 *   <li>{@link Kind#ARM} (autoregressive reward model, Troshin et al. 2024): one forward over the prefix
 *       gives the reward of every vocabulary token at once; one forward per generated token.
 *   <li>{@link Kind#RAD} (reward-augmented decoding, Deng &amp; Raffel 2023): a scalar reward of a whole
 *       prefix; scoring k candidates means scoring k prefixes, done in one batched forward on top of the
 *       prefix's key/value cache.
 * </ul>
 *
 * <p>A model is immutable and thread-safe; the per-sequence state (its own key/value cache) lives in the
 * {@link RewardScorer}s it makes.
 */
public interface RewardModel extends AutoCloseable {
  /** How the model scores candidates. */
  enum Kind {
    /** Autoregressive reward model: all-vocabulary rewards from one forward. */
    ARM,
    /** Scalar prefix reward model: candidates scored as prefixes in one batched forward. */
    RAD;

    /** The lower-case name used in config.json ({@code sieve.reward_kind}) and on the command line. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  Kind kind();

  /** The exact bytes of every token id; equal to the base model's (checked at load). */
  Vocabulary vocabulary();

  /** Token ids the model accepts: 0 to {@code vocabSize() - 1}. */
  int vocabSize();

  /** A fresh per-sequence scorer with an empty prefix. */
  RewardScorer newScorer();

  /** The directory the model was loaded from, if any. */
  Optional<Path> directory();

  @Override
  void close();
}
