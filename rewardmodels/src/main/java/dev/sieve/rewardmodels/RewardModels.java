package dev.sieve.rewardmodels;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.file.Path;

/** Loads a reward model directory of either kind, as its config.json declares ({@code sieve.reward_kind}). */
public final class RewardModels {
  private RewardModels() {}

  /**
   * Loads the ARM or RAD model in {@code dir} and checks that its vocabulary is {@code base}'s, byte for
   * byte; every problem is one {@link dev.sieve.decoding.model.ModelException}.
   */
  public static RewardModel load(Path dir, Vocabulary base) {
    return switch (RewardOnnxSession.declaredKind(dir)) {
      case ARM -> OnnxArmRewardModel.load(dir, base);
      case RAD -> OnnxRadRewardModel.load(dir, base);
    };
  }

  /** The kind {@code dir} declares, without loading the model. */
  public static RewardModel.Kind kindOf(Path dir) {
    return RewardOnnxSession.declaredKind(dir);
  }
}
