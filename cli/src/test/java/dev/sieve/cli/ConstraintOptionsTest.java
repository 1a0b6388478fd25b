package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sieve generate} with --json-schema, --regex, --choice and --grammar on the bundled model. */
class ConstraintOptionsTest {
  @TempDir Path dir;

  @Test
  void jsonSchemaOutputIsJsonOfTheSchemaAndEndsWithFinishReasonConstraint() throws Exception {
    Path schema = dir.resolve("point.json");
    Files.writeString(schema, """
        {"type":"object","properties":{"x":{"type":"integer","minimum":0,"maximum":9},
         "y":{"type":"integer","minimum":0,"maximum":9}},"required":["x","y"],"additionalProperties":false}""");
    Cli.Run run = Cli.run("generate", "--raw", "--prompt", "A point: ", "--seed", "3", "--max-tokens", "40",
        "--json-schema", schema.toString(), "--format", "jsonl");
    assertEquals(0, run.exitCode(), run::toString);
    JsonNode r = run.json();
    assertEquals("constraint", r.get("finish_reason").asText());
    assertEquals("json-schema", r.get("constraint").asText());
    JsonNode point = Cli.JSON.readTree(r.get("text").asText());
    assertTrue(point.get("x").asInt() >= 0 && point.get("x").asInt() <= 9, r.toString());
    assertEquals(2, point.size(), r.toString());
  }

  @Test
  void regexAndChoiceConstrainTheWholeText() {
    Cli.Run regex = Cli.run("generate", "--raw", "--prompt", "Code: ", "--seed", "1", "--regex", "[A-Z]{3}-[0-9]{2}");
    assertEquals(0, regex.exitCode(), regex::toString);
    assertTrue(regex.out().strip().matches("[A-Z]{3}-[0-9]{2}"), regex.out());
    Cli.Run choice = Cli.run("generate", "--raw", "--prompt", "Answer: ", "--seed", "2", "--choice", "yes", "--choice", "no");
    assertEquals(0, choice.exitCode(), choice::toString);
    assertTrue(List.of("yes", "no").contains(choice.out().strip()), choice.out());
  }

  @Test
  void bundledGrammarByName() {
    Cli.Run run = Cli.run("generate", "--raw", "--prompt", "1 + ", "--seed", "4", "--max-tokens", "30",
        "--grammar", "arithmetic", "--format", "jsonl");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("grammar", run.json().get("constraint").asText());
  }

  @Test
  void badConstraintFlagsGiveOneClearMessage() throws Exception {
    Cli.Run two = Cli.run("generate", "--prompt", "x", "--regex", "a", "--choice", "b");
    assertEquals(1, two.exitCode());
    assertTrue(two.err().contains("give one of --grammar, --json-schema, --regex or --choice"), two.err());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\n  \"type\": \"object\",\n  \"properties\": {\"a\": {\"not\": {}}}\n}");
    Cli.Run unsupported = Cli.run("generate", "--prompt", "x", "--json-schema", bad.toString());
    assertEquals(1, unsupported.exitCode());
    assertTrue(unsupported.err().contains(bad + ": at /properties/a/not: unsupported keyword 'not'"), unsupported.err());
    assertTrue(!unsupported.err().contains("\tat "), "no stack trace: " + unsupported.err());
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\n  \"type\": \n}");
    Cli.Run syntax = Cli.run("generate", "--prompt", "x", "--json-schema", broken.toString());
    assertEquals(1, syntax.exitCode());
    assertTrue(syntax.err().contains(broken + ":3:"), syntax.err());
    Cli.Run regex = Cli.run("generate", "--prompt", "x", "--regex", "(a)\\1");
    assertEquals(1, regex.exitCode());
    assertTrue(regex.err().toLowerCase().contains("back-reference") || regex.err().toLowerCase().contains("backreference"),
        regex.err());
  }
}
