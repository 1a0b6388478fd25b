package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sieve generate --input prompts.jsonl --output results.jsonl} on the bundled model. */
class BatchTest {
  @TempDir Path dir;

  @Test
  void everyLineBecomesOneResultWithItsIdAndItsOwnSettings() throws IOException {
    Path in = write("prompts.jsonl",
        "{\"id\": \"a\", \"prompt\": \"Write a JSON record for a book.\", \"max_tokens\": 4, \"temperature\": 0}",
        "{\"id\": 2, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Name a colour.\"}], \"seed\": 9}",
        "",
        "{\"id\": \"c\", \"prompt\": \"Tell me about the sea.\", \"seed\": 5, \"top_k\": 10, \"top_p\": 0.9, \"min_p\": 0.05, \"stop\": [\".\"], \"max_tokens\": 30}");
    Path out = dir.resolve("results.jsonl");
    Cli.Run run = Cli.run("generate", "--input", in.toString(), "--output", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.out(), "results go to --output, not stdout");
    List<JsonNode> results = read(out);
    assertEquals(List.of("\"a\"", "2", "\"c\""), results.stream().map(r -> r.get("id").toString()).toList());
    assertEquals(4, results.get(0).get("tokens").asInt());
    assertEquals("length", results.get(0).get("finish_reason").asText());
    assertFalse(results.get(2).get("text").asText().contains("."), "the stop string and what follows are left out");
    assertTrue(run.err().contains("3/3"), "the progress bar reaches the total: " + run.err());
    assertTrue(run.err().contains("done: 3 generated"), run.err());

    // a line's settings give the same result as the same flags on one prompt
    JsonNode single = Cli.run("generate", "--prompt", "Tell me about the sea.", "--seed", "5", "--top-k", "10", "--top-p", "0.9",
        "--min-p", "0.05", "--stop", ".", "--max-tokens", "30", "--format", "jsonl").json();
    assertEquals(single.get("token_ids"), results.get(2).get("token_ids"));
    assertEquals(single.get("text"), results.get(2).get("text"));
  }

  @Test
  void aRerunSkipsTheIdsAlreadyInTheOutputAndRedoesACutOffLastLine() throws IOException {
    Path in = write("prompts.jsonl",
        "{\"id\": \"a\", \"prompt\": \"Name a colour.\", \"max_tokens\": 3, \"temperature\": 0}",
        "{\"id\": \"b\", \"prompt\": \"Name a fruit.\", \"max_tokens\": 3, \"temperature\": 0}",
        "{\"id\": \"c\", \"prompt\": \"Name a city.\", \"max_tokens\": 3, \"temperature\": 0}");
    Path out = dir.resolve("results.jsonl");
    Cli.Run first = Cli.run("generate", "--input", in.toString(), "--output", out.toString());
    assertEquals(0, first.exitCode(), first::toString);
    List<String> lines = Files.readAllLines(out);
    assertEquals(3, lines.size());
    // as if the first run had been interrupted while writing "b": a full "a", half of "b", no "c"
    Files.writeString(out, lines.get(0) + "\n" + lines.get(1).substring(0, lines.get(1).length() / 2), StandardCharsets.UTF_8);

    Cli.Run rerun = Cli.run("generate", "--input", in.toString(), "--output", out.toString());
    assertEquals(0, rerun.exitCode(), rerun::toString);
    assertTrue(rerun.err().contains("1 of 3 requests are already in"), rerun.err());
    assertTrue(rerun.err().contains("2/2"), rerun.err());
    List<JsonNode> results = read(out);
    assertEquals(List.of("a", "b", "c"), results.stream().map(r -> r.get("id").asText()).toList());
    JsonNode firstB = Cli.JSON.readTree(lines.get(1));
    assertEquals(firstB.get("token_ids"), results.get(1).get("token_ids"), "b is generated again, identically (greedy)");

    Cli.Run third = Cli.run("generate", "--input", in.toString(), "--output", out.toString());
    assertEquals(0, third.exitCode(), third::toString);
    assertTrue(third.err().contains("done: 0 generated, 3 already done"), third.err());
    assertEquals(3, read(out).size());
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumbersAndTheRestStillRun() throws IOException {
    Path in = write("prompts.jsonl",
        "{\"id\": \"ok1\", \"prompt\": \"Name a colour.\", \"max_tokens\": 2}",
        "{\"id\": \"broken\", \"prompt\": ",
        "{\"prompt\": \"no id\"}",
        "{\"id\": \"typo\", \"prompt\": \"x\", \"temprature\": 0.5}",
        "{\"id\": \"hot\", \"prompt\": \"x\", \"temperature\": \"hot\"}",
        "{\"id\": \"ok1\", \"prompt\": \"again\"}",
        "{\"id\": \"both\", \"prompt\": \"x\", \"messages\": []}",
        "[1, 2]",
        "{\"id\": \"ok2\", \"prompt\": \"Name a fruit.\", \"max_tokens\": 2}");
    Path out = dir.resolve("results.jsonl");
    Cli.Run run = Cli.run("generate", "--input", in.toString(), "--output", out.toString());
    assertEquals(1, run.exitCode(), "malformed lines make the exit code 1: " + run);
    assertEquals(List.of("ok1", "ok2"), read(out).stream().map(r -> r.get("id").asText()).toList());
    String err = run.err();
    assertTrue(err.contains(in + ":2:"), err);
    assertTrue(err.contains("not valid JSON"), err);
    assertTrue(err.contains(in + ":3: \"id\""), err);
    assertTrue(err.contains(in + ":4: unknown field 'temprature'"), err);
    assertTrue(err.contains(in + ":5: temperature: must be a number"), err);
    assertTrue(err.contains(in + ":6: id \"ok1\" was already used on line 1"), err);
    assertTrue(err.contains(in + ":7: give exactly one of"), err);
    assertTrue(err.contains(in + ":8: expected a JSON object"), err);
    assertTrue(err.contains("7 malformed lines"), err);
    assertFalse(err.contains("Exception"), err);
  }

  @Test
  void aRequestThatFailsIsReportedAndTheOthersRun() throws IOException {
    String tooLong = "word ".repeat(1100);
    Path in = write("prompts.jsonl",
        "{\"id\": \"long\", \"prompt\": \"" + tooLong + "\"}",
        "{\"id\": \"fine\", \"prompt\": \"Name a colour.\", \"max_tokens\": 2}");
    Path out = dir.resolve("results.jsonl");
    Cli.Run run = Cli.run("generate", "--raw", "--input", in.toString(), "--output", out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().contains(in + ":1 (id \"long\"): the prompt has"), run.err());
    assertTrue(run.err().contains("1 failed"), run.err());
    assertEquals(List.of("fine"), read(out).stream().map(r -> r.get("id").asText()).toList());
  }

  @Test
  void withoutOutputTheResultsGoToStdout() throws IOException {
    Path in = write("prompts.jsonl", "{\"id\": 1, \"prompt\": \"Name a colour.\", \"max_tokens\": 2}");
    Cli.Run run = Cli.run("generate", "--input", in.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(1, Cli.JSON.readTree(run.out()).get("id").asInt());
  }

  private Path write(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return p;
  }

  private static List<JsonNode> read(Path p) {
    try {
      List<JsonNode> r = new ArrayList<>();
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        r.add(Cli.JSON.readTree(line));
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
