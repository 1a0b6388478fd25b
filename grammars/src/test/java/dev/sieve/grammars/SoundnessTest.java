package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.LogitBiasProcessor;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.refusal.RefusalScorer;
import dev.sieve.decoding.refusal.RefusalTokens;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Soundness on the bundled model: every output generated under a bundled grammar's constraint (many
 * seeds, sampling and greedy) is one ANTLR's own interpreter accepts when generation ended by end of
 * sequence or because the grammar is finished, and a prefix the engine can still complete when it ran
 * out of tokens. End of sequence is slightly favoured (a logit bias before the constraint) so that most
 * outputs end on their own.
 */
class SoundnessTest {
  private static OnnxLanguageModel model;
  private static Generator generator;

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  static AntlrOracle oracle(String name) throws IOException {
    String resource = BundledGrammars.resource(name);
    try (InputStream in = SoundnessTest.class.getClassLoader().getResourceAsStream(resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new AntlrOracle(List.of(new AntlrGrammarLoader.Source(resource, text)), BundledGrammars.startRule(name));
    }
  }

  private static final Map<String, String> PROMPTS = Map.of(
      "json", "A JSON object describing a cat:\n",
      "csv", "name,age,city\n",
      "arithmetic", "Compute: ",
      "sql", "Write a SQL query that selects the ten oldest users.");

  /**
   * The model writes SQL in its chat format, after the {@code [respond]} token it opens every answer with (a
   * special token, which no grammar allows): the chat prompt for {@code userMessage} followed by that token.
   */
  static GenerationRequest chatAnswer(LanguageModel model, String userMessage) {
    int[] chat = new RefusalScorer(model).chatPrompt(userMessage);
    int[] ids = Arrays.copyOf(chat, chat.length + 1);
    ids[chat.length] = RefusalTokens.of(model).respondId();
    return GenerationRequest.tokens(ids);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "csv", "arithmetic", "sql"})
  void everyConstrainedOutputParsesWithAntlr(String name) throws IOException {
    String prompt = PROMPTS.get(name);
    Vocabulary v = model.tokenizer().vocabulary();
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load(name), v);
    AntlrOracle oracle = oracle(name);
    Map<Integer, Float> eosBias = new HashMap<>();
    for (int e : v.eosTokenIds()) {
      eosBias.put(e, 8f);
    }
    int complete = 0;
    int runs = 0;
    for (int seed = 0; seed < 13; seed++) {
      boolean greedy = seed == 12;
      GenerationConfig config = GenerationConfig.builder().maxNewTokens(64).doSample(!greedy).temperature(1.0)
          .topK(0).topP(1.0).minP(0).seed(seed).build();
      GrammarConstraint constraint = cg.newConstraint();
      List<LogitsProcessor> processors = List.of(new LogitBiasProcessor(eosBias), constraint);
      GenerationRequest request = name.equals("sql") ? chatAnswer(model, prompt) : GenerationRequest.text(prompt);
      GenerationResult r = generator.generate(request.withConfig(config).withProcessors(processors));
      runs++;
      String what = name + " seed " + seed + " (" + r.finishReason() + "): '" + Conformance.escape(r.text()) + "'";
      GrammarMatcher m = constraint.matcher();
      switch (r.finishReason()) {
        case EOS, CONSTRAINT -> {
          complete++;
          assertTrue(oracle.accepts(r.text()), "ANTLR rejects " + what);
          if (r.finishReason() == FinishReason.CONSTRAINT) {
            assertTrue(m.isFinished(), "finished grammar: " + what);
          }
        }
        case LENGTH -> {
          assertEquals(64, r.tokens().length, what);
          assertFalse(m.isFinished(), "a finished grammar ends with reason constraint: " + what);
          // Not a dead end: some token or end of sequence may still follow.
          dev.sieve.decoding.logits.TokenMask mask = new dev.sieve.decoding.logits.TokenMask(v.size());
          m.fillMask(mask);
          assertTrue(mask.cardinality() > 0, "dead end after " + what);
        }
        default -> throw new AssertionError("unexpected finish reason: " + what);
      }
    }
    assertTrue(complete >= runs / 3, name + ": only " + complete + " of " + runs + " outputs ended on their own");
  }
}
