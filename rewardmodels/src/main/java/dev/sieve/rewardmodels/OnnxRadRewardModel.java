package dev.sieve.rewardmodels;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A scalar prefix reward model (RAD, Deng &amp; Raffel 2023) run by ONNX Runtime: {@code reward} [batch,
 * seq] is the reward, in [0, 1], of the prefix ending at each position. Scoring k candidates after a
 * prefix is one forward of the pending prefix tokens followed by the k candidates, all k at the same
 * position, with an attention bias that lets each candidate see the prefix and itself only; the cache is
 * shared, not replicated k times, and the candidates' slots are dropped afterwards.
 *
 * <p>The directory holds {@code model.onnx} with output {@code reward} [batch, seq] and the decoder's
 * inputs (including {@code attention_bias}) and {@code present.*} outputs, {@code config.json} with
 * {@code "sieve": {"reward_kind": "rad"}}, and {@code tokenizer.json}.
 */
public final class OnnxRadRewardModel implements RewardModel {
  private final RewardOnnxSession session;

  private OnnxRadRewardModel(RewardOnnxSession session) {
    this.session = session;
  }

  /** Loads a RAD reward model without checking it against a base model's vocabulary. */
  public static OnnxRadRewardModel load(Path dir) {
    return new OnnxRadRewardModel(RewardOnnxSession.load(dir, Kind.RAD, null));
  }

  /** Loads a RAD reward model and checks that it has exactly the base model's vocabulary. */
  public static OnnxRadRewardModel load(Path dir, Vocabulary base) {
    return new OnnxRadRewardModel(RewardOnnxSession.load(dir, Kind.RAD, base));
  }

  @Override
  public Kind kind() {
    return Kind.RAD;
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

  @Override
  public RewardScorer newScorer() {
    return new Scorer(session, session.newCache(), new int[64], 0);
  }

  /**
   * The reward of every prefix of {@code tokens} (entry i: the text ending at token i), from one plain
   * causal forward without a cache.
   */
  public float[] prefixRewards(int... tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("nothing to score");
    }
    try (RewardCache cache = session.newCache()) {
      long[] positions = new long[tokens.length];
      for (int i = 0; i < tokens.length; i++) {
        positions[i] = i;
      }
      return session.forward(cache, tokens.clone(), positions, OnnxRewardScorer.causal(0, tokens.length, 0), 0, tokens.length);
    }
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "OnnxRadRewardModel[" + session.dir + ", vocabulary " + session.vocabSize + "]";
  }

  static final class Scorer extends OnnxRewardScorer {
    Scorer(RewardOnnxSession session, RewardCache cache, int[] tokens, int length) {
      super(session, cache, tokens, length);
    }

    @Override
    void changed() {}

    @Override
    public void score(int[] candidates, int count, float[] out) {
      requirePrefix();
      if (count == 0) {
        return;
      }
      int past = cache.length();
      int m = length - past;
      int q = m + count;
      int total = past + q;
      int[] ids = Arrays.copyOf(Arrays.copyOfRange(tokens, past, length), q);
      long[] positions = new long[q];
      for (int i = 0; i < m; i++) {
        positions[i] = past + i;
      }
      for (int c = 0; c < count; c++) {
        ids[m + c] = candidates[c];
        positions[m + c] = past + m;
      }
      // rows of the pending tokens: causal; rows of the candidates: the whole prefix and themselves
      float[] bias = new float[q * total];
      for (int i = 0; i < m; i++) {
        Arrays.fill(bias, i * total + past + i + 1, (i + 1) * total, RewardOnnxSession.BLOCKED);
      }
      for (int c = 0; c < count; c++) {
        int row = (m + c) * total;
        Arrays.fill(bias, row + past + m, row + total, RewardOnnxSession.BLOCKED);
        bias[row + past + m + c] = 0f;
      }
      float[] r = forward(ids, positions, bias, m, count);
      cache.truncate(past + m);
      System.arraycopy(r, 0, out, 0, count);
    }

    @Override
    public Scorer fork() {
      return new Scorer(session, cache.fork(), tokens.clone(), length);
    }
  }
}
