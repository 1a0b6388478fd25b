package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code sieve generate} with one prompt, on the bundled model. */
class GenerateCommandTest {
  private static final String PROMPT = "Write a JSON record for a book.";

  @Test
  void textStreamsTheSameTextAsTheLibraryWithTheSameSettings() {
    Cli.Run run = Cli.run("generate", "--prompt", PROMPT, "--max-tokens", "24", "--seed", "11", "--temperature", "0.8");
    assertEquals(0, run.exitCode(), run::toString);
    GenerationResult expected;
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator g = new Generator(model);
      expected = g.generate(GenerationRequest.chat(List.of(ChatMessage.user(PROMPT)))
          .withConfig(g.defaults().toBuilder().maxNewTokens(24).seed(11).temperature(0.8).doSample(true).build()));
    }
    assertFalse(expected.text().isEmpty());
    assertEquals(expected.text() + System.lineSeparator(), run.out());
  }

  @Test
  void jsonlPrintsOneObjectWithTheResultAndItsTimings() {
    Cli.Run run = Cli.run("generate", "--prompt", PROMPT, "--max-tokens", "12", "--seed", "3", "--format", "jsonl");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(1, run.out().strip().lines().count(), "one line");
    JsonNode o = run.json();
    assertEquals(1, o.get("id").asInt());
    assertTrue(o.get("text").isTextual());
    assertTrue(Set.of("eos", "stop", "length", "constraint").contains(o.get("finish_reason").asText()));
    int tokens = o.get("tokens").asInt();
    assertEquals(tokens, o.get("token_ids").size());
    assertTrue(tokens > 0 && tokens <= 12);
    if (tokens < 12) {
      assertEquals("eos", o.get("finish_reason").asText());
    }
    assertTrue(o.get("prompt_tokens").asInt() > 0);
    JsonNode t = o.get("timings");
    for (String f : List.of("prefill_ms", "decode_ms", "tokens_per_second", "forward_ms", "total_ms")) {
      assertTrue(t.get(f).isNumber() && t.get(f).asDouble() >= 0, f);
    }
    double expectedRate = tokens / (t.get("decode_ms").asDouble() / 1000);
    assertEquals(expectedRate, t.get("tokens_per_second").asDouble(), expectedRate * 0.01 + 0.01);
    // the same seed in text format prints the same text
    Cli.Run text = Cli.run("generate", "--prompt", PROMPT, "--max-tokens", "12", "--seed", "3");
    assertEquals(o.get("text").asText() + System.lineSeparator(), text.out());
  }

  @Test
  void theSameSeedGivesTheSameOutputAndOtherSeedsVary() {
    String[] args = {"generate", "--prompt", PROMPT, "--max-tokens", "20", "--temperature", "1.2", "--format", "jsonl"};
    JsonNode a = Cli.run(concat(args, "--seed", "42")).json();
    JsonNode b = Cli.run(concat(args, "--seed", "42")).json();
    assertEquals(a.get("token_ids"), b.get("token_ids"));
    Set<JsonNode> outputs = new HashSet<>();
    for (int seed = 1; seed <= 4; seed++) {
      outputs.add(Cli.run(concat(args, "--seed", Integer.toString(seed))).json().get("token_ids"));
    }
    assertTrue(outputs.size() > 1, "four seeds at temperature 1.2 all gave " + outputs);
  }

  @Test
  void aStopStringEndsTheTextBeforeIt() {
    JsonNode full = Cli.run("generate", "--prompt", PROMPT, "--temperature", "0", "--max-tokens", "40", "--format", "jsonl").json();
    String text = full.get("text").asText();
    assertTrue(text.length() > 20, text);
    String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
    JsonNode stopped = Cli.run("generate", "--prompt", PROMPT, "--temperature", "0", "--max-tokens", "40", "--format", "jsonl",
        "--stop", stop).json();
    assertEquals("stop", stopped.get("finish_reason").asText());
    assertEquals(text.substring(0, text.indexOf(stop)), stopped.get("text").asText());
  }

  @Test
  void aStopStringOnTheCommandLineMayUseBackslashEscapes() {
    assertEquals("a\nb\t\\", Settings.unescape("a\\nb\\t\\\\"));
    assertEquals("\\x", Settings.unescape("\\x"));
  }

  @Test
  void maxTokensEndsWithLength() {
    JsonNode o = Cli.run("generate", "--prompt", PROMPT, "--temperature", "0", "--max-tokens", "3", "--format", "jsonl").json();
    assertEquals(3, o.get("tokens").asInt());
    assertEquals("length", o.get("finish_reason").asText());
  }

  @Test
  void thePromptMayComeFromStdin() {
    Cli.Run fromFlag = Cli.run("generate", "--prompt", PROMPT, "--temperature", "0", "--max-tokens", "16");
    Cli.Run fromStdin = Cli.runWithStdin(PROMPT + "\n", "generate", "--temperature", "0", "--max-tokens", "16");
    assertEquals(0, fromStdin.exitCode(), fromStdin::toString);
    assertEquals(fromFlag.out(), fromStdin.out());
  }

  @Test
  void rawContinuesPlainTextWhileTheDefaultUsesTheChatTemplate() {
    JsonNode chat = Cli.run("generate", "--prompt", "Once upon a time", "--max-tokens", "1", "--format", "jsonl").json();
    JsonNode raw = Cli.run("generate", "--raw", "--prompt", "Once upon a time", "--max-tokens", "1", "--format", "jsonl").json();
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator g = new Generator(model);
      assertEquals(g.promptTokens(GenerationRequest.chat(List.of(ChatMessage.user("Once upon a time")))).length,
          chat.get("prompt_tokens").asInt());
      assertEquals(model.tokenizer().encode("Once upon a time").length, raw.get("prompt_tokens").asInt());
    }
    assertNotEquals(chat.get("prompt_tokens"), raw.get("prompt_tokens"));
  }

  @Test
  void logprobsListTheChosenTokenAndItsAlternatives() {
    JsonNode o = Cli.run("generate", "--prompt", PROMPT, "--max-tokens", "5", "--temperature", "0", "--logprobs", "3",
        "--format", "jsonl").json();
    JsonNode lps = o.get("logprobs");
    assertEquals(o.get("tokens").asInt() + (o.get("finish_reason").asText().equals("eos") ? 1 : 0), lps.size());
    for (int i = 0; i < o.get("tokens").asInt(); i++) {
      JsonNode lp = lps.get(i);
      assertEquals(o.get("token_ids").get(i).asInt(), lp.get("token").asInt());
      assertEquals(3, lp.get("top").size());
      // greedy: the chosen token is the most likely one
      assertEquals(lp.get("top").get(0).get("logprob").asDouble(), lp.get("logprob").asDouble(), 1e-9);
      assertTrue(lp.get("logprob").asDouble() <= 0);
    }
  }

  @Test
  void verbosePrintsTheFinishReasonOnStderrAndKeepsStdoutClean() {
    Cli.Run run = Cli.run("generate", "--prompt", PROMPT, "--max-tokens", "4", "--temperature", "0", "-v");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.err().contains("finish: length, 4 tokens"), run.err());
    assertFalse(run.out().contains("finish"), run.out());
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
