package dev.sieve.decoding.refusal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalScorerTest {
  private final OnnxLanguageModel model = TestModels.bundled();

  /** Left-padded batches give each prompt the scores of its own unbatched forward. */
  @Test
  void batchedScoresEqualOnePromptAtATime() {
    RefusalScorer scorer = new RefusalScorer(model, RefusalTokens.of(model), 5);
    List<int[]> ids = new ArrayList<>();
    for (LabelledPrompt p : HeldOut.prompts().subList(0, 40).stream().filter(p -> p.prompt().length() % 3 != 0).toList()) {
      ids.add(scorer.chatPrompt(p.prompt()));
    }
    List<FirstTokenLogits> batched = scorer.score(ids, 1.0);
    for (int p = 0; p < ids.size(); p++) {
      float[] row;
      try (KvCache cache = model.newCache(1)) {
        row = model.forward(cache, ForwardInput.of(ids.get(p))).last(0);
      }
      FirstTokenLogits alone = FirstTokenLogits.of(row, scorer.tokens(), 1.0);
      for (int k = 0; k < alone.size(); k++) {
        assertEquals(alone.logit(k), batched.get(p).logit(k), 1e-3, "prompt " + p + " token " + k);
      }
      assertEquals(alone.restLogSumExp(), batched.get(p).restLogSumExp(), 1e-3);
      assertEquals(alone.restMax(), batched.get(p).restMax(), 1e-3);
    }
  }

  @Test
  void promptsAreTheChatTemplatesOneTurnWithTheGenerationPrompt() {
    RefusalScorer scorer = HeldOut.scorer();
    int[] ids = scorer.chatPrompt("What is a browser?");
    assertEquals("<|user|>\nWhat is a browser?<|end|>\n<|assistant|>\n", model.tokenizer().decode(ids));
  }
}
