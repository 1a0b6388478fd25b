package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.prompt.PromptFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sieve generate --prompt-file FILE}: set-based prompts from JSON. */
class PromptFileOptionsTest {
  private static Path write(Path dir, String name, String json) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    return f;
  }

  private static int[] ids(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  @Test
  void theOrderOfASetsMembersDoesNotChangeTheOutput(@TempDir Path dir) throws IOException {
    Path forward = write(dir, "a.json", """
        {"segments": [{"text": "Which is a fruit?"}, {"set": ["\\n- a chair", "\\n- an apple", "\\n- a cloud"]}, {"text": "\\nAnswer:"}]}
        """);
    Path backward = write(dir, "b.json", """
        {"segments": [{"text": "Which is a fruit?"}, {"set": ["\\n- a cloud", "\\n- an apple", "\\n- a chair"]}, {"text": "\\nAnswer:"}]}
        """);
    Cli.Run a = Cli.run("generate", "--prompt-file", forward.toString(), "--max-tokens", "12", "--seed", "4", "--format", "jsonl");
    Cli.Run b = Cli.run("generate", "--prompt-file", backward.toString(), "--max-tokens", "12", "--seed", "4", "--format", "jsonl");
    assertEquals(0, a.exitCode(), a.toString());
    assertEquals(0, b.exitCode(), b.toString());
    assertEquals(a.json().path("text").asText(), b.json().path("text").asText());
    assertArrayEquals(ids(a.json().path("token_ids")), ids(b.json().path("token_ids")));
    // the same as the library gives for the file's request
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator g = new Generator(model);
      GenerationResult r = g.generate(PromptFile.read(forward).toRequest()
          .withConfig(g.defaults().toBuilder().maxNewTokens(12).seed(4).build()));
      assertArrayEquals(r.tokens(), ids(a.json().path("token_ids")));
      assertEquals(r.promptTokens().length, a.json().path("prompt_tokens").asInt());
    }
  }

  @Test
  void chatMessagesWithASetStreamText(@TempDir Path dir) throws IOException {
    Path f = write(dir, "chat.json", """
        {"messages": [{"role": "user", "segments": [{"text": "Pick one:"}, {"set": ["\\n- tea", "\\n- coffee"]}]}]}
        """);
    Cli.Run run = Cli.run("generate", "--prompt-file", f.toString(), "--max-tokens", "8", "--seed", "1");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().endsWith("\n"));
    assertEquals("", run.err());
  }

  @Test
  void badFilesAndConflictingFlagsGetOneLine(@TempDir Path dir) throws IOException {
    Path bad = write(dir, "bad.json", "{\"segments\": [{\"text\": \"a\"}, {\"set\": []}]}");
    Cli.Run run = Cli.run("generate", "--prompt-file", bad.toString());
    assertEquals(1, run.exitCode());
    assertEquals("sieve generate: error: --prompt-file: " + bad + " at /segments/1/set: must be a non-empty array of strings\n",
        run.err().replace("\r\n", "\n"));
    Path syntax = write(dir, "syntax.json", "{\"segments\": [\n  {\"text\": \"a\"}\n  {\"text\": \"b\"}]}");
    Cli.Run s = Cli.run("generate", "--prompt-file", syntax.toString());
    assertEquals(1, s.exitCode());
    assertTrue(s.err().startsWith("sieve generate: error: --prompt-file: " + syntax + ":3:3: not valid JSON"), s.err());
    Path missing = dir.resolve("missing.json");
    assertTrue(Cli.run("generate", "--prompt-file", missing.toString()).err().contains("cannot read the prompt file"));
    Cli.Run both = Cli.run("generate", "--prompt-file", bad.toString(), "--prompt", "hi");
    assertEquals(1, both.exitCode());
    assertEquals("sieve generate: error: --prompt-file holds the whole prompt (text or chat messages); drop --prompt\n",
        both.err().replace("\r\n", "\n"));
  }
}
