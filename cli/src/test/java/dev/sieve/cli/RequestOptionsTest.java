package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.BannedTokensProcessor;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension hook: a {@link RequestOptions} group's processors join every request, and it may add JSON fields. */
class RequestOptionsTest {
  /** Bans one token and reports that it did; records the contexts it was called with. */
  static final class BanOptions implements RequestOptions {
    final int banned;
    final List<GenerateContext> contexts = new ArrayList<>();
    final List<LogitsProcessor> made = new ArrayList<>();

    BanOptions(int banned) {
      this.banned = banned;
    }

    @Override
    public List<LogitsProcessor> processors(GenerateContext ctx) {
      contexts.add(ctx);
      LogitsProcessor p = new BannedTokensProcessor(banned);
      made.add(p);
      return List.of(p);
    }

    @Override
    public void describe(GenerationResult result, ObjectNode json) {
      json.put("banned", banned);
    }
  }

  @Test
  void everyRequestGetsFreshProcessorsAndTheGroupDescribesTheResult() {
    Path dir = BundledModel.path();
    try (OnnxLanguageModel model = OnnxLanguageModel.load(dir)) {
      Generator generator = new Generator(model);
      GenerationConfig greedy = generator.defaults().toBuilder().doSample(false).maxNewTokens(6).build();
      GenerationRequest request = GenerationRequest.text("Once upon a time, there was");
      int[] plain = new RequestRunner(generator, dir, List.of()).run(request, greedy, null).tokens();

      BanOptions ban = new BanOptions(plain[0]);
      RequestRunner runner = new RequestRunner(generator, dir, List.of(ban));
      GenerationResult first = runner.run(request, greedy, null);
      GenerationResult second = runner.run(request, greedy, null);
      assertNotEquals(plain[0], first.tokens()[0], "the group's processor was in the chain");
      assertEquals(first.text(), second.text());
      assertEquals(2, ban.contexts.size(), "called once per request");
      assertTrue(ban.made.get(0) != ban.made.get(1), "fresh processors per request");
      GenerateContext ctx = ban.contexts.get(0);
      assertEquals(dir, ctx.modelDir());
      assertSame(model, ctx.model());
      assertSame(model.tokenizer(), ctx.tokenizer());
      assertSame(greedy, ctx.config());

      ObjectNode json = runner.json(TextNode.valueOf("x"), first);
      assertEquals(plain[0], json.get("banned").asInt());
      assertEquals("x", json.get("id").asText());
    }
  }
}
