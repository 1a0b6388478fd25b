package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code sieve generate --speculative}: the same output, plus what speculation did. */
class SpeculativeOptionsTest {
  private static final String[] BASE = {"generate", "--raw", "--prompt", "one two three four one two three four one",
      "--max-tokens", "32", "--format", "jsonl"};

  private static String[] with(String... more) {
    String[] all = java.util.Arrays.copyOf(BASE, BASE.length + more.length);
    System.arraycopy(more, 0, all, BASE.length, more.length);
    return all;
  }

  @Test
  void speculativeOutputIsPlainOutputAndReportsForwardsAndAcceptance() {
    for (String[] sampling : new String[][] {{"--temperature", "0"}, {"--temperature", "0.9", "--seed", "4"}}) {
      Cli.Run plain = Cli.run(with(sampling));
      assertEquals(0, plain.exitCode(), plain::toString);
      assertFalse(plain.json().has("speculative"), "plain decoding reports no speculative object");
      for (String mode : new String[] {"recycle", "auto"}) {
        String[] args = with(sampling);
        args = java.util.Arrays.copyOf(args, args.length + 4);
        args[args.length - 4] = "--speculative";
        args[args.length - 3] = mode;
        args[args.length - 2] = "--draft-tree-size";
        args[args.length - 1] = "16";
        Cli.Run run = Cli.run(args);
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = run.json();
        assertEquals(plain.json().get("token_ids"), o.get("token_ids"), mode);
        assertEquals(plain.json().get("text"), o.get("text"), mode);
        JsonNode s = o.get("speculative");
        assertEquals(mode, s.get("mode").asText());
        int forwards = s.get("forwards").asInt();
        double perForward = s.get("accepted_per_forward").asDouble();
        assertTrue(forwards > 0 && forwards <= o.get("tokens").asInt(), o.toString());
        // every chosen token's logits after the first (which the prefill gives) came from a forward; the end of
        // sequence is chosen too, though "tokens" does not count it
        int chosen = o.get("tokens").asInt() + ("eos".equals(o.get("finish_reason").asText()) ? 1 : 0);
        assertEquals((chosen - 1.0) / forwards, perForward, 0.001, o.toString());
        for (String f : new String[] {"drafted", "accepted_drafts", "acceptance_rate", "tree_attention"}) {
          assertTrue(s.has(f), f);
        }
      }
    }
  }

  @Test
  void badSpeculativeFlagsGetOneClearError() {
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--speculative", "fast"), 1,
        "--speculative: speculative mode must be none, recycle or auto, got 'fast'");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--speculative", "recycle", "--draft-tree-size", "1"), 1,
        "--draft-tree-size: draft tree size must be in [2, 256] nodes, got 1");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--draft-tree-size", "8"), 1,
        "--draft-tree-size needs --speculative recycle or auto");
  }

  private static void assertOneCleanError(Cli.Run run, int exitCode, String expected) {
    assertEquals(exitCode, run.exitCode(), run::toString);
    assertTrue(run.err().contains(expected), "expected '" + expected + "' in\n" + run.err());
    assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), "no stack trace:\n" + run.err());
    assertEquals("", run.out(), "nothing on stdout");
  }
}
