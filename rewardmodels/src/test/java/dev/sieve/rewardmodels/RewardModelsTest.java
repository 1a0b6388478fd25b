package dev.sieve.rewardmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ONNX reward models against their own plain, cache-free forwards, and their loading checks. */
class RewardModelsTest {
  private static final float TOL = 2e-4f;

  private static int[] encode(String text) {
    return RewardTestModels.base().tokenizer().encode(text);
  }

  @Test
  void armRewardsAreProbabilitiesOverTheWholeVocabulary() {
    float[] r = RewardTestModels.arm().rewardsAfter(encode("The weather today is"));
    assertEquals(RewardTestModels.arm().vocabSize(), r.length);
    for (float v : r) {
      assertTrue(v >= 0f && v <= 1f, "reward " + v + " outside [0, 1]");
    }
  }

  @Test
  void armIncrementalScoringMatchesAFreshForwardAtEveryStep() {
    OnnxArmRewardModel arm = RewardTestModels.arm();
    int[] text = encode("The old library smelled of dust and paper, and the light was warm.");
    int[] all = new int[arm.vocabSize()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    float[] got = new float[all.length];
    try (RewardScorer s = arm.newScorer()) {
      for (int i = 0; i < 3; i++) {
        s.append(text[i]);
      }
      for (int len = 3; len <= text.length; len++) {
        s.score(all, all.length, got);
        float[] want = arm.rewardsAfter(Arrays.copyOf(text, len));
        assertArrayEquals(want, got, TOL, "rewards after " + len + " tokens");
        if (len < text.length) {
          s.append(text[len]);
        }
      }
      assertEquals(text.length - 2, s.forwards(), "one forward for the prompt, then one per appended token");
    }
  }

  @Test
  void armScoresJustTheCandidatesItIsAskedAboutInOneForwardPerToken() {
    OnnxArmRewardModel arm = RewardTestModels.arm();
    assertTrue(arm.scoresCandidatesOnly(), "the bundled ARM model takes candidate_ids (guidance need not score every token)");
    int[] text = encode("What a lovely surprise it was to see the whole family again.");
    SplittableRandom random = new SplittableRandom(6);
    try (RewardScorer s = arm.newScorer()) {
      s.append(text[0]);
      for (int len = 1; len <= text.length; len++) {
        int[] cands = random.ints(20, 0, arm.vocabSize()).toArray();
        float[] got = new float[cands.length];
        s.score(cands, cands.length, got);
        float[] row = arm.rewardsAfter(Arrays.copyOf(text, len));
        for (int i = 0; i < cands.length; i++) {
          assertEquals(row[cands[i]], got[i], TOL, "reward of candidate " + cands[i] + " after " + len + " tokens");
        }
        if (len < text.length) {
          s.append(text[len]);
        }
      }
      assertEquals(text.length, s.forwards(), "one forward per scored prefix");
    }
  }

  @Test
  void aCandidateOutsideTheVocabularyIsOneClearError() {
    try (RewardScorer s = RewardTestModels.arm().newScorer()) {
      s.append(encode("Hello")[0]);
      ModelException e = assertThrows(ModelException.class, () -> s.score(new int[] {5, 8192}, 2, new float[2]));
      assertTrue(e.getMessage().contains("candidate token id 8192"), e.getMessage());
    }
  }

  @Test
  void radScoresAllCandidatesInOneForwardAsIfEachWereItsOwnPrefix() {
    OnnxRadRewardModel rad = RewardTestModels.rad();
    int[] prefix = encode("My neighbour told me about the new bakery, and");
    int[] candidates = new SplittableRandom(7).ints(20, 10, rad.vocabSize()).toArray();
    float[] got = new float[candidates.length];
    try (RewardScorer s = rad.newScorer()) {
      for (int t : prefix) {
        s.append(t);
      }
      s.score(candidates, candidates.length, got);
      assertEquals(1, s.forwards(), "prefix and 20 candidates in one forward");
      checkAgainstSeparatePrefixes(rad, prefix, candidates, got);
      // after a token is appended, the pending token and the candidates again go in one forward
      int next = candidates[3];
      s.append(next);
      s.score(candidates, candidates.length, got);
      assertEquals(2, s.forwards());
      int[] longer = Arrays.copyOf(prefix, prefix.length + 1);
      longer[prefix.length] = next;
      checkAgainstSeparatePrefixes(rad, longer, candidates, got);
      // scoring leaves the prefix as it was: the same scores again
      float[] again = new float[candidates.length];
      s.score(candidates, candidates.length, again);
      assertArrayEquals(got, again, TOL);
    }
  }

  private static void checkAgainstSeparatePrefixes(OnnxRadRewardModel rad, int[] prefix, int[] candidates, float[] got) {
    for (int c = 0; c < candidates.length; c++) {
      int[] seq = Arrays.copyOf(prefix, prefix.length + 1);
      seq[prefix.length] = candidates[c];
      float[] each = rad.prefixRewards(seq);
      assertEquals(each[prefix.length], got[c], TOL, "candidate " + candidates[c]);
      assertTrue(got[c] >= 0f && got[c] <= 1f);
    }
  }

  @Test
  void rollbackAndForkGiveTheScoresOfTheSequenceTheyHold() {
    for (RewardModel model : new RewardModel[] {RewardTestModels.arm(), RewardTestModels.rad()}) {
      int[] prefix = encode("Yesterday the committee met to discuss");
      int[] cands = {11, 500, 1234, 4000, 8000};
      try (RewardScorer s = model.newScorer()) {
        for (int t : prefix) {
          s.append(t);
        }
        s.append(300);
        s.append(301);
        float[] scratch = new float[cands.length];
        s.score(cands, cands.length, scratch);
        s.rollback(2);
        s.append(302);
        try (RewardScorer fork = s.fork()) {
          fork.append(303);
          float[] a = new float[cands.length];
          s.score(cands, cands.length, a);
          assertArrayEquals(fresh(model, prefix, new int[] {302}, cands), a, TOL, model.kind() + " after rollback");
          float[] b = new float[cands.length];
          fork.score(cands, cands.length, b);
          assertArrayEquals(fresh(model, prefix, new int[] {302, 303}, cands), b, TOL, model.kind() + " fork");
          assertEquals(prefix.length + 1, s.length(), "the fork's token stays in the fork");
        }
      }
    }
  }

  private static float[] fresh(RewardModel model, int[] prefix, int[] extra, int[] cands) {
    try (RewardScorer s = model.newScorer()) {
      for (int t : prefix) {
        s.append(t);
      }
      for (int t : extra) {
        s.append(t);
      }
      float[] out = new float[cands.length];
      s.score(cands, cands.length, out);
      return out;
    }
  }

  @Test
  void anEmptyPrefixCannotBeScored() {
    try (RewardScorer s = RewardTestModels.arm().newScorer()) {
      assertThrows(IllegalStateException.class, () -> s.score(new int[] {1}, 1, new float[1]));
    }
  }

  @Test
  void aRewardModelWithAnotherVocabularyIsRefusedAtLoad() {
    Vocabulary base = RewardTestModels.base().tokenizer().vocabulary();
    byte[][] tokens = new byte[base.size()][];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = base.tokenBytes(i);
    }
    tokens[1234] = "zzzz".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Map<String, Integer> specials = new HashMap<>(base.specialTokens());
    Vocabulary changed = new Vocabulary("changed", tokens, specials, base.eosTokenIds());
    ModelException e = assertThrows(ModelException.class, () -> RewardModels.load(RewardTestModels.armDir(), changed));
    assertTrue(e.getMessage().contains("token id 1234") && e.getMessage().contains("zzzz"), e.getMessage());

    Vocabulary shorter = new Vocabulary("shorter", Arrays.copyOf(tokens, tokens.length - 1), specials, base.eosTokenIds());
    ModelException e2 = assertThrows(ModelException.class, () -> RewardModels.load(RewardTestModels.radDir(), shorter));
    assertTrue(e2.getMessage().contains("the base model " + (base.size() - 1)), e2.getMessage());
  }

  @Test
  void loadingChecksTheDirectoryAndTheKind() {
    Vocabulary base = RewardTestModels.base().tokenizer().vocabulary();
    ModelException notReward = assertThrows(ModelException.class, () -> RewardModels.load(BundledModel.path(), base));
    assertTrue(notReward.getMessage().contains("not a reward model"), notReward.getMessage());
    ModelException wrongKind = assertThrows(ModelException.class, () -> OnnxRadRewardModel.load(RewardTestModels.armDir(), base));
    assertTrue(wrongKind.getMessage().contains("arm reward model"), wrongKind.getMessage());
    ModelException missing = assertThrows(ModelException.class,
        () -> RewardModels.load(RewardTestModels.armDir().resolve("no-such-dir"), base));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    try (RewardModel m = RewardModels.load(RewardTestModels.radDir(), base)) {
      assertEquals(RewardModel.Kind.RAD, m.kind());
      assertEquals(base.size(), m.vocabulary().size());
    }
  }
}
