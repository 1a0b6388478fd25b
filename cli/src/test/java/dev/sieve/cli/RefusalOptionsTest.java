package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.refusal.RefusalPolicy;
import dev.sieve.decoding.refusal.RefusalSteering;
import dev.sieve.decoding.refusal.RefusalTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RefusalOptionsTest {
  private static OnnxLanguageModel model;

  @Command(name = "host")
  static final class Host implements Runnable {
    @Mixin
    RefusalOptions refusal = new RefusalOptions();

    @Override
    public void run() {}
  }

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static RefusalOptions parse(String... args) {
    Host h = new Host();
    new CommandLine(h).parseArgs(args);
    return h.refusal;
  }

  @Test
  void theOptionsDescribeThePolicy() {
    RefusalOptions o = parse("--refusal", "horizon=0.5", "private=0.9", "--refusal-bias", "ability=-2", "--refusal-disable", "illposed",
        "--refusal-temperature", "2");
    assertTrue(o.requested());
    RefusalPolicy p = o.policy(model);
    RefusalTokens t = p.tokens();
    assertEquals(0.5, p.threshold(t.indexOf("horizon")));
    assertEquals(0.9, p.threshold(t.indexOf("private")));
    assertEquals(-2.0, p.bias(t.indexOf("ability")));
    assertTrue(p.isDisabled(t.indexOf("illposed")));
    assertEquals(2.0, p.temperature());
    assertFalse(parse().requested());
    assertTrue(parse().steering(model).isEmpty(), "no options, no processor");
  }

  @Test
  void aBadSettingSaysWhichOptionAndWhy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--refusal", "horizon=2").policy(model));
    assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> parse("--refusal-bias", "weather=1").policy(model));
    assertTrue(e.getMessage().contains("unknown refusal category 'weather'"), e.getMessage());
  }

  @Test
  void theJsonlRefusalObjectRecordsWhatTheAnswerStartedWith() {
    // the model's own choice here is [respond] (see the model card); private at threshold 0 passes on any prompt,
    // ill-posed is switched off, and horizon and ability (no thresholds) pass only where their token comes first
    RefusalSteering s = parse("--refusal", "private=0.0", "--refusal-disable", "illposed").steering(model).orElseThrow();
    GenerationResult r = new Generator(model).generate(GenerationRequest.chat(List.of(ChatMessage.user("What is the capital of France?")))
        .withConfig(new Generator(model).defaults().toBuilder().doSample(false).maxNewTokens(4).build())
        .withProcessors(List.of(s)));
    Map<String, Object> json = RefusalOptions.json(s.decision().orElseThrow(), s.policy().tokens());
    assertEquals(true, json.get("refused"));
    assertEquals("private", json.get("category"));
    assertEquals(List.of("refused", "category", "probability", "probabilities"), List.copyOf(json.keySet()));
    assertTrue(r.text().startsWith("[refuse:private]"), r.text());
  }
}
