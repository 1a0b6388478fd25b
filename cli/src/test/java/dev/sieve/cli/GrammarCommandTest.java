package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sieve grammar check|sample|accepts}. */
class GrammarCommandTest {
  @TempDir Path dir;

  @Test
  void checkReportsSizesAndTime() {
    Cli.Run run = Cli.run("grammar", "check", "json");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("start rule json"), run.out());
    assertTrue(run.out().matches("(?s).*rules \\d+, lexemes \\d+.*lexer automaton: \\d+ states.*compile [0-9.]+ ms.*"),
        run.out());
  }

  @Test
  void checkNamesFileLineAndColumnOfAGrammarError() throws Exception {
    Path g4 = dir.resolve("Bad.g4");
    Files.writeString(g4, "grammar Bad;\nstart : 'a' {doSomething();} ;\n");
    Cli.Run run = Cli.run("grammar", "check", g4.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().matches("(?s).*Bad\\.g4:2:\\d+: .*"), run.err());
  }

  @Test
  void sampleIsSeededAndEverySentenceIsAccepted() throws Exception {
    Cli.Run a = Cli.run("grammar", "sample", "arithmetic", "--count", "4", "--seed", "11");
    Cli.Run b = Cli.run("grammar", "sample", "arithmetic", "--count", "4", "--seed", "11");
    assertEquals(0, a.exitCode(), a::toString);
    assertEquals(a.out(), b.out());
    String[] lines = a.out().strip().split("\n");
    assertEquals(4, lines.length, a.out());
    for (int i = 0; i < lines.length; i++) {
      Path f = dir.resolve("s" + i + ".txt");
      Files.writeString(f, lines[i]);
      Cli.Run ok = Cli.run("grammar", "accepts", "arithmetic", f.toString());
      assertEquals(0, ok.exitCode(), ok::toString);
    }
  }

  @Test
  void acceptsSaysOkOrWhereTheInputIsRejected() throws Exception {
    Path good = dir.resolve("good.json");
    Path bad = dir.resolve("bad.json");
    Files.writeString(good, "{\"a\": [1, 2, 3]}");
    Files.writeString(bad, "{\"a\": [1, 2,, 3]}");
    Cli.Run run = Cli.run("grammar", "accepts", "json", "--tokenizer", "o200k", good.toString(), bad.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.out().contains(good + ": ok"), run.out());
    assertTrue(run.out().matches("(?s).*bad\\.json: rejected at byte 1[0-3] \\(token \\d+ '.*"), run.out());
  }

  @Test
  void acceptsTakesAJsonSchemaOrARegexInPlaceOfGrammarFiles() throws Exception {
    Path schema = dir.resolve("s.json");
    Files.writeString(schema, "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"maxItems\":2}");
    Path two = dir.resolve("two.json");
    Path three = dir.resolve("three.json");
    Files.writeString(two, "[1,2]");
    Files.writeString(three, "[1,2,3]");
    Cli.Run run = Cli.run("grammar", "accepts", "--json-schema", schema.toString(), two.toString(), three.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.out().contains(two + ": ok"), run.out());
    assertTrue(run.out().contains(three + ": rejected at byte"), run.out());
    Path code = dir.resolve("code.txt");
    Files.writeString(code, "AB-12");
    Cli.Run regex = Cli.run("grammar", "accepts", "--regex", "[A-Z]+-[0-9]+", "--tokenizer", "cl100k", code.toString());
    assertEquals(0, regex.exitCode(), regex::toString);
    Cli.Run incomplete = Cli.run("grammar", "accepts", "--regex", "[A-Z]+-[0-9]+-X", code.toString());
    assertNotEquals(0, incomplete.exitCode());
    assertTrue(incomplete.out().contains("incomplete"), incomplete.out());
  }

  @Test
  void checkAndSampleAJsonSchema() throws Exception {
    Path schema = dir.resolve("s.json");
    Files.writeString(schema, "{\"type\":\"object\",\"properties\":{\"n\":{\"enum\":[1,2]}},\"required\":[\"n\"],"
        + "\"additionalProperties\":false}");
    Cli.Run check = Cli.run("grammar", "check", "--json-schema", schema.toString());
    assertEquals(0, check.exitCode(), check::toString);
    Cli.Run sample = Cli.run("grammar", "sample", "--json-schema", schema.toString(), "--count", "3");
    assertEquals(0, sample.exitCode(), sample::toString);
    for (String line : sample.out().strip().split("\n")) {
      assertTrue(line.equals("{\"n\":1}") || line.equals("{\"n\":2}"), line);
    }
  }
}
