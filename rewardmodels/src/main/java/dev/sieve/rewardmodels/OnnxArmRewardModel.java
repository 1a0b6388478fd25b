package dev.sieve.rewardmodels;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * An autoregressive reward model (ARM, Troshin et al. 2024) run by ONNX Runtime: one forward over the
 * prefix returns, at its last position, the reward {@code r(x, v)} of appending every vocabulary token
 * {@code v}, so guidance costs one reward forward (one new token on top of the cache) per generated token.
 *
 * <p>The directory holds {@code model.onnx} with output {@code rewards} [batch, seq, vocab] (values in
 * [0, 1]) and the decoder's inputs and {@code present.*} outputs, {@code config.json} with
 * {@code "sieve": {"reward_kind": "arm"}}, and {@code tokenizer.json}. A graph that also takes
 * {@code candidate_ids} [c] returns {@code rewards} [batch, seq, c] for those tokens only: {@link #newScorer()}'s
 * {@code score} then feeds just the candidates it is asked about (guidance's top-k), so a step's reward
 * forward does not multiply by the whole embedding matrix; {@link #rewardsAfter} feeds every id.
 */
public final class OnnxArmRewardModel implements RewardModel {
  private final RewardOnnxSession session;

  private OnnxArmRewardModel(RewardOnnxSession session) {
    this.session = session;
  }

  /** Loads an ARM reward model without checking it against a base model's vocabulary. */
  public static OnnxArmRewardModel load(Path dir) {
    return new OnnxArmRewardModel(RewardOnnxSession.load(dir, Kind.ARM, null));
  }

  /** Loads an ARM reward model and checks that it has exactly the base model's vocabulary. */
  public static OnnxArmRewardModel load(Path dir, Vocabulary base) {
    return new OnnxArmRewardModel(RewardOnnxSession.load(dir, Kind.ARM, base));
  }

  @Override
  public Kind kind() {
    return Kind.ARM;
  }

  @Override
  public Vocabulary vocabulary() {
    return session.vocabulary;
  }

  @Override
  public int vocabSize() {
    return session.vocabSize;
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(session.dir);
  }

  /**
   * Whether the graph takes {@code candidate_ids}, so that scoring k candidates runs the reward head over
   * those k tokens only rather than the whole vocabulary.
   */
  public boolean scoresCandidatesOnly() {
    return session.takesCandidates;
  }

  @Override
  public RewardScorer newScorer() {
    return new Scorer(session, session.newCache(), new int[64], 0, null);
  }

  /**
   * The rewards of every vocabulary token after {@code prefix}, from one forward without a cache (for
   * checks and one-off scoring).
   */
  public float[] rewardsAfter(int... prefix) {
    try (Scorer s = (Scorer) newScorer()) {
      for (int t : prefix) {
        s.append(t);
      }
      return s.allRewards().clone();
    }
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "OnnxArmRewardModel[" + session.dir + ", vocabulary " + session.vocabSize + "]";
  }

  static final class Scorer extends OnnxRewardScorer {
    /** Rewards of every vocabulary token at the last position of the prefix, when computed for it. */
    private float[] last;
    /** Every token id, the candidates of a whole-vocabulary forward (graphs that take candidate ids). */
    private int[] everyId;

    Scorer(RewardOnnxSession session, RewardCache cache, int[] tokens, int length, float[] last) {
      super(session, cache, tokens, length);
      this.last = last;
    }

    @Override
    void changed() {
      last = null;
    }

    /** The all-vocabulary rewards after the prefix (one forward over the pending tokens, if any). */
    float[] allRewards() {
      requirePrefix();
      if (last == null) {
        int v = session.vocabSize;
        if (session.takesCandidates) {
          if (everyId == null) {
            everyId = new int[v];
            for (int i = 0; i < v; i++) {
              everyId[i] = i;
            }
          }
          last = forwardLast(everyId, v);
        } else {
          last = forwardLast(null, v);
        }
      }
      return last;
    }

    /**
     * One forward over the pending tokens (at least the last one, fed anew when the cache already holds it);
     * returns the last position's rewards, of the {@code count} candidates or of the whole vocabulary.
     */
    private float[] forwardLast(int[] candidates, int count) {
      if (cache.length() == length) {
        cache.truncate(length - 1); // the last token's row is needed again: feed it anew
      }
      int past = cache.length();
      int m = length - past;
      int[] ids = Arrays.copyOfRange(tokens, past, length);
      long[] positions = new long[m];
      for (int i = 0; i < m; i++) {
        positions[i] = past + i;
      }
      long t0 = System.nanoTime();
      try {
        return session.forward(cache, ids, positions, causal(past, m, 0), candidates, count, (m - 1) * count, count);
      } finally {
        nanos += System.nanoTime() - t0;
        forwards++;
      }
    }

    @Override
    public void score(int[] candidates, int count, float[] out) {
      requirePrefix();
      if (count == 0) {
        return;
      }
      if (last == null && session.takesCandidates) {
        // only the candidates' rewards: the reward model's head multiplies by count embedding rows, not all
        System.arraycopy(forwardLast(candidates, count), 0, out, 0, count);
        return;
      }
      float[] row = allRewards();
      for (int i = 0; i < count; i++) {
        out[i] = row[candidates[i]];
      }
    }

    @Override
    public Scorer fork() {
      return new Scorer(session, cache.fork(), tokens.clone(), length, last);
    }
  }
}
