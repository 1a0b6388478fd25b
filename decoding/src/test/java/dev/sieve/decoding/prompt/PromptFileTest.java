package dev.sieve.decoding.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sieve.decoding.generate.GenerationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFileTest {
  @Test
  void readsSegments(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("q.json");
    Files.writeString(f, """
        {"segments": [{"text": "Which is a fruit?\\n"}, {"set": ["- apple\\n", "- chair\\n"]}, {"text": "Answer:"}]}
        """);
    PromptFile p = PromptFile.read(f);
    assertEquals(List.of(PromptSegment.text("Which is a fruit?\n"), PromptSegment.set("- apple\n", "- chair\n"),
        PromptSegment.text("Answer:")), p.segments());
    assertNull(p.messages());
    GenerationRequest r = p.toRequest();
    assertEquals(GenerationRequest.PromptKind.SET_BASED, r.kind());
    assertEquals(p.segments(), r.segments());
  }

  @Test
  void readsMessagesWithContentOrSegments() {
    PromptFile p = PromptFile.parse("""
        {"messages": [{"role": "system", "content": "Be brief."},
                      {"role": "user", "segments": [{"text": "Compare:"}, {"set": ["a", "b", "c"]}]}]}
        """, "chat.json");
    assertEquals(List.of(PromptMessage.of("system", "Be brief."),
        new PromptMessage("user", List.of(PromptSegment.text("Compare:"), PromptSegment.set("a", "b", "c")))), p.messages());
    assertEquals(p.messages(), p.toRequest().segmentedMessages());
  }

  private static String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> PromptFile.parse(json, "p.json")).getMessage();
  }

  @Test
  void badFilesGetOneClearErrorWithThePlace() {
    assertEquals("p.json:2:15: not valid JSON: Unexpected character (']' (code 93)): was expecting double-quote to start field name",
        error("{\"segments\":\n  [{\"text\": 1,]}"));
    assertEquals("p.json: the prompt file needs exactly one of \"segments\" and \"messages\"", error("{}"));
    assertEquals("p.json: the prompt file must be a JSON object with \"segments\" or \"messages\"", error("[1]"));
    assertEquals("p.json at /segments/1: a segment is {\"text\": \"...\"} or {\"set\": [\"...\", ...]}",
        error("{\"segments\": [{\"text\": \"a\"}, {\"sets\": []}]}"));
    assertEquals("p.json at /segments/0/set/1: a member must be a non-empty string",
        error("{\"segments\": [{\"set\": [\"a\", \"\"]}, {\"text\": \"x\"}]}"));
    assertEquals("p.json at /segments: the last segment must be text: generation continues after it and must see every member",
        error("{\"segments\": [{\"text\": \"a\"}, {\"set\": [\"a\", \"b\"]}]}"));
    assertEquals("p.json at /messages/0/role: a message needs a role (a non-empty string)",
        error("{\"messages\": [{\"content\": \"hi\"}]}"));
    assertEquals("p.json: unknown key \"prompt\" (expected segments, messages)", error("{\"prompt\": \"x\"}"));
    assertEquals("missing.json: cannot read the prompt file: missing.json",
        assertThrows(IllegalArgumentException.class, () -> PromptFile.read(Path.of("missing.json"))).getMessage());
  }
}
