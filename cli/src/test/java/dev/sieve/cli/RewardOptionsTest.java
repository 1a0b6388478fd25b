package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.rewardmodels.RewardGuidance;
import dev.sieve.rewardmodels.RewardModel;
import dev.sieve.rewardmodels.RewardModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sieve generate --reward-model DIR [--reward-beta B] [--reward-topk K] [--reward-inverse]}. */
class RewardOptionsTest {
  private static final Path ARM = BundledModel.path().getParent().resolve("sieve-sentiment-arm");
  private static final Path RAD = BundledModel.path().getParent().resolve("sieve-sentiment-rad");
  private static final String PROMPT = "The meeting about the new timetable was";

  private static int[] ids(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  private static Cli.Run generate(String... extra) {
    String[] base = {"generate", "--raw", "--prompt", PROMPT, "--max-tokens", "10", "--seed", "9", "--format", "jsonl"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Cli.Run run = Cli.run(args);
    assertEquals(0, run.exitCode(), run.toString());
    return run;
  }

  @Test
  void guidedOutputIsTheLibrarysAndJsonlRecordsTheGuidance() {
    JsonNode arm = generate("--reward-model", ARM.toString(), "--reward-beta", "8", "--reward-topk", "15").json();
    JsonNode g = arm.path("guidance");
    assertEquals("arm", g.path("kind").asText());
    assertEquals(8.0, g.path("beta").asDouble());
    assertEquals(15, g.path("top_k").asInt());
    assertFalse(g.path("inverse").asBoolean());
    double mean = g.path("mean_reward").asDouble();
    assertTrue(mean >= 0 && mean <= 1, "mean reward in [0, 1]: " + mean);
    assertEquals(mean, arm.path("measurements").path("reward.mean").asDouble());
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path());
        RewardModel reward = RewardModels.load(ARM, model.tokenizer().vocabulary());
        RewardGuidance guidance = new RewardGuidance(reward, 8, 15, false)) {
      Generator generator = new Generator(model);
      GenerationResult r = generator.generate(GenerationRequest.text(PROMPT)
          .withConfig(generator.defaults().toBuilder().maxNewTokens(10).seed(9).build()).withProcessors(List.of(guidance)));
      assertArrayEquals(r.tokens(), ids(arm.path("token_ids")));
    }
    JsonNode rad = generate("--reward-model", RAD.toString(), "--reward-inverse").json().path("guidance");
    assertEquals("rad", rad.path("kind").asText());
    assertEquals(RewardOptions.DEFAULT_BETA, rad.path("beta").asDouble());
    assertEquals(RewardOptions.DEFAULT_TOP_K, rad.path("top_k").asInt());
    assertTrue(rad.path("inverse").asBoolean());
  }

  @Test
  void betaZeroIsUnguided() {
    JsonNode plain = generate().json();
    JsonNode zero = generate("--reward-model", ARM.toString(), "--reward-beta", "0").json();
    assertArrayEquals(ids(plain.path("token_ids")), ids(zero.path("token_ids")));
    assertTrue(plain.path("guidance").isMissingNode());
    assertEquals(0.0, zero.path("guidance").path("beta").asDouble());
  }

  @Test
  void badValuesGetOneLine() {
    Cli.Run noModel = Cli.run("generate", "--prompt", "hi", "--reward-beta", "3");
    assertEquals(1, noModel.exitCode());
    assertEquals("sieve generate: error: --reward-beta needs --reward-model DIR\n", noModel.err().replace("\r\n", "\n"));
    Cli.Run negative = Cli.run("generate", "--prompt", "hi", "--reward-model", ARM.toString(), "--reward-beta", "-1");
    assertEquals("sieve generate: error: --reward-beta must be a finite number >= 0, got -1.0\n", negative.err().replace("\r\n", "\n"));
    Cli.Run k = Cli.run("generate", "--prompt", "hi", "--reward-model", ARM.toString(), "--reward-topk", "0");
    assertEquals("sieve generate: error: --reward-topk must be >= 1, got 0\n", k.err().replace("\r\n", "\n"));
    Path missing = ARM.resolveSibling("no-such-reward-model");
    Cli.Run m = Cli.run("generate", "--prompt", "hi", "--reward-model", missing.toString());
    assertEquals("sieve generate: error: --reward-model: " + missing + " does not exist\n", m.err().replace("\r\n", "\n"));
    // a directory that is not a reward model of this vocabulary: the base model itself
    Cli.Run notReward = Cli.run("generate", "--prompt", "hi", "--reward-model", BundledModel.path().toString());
    assertEquals(1, notReward.exitCode());
    assertTrue(notReward.err().startsWith("sieve generate: error: --reward-model: "), notReward.err());
    assertEquals(1, notReward.err().strip().lines().count(), notReward.err());
  }
}
