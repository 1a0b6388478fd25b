package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.rewardmodels.RewardGuidance;
import dev.sieve.rewardmodels.RewardModel;
import dev.sieve.rewardmodels.RewardModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --reward-model DIR [--reward-beta B] [--reward-topk K] [--reward-inverse]}: reward-guided decoding
 * ({@link RewardGuidance}) with an ARM or RAD reward model that shares the base model's vocabulary. The
 * reward model is loaded once and shared; every request gets its own guidance (its own reward cache).
 * In jsonl output a {@code guidance} object gives the kind, the settings and the mean reward.
 */
public final class RewardOptions implements RequestOptions {
  static final double DEFAULT_BETA = 10.0;
  static final int DEFAULT_TOP_K = 20;

  @Option(names = "--reward-model", paramLabel = "DIR",
      description = "Guide generation with this reward model (ARM or RAD, as its config.json says; e.g. models/sieve-sentiment-arm).")
  Path rewardModel;

  @Option(names = "--reward-beta", paramLabel = "B",
      description = "Guidance strength: beta times the reward is added to the top-k candidates' logits (>= 0; 0 is unguided). Default: "
          + DEFAULT_BETA + ".")
  Double beta;

  @Option(names = "--reward-topk", paramLabel = "K",
      description = "How many of the best candidates the reward model scores; the others are excluded (>= 1). Default: "
          + DEFAULT_TOP_K + ".")
  Integer topK;

  @Option(names = "--reward-inverse", description = "Steer away from what the reward model rewards (adds beta * (1 - reward)).")
  boolean inverse;

  private RewardModel loaded;

  @Override
  public List<LogitsProcessor> processors(GenerateContext ctx) {
    if (rewardModel == null) {
      if (beta != null || topK != null || inverse) {
        throw new IllegalArgumentException((beta != null ? "--reward-beta" : topK != null ? "--reward-topk" : "--reward-inverse")
            + " needs --reward-model DIR");
      }
      return List.of();
    }
    double b = beta != null ? beta : DEFAULT_BETA;
    int k = topK != null ? topK : DEFAULT_TOP_K;
    if (!Double.isFinite(b) || b < 0) {
      throw new IllegalArgumentException("--reward-beta must be a finite number >= 0, got " + b);
    }
    if (k < 1) {
      throw new IllegalArgumentException("--reward-topk must be >= 1, got " + k);
    }
    return List.of(new RewardGuidance(model(ctx), b, k, inverse));
  }

  private RewardModel model(GenerateContext ctx) {
    if (loaded == null) {
      if (!Files.isDirectory(rewardModel)) {
        throw new IllegalArgumentException("--reward-model: " + rewardModel
            + (Files.exists(rewardModel) ? " is not a directory (give the folder that holds model.onnx)" : " does not exist"));
      }
      try {
        loaded = RewardModels.load(rewardModel, ctx.tokenizer().vocabulary());
      } catch (ModelException e) {
        throw new IllegalArgumentException("--reward-model: " + e.getMessage(), e);
      }
    }
    return loaded;
  }

  @Override
  public void describe(GenerationResult result, ObjectNode json) {
    if (rewardModel == null) {
      return;
    }
    ObjectNode g = json.putObject("guidance");
    g.put("reward_model", rewardModel.toString());
    if (result.measurements().get("reward.kind") instanceof String kind) {
      g.put("kind", kind);
    }
    g.put("beta", beta != null ? beta : DEFAULT_BETA);
    g.put("top_k", topK != null ? topK : DEFAULT_TOP_K);
    g.put("inverse", inverse);
    if (result.measurements().get("reward.mean") instanceof Number mean) {
      g.put("mean_reward", mean.doubleValue());
    } else {
      g.putNull("mean_reward");
    }
    if (result.measurements().get("reward.scored_tokens") instanceof Number n) {
      g.put("scored_tokens", n.intValue());
    }
    if (result.measurements().get("reward.ms") instanceof Number ms) {
      g.put("reward_ms", Math.round(ms.doubleValue() * 1000.0) / 1000.0);
    }
  }
}
