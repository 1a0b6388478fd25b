package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sieve generate --num-beams N}: beam search, composing with constraints. */
class BeamOptionsTest {
  @Test
  void beamOutputUnderAConstraintIsValidAndReportsTheSearch() {
    for (String beams : new String[] {"2", "4"}) {
      Cli.Run run = Cli.run("generate", "--raw", "--prompt", "Code: ", "--num-beams", beams,
          "--regex", "[A-Z]{3}-[0-9]{2}", "--format", "jsonl");
      assertEquals(0, run.exitCode(), run::toString);
      JsonNode r = run.json();
      assertTrue(r.get("text").asText().matches("[A-Z]{3}-[0-9]{2}"), r.toString());
      assertEquals("constraint", r.get("finish_reason").asText(), r.toString());
      assertEquals(Integer.parseInt(beams), r.get("beam_search").get("beams").asInt());
      assertTrue(r.get("beam_search").get("score").asDouble() < 0, r.toString());
    }
    Cli.Run choice = Cli.run("generate", "--raw", "--prompt", "Answer: ", "--num-beams", "3",
        "--choice", "yes", "--choice", "no", "--choice", "maybe");
    assertEquals(0, choice.exitCode(), choice::toString);
    assertTrue(List.of("yes", "no", "maybe").contains(choice.out().strip()), choice.out());
  }

  @Test
  void beamSearchIsDeterministicWhateverTheSamplingFlags() {
    String[] a = {"generate", "--raw", "--prompt", "The cat", "--max-tokens", "8", "--num-beams", "3", "--format", "jsonl"};
    Cli.Run plain = Cli.run(a);
    String[] b = java.util.Arrays.copyOf(a, a.length + 4);
    b[a.length] = "--temperature";
    b[a.length + 1] = "0.9";
    b[a.length + 2] = "--seed";
    b[a.length + 3] = "5";
    Cli.Run sampled = Cli.run(b);
    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(0, sampled.exitCode(), sampled::toString);
    assertEquals(plain.json().get("token_ids"), sampled.json().get("token_ids"));
    assertFalse(Cli.run("generate", "--raw", "--prompt", "The cat", "--max-tokens", "8", "--format", "jsonl")
        .json().has("beam_search"), "no beam_search object without --num-beams");
  }

  @Test
  void badBeamFlagsGetOneClearError() {
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--num-beams", "0"),
        "--num-beams: the number of beams must be in [1, 64], got 0");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--num-beams", "2", "--logprobs", "2"),
        "--num-beams cannot be combined with --logprobs");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--num-beams", "2", "--speculative", "recycle"),
        "--num-beams cannot be combined with --speculative");
  }

  private static void assertOneCleanError(Cli.Run run, String expected) {
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().contains(expected), "expected '" + expected + "' in\n" + run.err());
    assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), "no stack trace:\n" + run.err());
    assertEquals("", run.out(), "nothing on stdout");
  }
}
