package dev.sieve.rewardmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.BannedTokensProcessor;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.sampling.GreedySampler;
import dev.sieve.decoding.sampling.MultinomialSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** RewardGuidance on the bundled base model with the bundled sentiment reward models. */
class RewardGuidanceTest {
  private static final String[] PROMPTS = {
    "The report on the town's water supply says that",
    "After lunch we walked to the station and",
    "The meeting about the new timetable was",
  };

  private static float[] baseLogits(int[] prompt) {
    LanguageModel m = RewardTestModels.base();
    try (KvCache cache = m.newCache(1)) {
      return m.forward(cache, ForwardInput.of(prompt)).last(0);
    }
  }

  private static int[] topK(float[] logits, int k) {
    return IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void armGuidanceAddsBetaTimesTheRewardOverTheTopKAndExcludesTheRest() {
    int[] prompt = RewardTestModels.base().tokenizer().encode(PROMPTS[0]);
    float[] original = baseLogits(prompt);
    float[] r = RewardTestModels.arm().rewardsAfter(prompt);
    for (boolean inverse : new boolean[] {false, true}) {
      RewardGuidance g = new RewardGuidance(RewardTestModels.arm(), 5.0, 10, inverse);
      float[] logits = original.clone();
      g.process(new TokenHistory(prompt), logits);
      int[] top = topK(original, 10);
      float[] want = new float[original.length];
      Arrays.fill(want, Float.NEGATIVE_INFINITY);
      for (int id : top) {
        float clamped = Math.min(1f, Math.max(0f, r[id]));
        want[id] = (float) (original[id] + 5.0 * (inverse ? 1f - clamped : clamped));
      }
      assertArrayEquals(want, logits, 2e-3f, "inverse " + inverse);
      g.close();
    }
  }

  @Test
  void radGuidanceScoresEachCandidateAsItsOwnPrefix() {
    int[] prompt = RewardTestModels.base().tokenizer().encode(PROMPTS[1]);
    float[] original = baseLogits(prompt);
    RewardGuidance g = new RewardGuidance(RewardTestModels.rad(), 8.0, 20, false);
    float[] logits = original.clone();
    g.process(new TokenHistory(prompt), logits);
    int[] top = topK(original, 20);
    for (int id : top) {
      int[] seq = Arrays.copyOf(prompt, prompt.length + 1);
      seq[prompt.length] = id;
      float r = RewardTestModels.rad().prefixRewards(seq)[prompt.length];
      assertEquals(original[id] + 8.0 * r, logits[id], 2e-3, "candidate " + id);
    }
    long finite = IntStream.range(0, logits.length).filter(i -> logits[i] != Float.NEGATIVE_INFINITY).count();
    assertEquals(20, finite);
    g.close();
  }

  @Test
  void candidatesAreTakenAmongTheTokensAnEarlierProcessorAllows() {
    int[] prompt = RewardTestModels.base().tokenizer().encode(PROMPTS[2]);
    float[] original = baseLogits(prompt);
    int[] banned = topK(original, 5);
    float[] logits = original.clone();
    new BannedTokensProcessor(banned).process(new TokenHistory(prompt), logits);
    RewardGuidance g = new RewardGuidance(RewardTestModels.arm(), 3.0, 8, false);
    g.process(new TokenHistory(prompt), logits);
    int[] ids = new int[8];
    float[] values = new float[8];
    assertEquals(8, g.lastCandidates(ids, values));
    for (int b : banned) {
      assertEquals(Float.NEGATIVE_INFINITY, logits[b]);
      assertFalse(Arrays.stream(ids).anyMatch(i -> i == b));
    }
    assertArrayEquals(Arrays.copyOfRange(topK(original, 13), 5, 13), ids);
  }

  private static GenerationResult generate(Generator gen, String prompt, List<LogitsProcessor> processors, long seed) {
    GenerationConfig config = GenerationConfig.builder().maxNewTokens(24).eosTokenIds(0).build();
    return gen.generate(GenerationRequest.text(prompt).withConfig(config).withProcessors(processors)
        .withSampler(new MultinomialSampler(seed)));
  }

  @Test
  void betaZeroReproducesUnguidedSamplingTokenForToken() {
    Generator gen = new Generator(RewardTestModels.base());
    for (RewardModel model : new RewardModel[] {RewardTestModels.arm(), RewardTestModels.rad()}) {
      for (int i = 0; i < PROMPTS.length; i++) {
        GenerationResult plain = generate(gen, PROMPTS[i], List.of(), 100 + i);
        RewardGuidance g = new RewardGuidance(model, 0.0, 20, false);
        GenerationResult guided = generate(gen, PROMPTS[i], List.of(g), 100 + i);
        assertArrayEquals(plain.tokens(), guided.tokens(), model.kind() + " prompt " + i);
        assertTrue(guided.measurements().containsKey("reward.forwards"));
        g.close();
      }
    }
  }

  @Test
  void strongGuidanceRaisesTheMeanRewardAndInverseLowersIt() {
    Generator gen = new Generator(RewardTestModels.base());
    for (RewardModel model : new RewardModel[] {RewardTestModels.arm(), RewardTestModels.rad()}) {
      double plain = 0;
      double up = 0;
      double down = 0;
      for (int i = 0; i < PROMPTS.length; i++) {
        plain += meanReward(gen, model, PROMPTS[i], 0.0, false);
        up += meanReward(gen, model, PROMPTS[i], 30.0, false);
        down += meanReward(gen, model, PROMPTS[i], 30.0, true);
      }
      assertTrue(up > plain && plain > down, model.kind() + ": mean reward up " + up + ", plain " + plain + ", inverse " + down);
    }
  }

  /** Greedy, so that the chosen token is always a scored candidate, guided or not. */
  private static double meanReward(Generator gen, RewardModel model, String prompt, double beta, boolean inverse) {
    try (RewardGuidance g = new RewardGuidance(model, beta, 20, inverse)) {
      GenerationConfig config = GenerationConfig.builder().maxNewTokens(24).eosTokenIds(0).build();
      GenerationResult r = gen.generate(GenerationRequest.text(prompt).withConfig(config).withProcessors(List.of(g))
          .withSampler(GreedySampler.INSTANCE));
      assertEquals(r.tokens().length + (r.finishReason().name().equals("EOS") ? 1 : 0),
          ((Number) r.measurements().get("reward.scored_tokens")).intValue(), "every chosen token was a scored candidate");
      return ((Number) r.measurements().get("reward.mean")).doubleValue();
    }
  }

  @Test
  void forkAndRollbackKeepTheGuidanceInStepWithTheSequence() {
    int[] prompt = RewardTestModels.base().tokenizer().encode(PROMPTS[0]);
    for (RewardModel model : new RewardModel[] {RewardTestModels.arm(), RewardTestModels.rad()}) {
      RewardGuidance g = new RewardGuidance(model, 4.0, 12, false);
      TokenHistory h = new TokenHistory(prompt);
      List<float[]> seen = new ArrayList<>();
      for (int step = 0; step < 4; step++) {
        float[] l = baseLogits(h.toArray());
        g.process(h, l);
        seen.add(l.clone());
        int best = topK(l, 1)[0];
        h.append(best);
        g.accept(best);
      }
      RewardGuidance fork = g.fork();
      float[] a = baseLogits(h.toArray());
      float[] b = a.clone();
      g.process(h, a);
      fork.process(h, b);
      assertArrayEquals(a, b, 1e-5f, model.kind() + ": a fork computes what the original does");
      // roll back two tokens: the processor gives again what it gave at that step
      h.truncate(2);
      g.rollback(2);
      float[] again = baseLogits(h.toArray());
      g.process(h, again);
      assertArrayEquals(seen.get(2), again, 1e-3f, model.kind() + " after rollback");
      g.close();
      fork.close();
    }
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new RewardGuidance(RewardTestModels.arm(), -1, 20, false));
    assertThrows(IllegalArgumentException.class, () -> new RewardGuidance(RewardTestModels.arm(), Double.NaN, 20, false));
    assertThrows(IllegalArgumentException.class, () -> new RewardGuidance(RewardTestModels.arm(), 1, 0, false));
  }
}
