package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad flags, missing files and unreadable models: one clear message on stderr, a non-zero exit, no stack trace. */
class ErrorsTest {
  @TempDir Path dir;

  @Test
  void anUnknownFlagIsAUsageErrorWithExitCode2() {
    Cli.Run run = Cli.run("generate", "--prompt", "hi", "--temprature", "0.5");
    assertOneCleanError(run, 2, "Unknown options: '--temprature'");
    assertTrue(run.err().contains("--temperature"), "suggests the flag that was meant: " + run.err());
  }

  @Test
  void aFlagWithAValueOfTheWrongTypeNamesTheFlag() {
    assertOneCleanError(Cli.run("generate", "--max-tokens", "many"), 2, "'--max-tokens': 'many' is not an int");
    assertOneCleanError(Cli.run("generate", "--format", "xml"), 2, "--format");
  }

  @Test
  void anOutOfRangeSettingNamesTheFlag() {
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--top-p", "1.5"), 1, "--top-p: top-p must be in (0, 1], got 1.5");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--temperature", "-1"), 1, "--temperature:");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--stop", ""), 1, "--stop: a stop string must not be empty");
  }

  @Test
  void aMissingModelDirectoryIsNamed() {
    Path missing = dir.resolve("no-such-model");
    assertOneCleanError(Cli.run("generate", "--model", missing.toString(), "--prompt", "hi"), 1, missing + " does not exist");
    assertOneCleanError(Cli.run("info", "--model", missing.toString()), 1, missing + " does not exist");
  }

  @Test
  void aDirectoryWithoutAModelSaysWhatIsMissing() {
    assertOneCleanError(Cli.run("info", "--model", dir.toString()), 1, "has no model.onnx");
  }

  @Test
  void anUnreadableModelFileIsReportedWithoutAStackTrace() throws IOException {
    Path bundled = BundledModel.path();
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
      Files.copy(bundled.resolve(f), dir.resolve(f));
    }
    Files.writeString(dir.resolve("model.onnx"), "this is not an ONNX model");
    assertOneCleanError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi"), 1, "could not load");
  }

  @Test
  void aMissingInputFileIsNamed() {
    Path missing = dir.resolve("prompts.jsonl");
    assertOneCleanError(Cli.run("generate", "--input", missing.toString()), 1, "--input: " + missing + " does not exist");
  }

  @Test
  void conflictingOrIncompleteRequestsAreRefused() {
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--input", "x.jsonl"), 1, "either --prompt or --input");
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--output", "x.jsonl"), 1, "--output needs --input");
    assertOneCleanError(Cli.runWithStdin("", "generate"), 1, "the prompt is empty");
    assertOneCleanError(Cli.run("generate", "--raw", "--system", "Be brief.", "--prompt", "hi"), 1, "--system needs a chat prompt");
  }

  @Test
  void noSubcommandPrintsTheUsageWithExitCode2() {
    Cli.Run run = Cli.run();
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("generate") && run.err().contains("info"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void versionAndHelpGoToStdout() {
    Cli.Run version = Cli.run("--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("sieve 0."), version.out());
    Cli.Run help = Cli.run("generate", "--help");
    assertEquals(0, help.exitCode());
    for (String flag : new String[] {"--model", "--prompt", "--max-tokens", "--temperature", "--top-k", "--top-p", "--min-p",
        "--seed", "--stop", "--format", "--input", "--output"}) {
      assertTrue(help.out().contains(flag), flag + " in\n" + help.out());
    }
  }

  private static void assertOneCleanError(Cli.Run run, int exitCode, String expected) {
    assertEquals(exitCode, run.exitCode(), run::toString);
    assertTrue(run.err().contains(expected), "expected '" + expected + "' in\n" + run.err());
    assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), "no stack trace:\n" + run.err());
    assertTrue(run.err().strip().lines().count() <= 3, "a short message:\n" + run.err());
    assertEquals("", run.out(), "nothing on stdout");
  }
}
