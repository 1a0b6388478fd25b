package dev.sieve.examples;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationListener;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.util.List;

/** The library quick start of the README, as a program: one chat prompt, streamed, on the bundled model. */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    // --- README: library quick start (keep the two in step) ---
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator generator = new Generator(model);              // one per model; thread-safe
      GenerationResult result = generator.generate(
          GenerationRequest.chat(List.of(ChatMessage.user("Write a JSON record for a book.")))
              .withConfig(generator.defaults().toBuilder()     // generation_config.json's values
                  .maxNewTokens(64).seed(7).addStopString("\n\n").build())
              .withListener(GenerationListener.text(System.out::print)));
      System.out.println();
      System.out.printf("%s after %d tokens, %.0f tokens/s%n",
          result.finishReason().wireName(), result.tokens().length, result.timings().tokensPerSecond());
    }
    // --- end ---
  }
}
