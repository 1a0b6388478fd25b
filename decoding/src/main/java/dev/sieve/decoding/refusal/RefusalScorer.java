package dev.sieve.decoding.refusal;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.DecodingChainFactory;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.Logits;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the first response position of many prompts: one forward per batch of prompts (left-padded, the
 * logits of each row's last position), summarised as {@link FirstTokenLogits}. This is the model's whole
 * contribution to a refusal decision, so a prompt set is scored once and a policy swept over it for free.
 *
 * <p>Thread-safe when the model is (each call uses its own caches).
 */
public final class RefusalScorer {
  /** Prompts per forward unless told otherwise. */
  public static final int DEFAULT_BATCH = 16;

  private final LanguageModel model;
  private final RefusalTokens tokens;
  private final Generator prompts;
  private final int batchSize;
  private final int padId;

  public RefusalScorer(LanguageModel model) {
    this(model, RefusalTokens.of(model), DEFAULT_BATCH);
  }

  public RefusalScorer(LanguageModel model, RefusalTokens tokens, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.model = model;
    this.tokens = tokens;
    this.prompts = new Generator(model, DecodingChainFactory.greedy());
    this.batchSize = batchSize;
    int[] eos = model.tokenizer().vocabulary().eosTokenIds();
    this.padId = eos.length > 0 ? eos[0] : 0;
  }

  public RefusalTokens tokens() {
    return tokens;
  }

  /** The token ids a user message becomes: the model's chat template with the assistant's generation prompt. */
  public int[] chatPrompt(String userMessage) {
    return prompts.promptTokens(GenerationRequest.chat(List.of(ChatMessage.user(userMessage))));
  }

  /** Scores user messages, each rendered as a one-turn chat. */
  public List<FirstTokenLogits> scoreMessages(List<String> userMessages, double temperature) {
    List<int[]> ids = new ArrayList<>(userMessages.size());
    for (String m : userMessages) {
      ids.add(chatPrompt(m));
    }
    return score(ids, temperature);
  }

  /** Scores prompts given as token ids (each ending where the response starts). */
  public List<FirstTokenLogits> score(List<int[]> promptIds, double temperature) {
    FirstTokenLogits.checkTemperature(temperature);
    List<FirstTokenLogits> out = new ArrayList<>(promptIds.size());
    float[] row = new float[model.capabilities().vocabSize()];
    for (int start = 0; start < promptIds.size(); start += batchSize) {
      int end = Math.min(promptIds.size(), start + batchSize);
      int[][] rows = promptIds.subList(start, end).toArray(new int[0][]);
      try (KvCache cache = model.newCache(rows.length)) {
        Logits logits = model.forward(cache, ForwardInput.batch(rows, padId));
        for (int b = 0; b < rows.length; b++) {
          logits.copyRow(b, logits.positions() - 1, row);
          out.add(FirstTokenLogits.of(row, tokens, temperature));
        }
      }
    }
    return out;
  }
}
