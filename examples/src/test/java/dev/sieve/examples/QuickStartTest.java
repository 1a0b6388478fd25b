package dev.sieve.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void printsTheStreamedTextThenTheFinishReason() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(stdout);
    }
    String expectedText;
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator g = new Generator(model);
      expectedText = g.generate(GenerationRequest.chat(List.of(ChatMessage.user("Write a JSON record for a book.")))
          .withConfig(g.defaults().toBuilder().maxNewTokens(64).seed(7).addStopString("\n\n").build())).text();
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(expectedText, String.join("\n", java.util.Arrays.copyOf(lines, lines.length - 1)));
    assertTrue(lines[lines.length - 1].matches("(eos|stop|length) after \\d+ tokens, \\d+ tokens/s"), lines[lines.length - 1]);
  }

  @Test
  void theReadmeShowsThisProgramsCode() throws IOException {
    Path root = BundledModel.path().getParent().getParent();
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("examples/src/main/java/dev/sieve/examples/QuickStart.java"));
    String body = source.substring(source.indexOf("// --- README: library quick start (keep the two in step) ---\n"), source.indexOf("    // --- end ---"));
    body = body.substring(body.indexOf('\n') + 1);
    for (String line : body.lines().toList()) {
      assertTrue(readme.contains(line.strip()), "README.md's library quick start lacks: " + line.strip());
    }
  }
}
