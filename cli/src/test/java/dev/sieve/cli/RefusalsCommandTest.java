package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefusalsCommandTest {
  private static Cli.Run calibrate(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "refusals";
    all[1] = "calibrate";
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  private static void assertOneCleanError(Cli.Run run, int code, String message) {
    assertEquals(code, run.exitCode(), run.toString());
    assertTrue(run.err().contains(message), run.toString());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
  }

  private static Path heldOut() {
    return BundledModel.path().resolve("refusal_heldout.jsonl");
  }

  @Test
  void calibrateReachesTheTargetsAndWritesTheSweepAsCsvAndPng(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("sweep.csv");
    Path png = dir.resolve("plots/sweep.png");
    Cli.Run run = calibrate("--prompts", heldOut().toString(), "--target", "horizon=0.6", "private=0.8",
        "--target", "ability=0.5", "illposed=0.6", "--csv", csv.toString(), "--png", png.toString(), "--cross-check");
    assertEquals(0, run.exitCode(), run.toString());
    String text = run.out();
    assertTrue(text.contains("300 prompts (horizon 60, private 60, ability 60, illposed 60, respond 60)"), text);
    for (String c : List.of("horizon", "private", "ability", "illposed")) {
      String line = text.lines().filter(l -> l.contains("target") && l.trim().startsWith(c)).findFirst().orElseThrow();
      double off = Double.parseDouble(line.replaceAll(".*off by ([0-9.]+) points.*", "$1"));
      assertTrue(off <= 3.0, line);
    }
    assertTrue(text.contains("sieve generate --refusal horizon="), text);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("category,threshold,should_refuse_rate,should_answer_rate,any_refusal_on_should_answer,horizon_rate,private_rate,ability_rate,illposed_rate", lines.get(0));
    assertEquals(1 + 4 * 81, lines.size());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a PNG was written");
    assertEquals(2 * 520, image.getWidth());
  }

  @Test
  void badInputGetsOneClearMessage(@TempDir Path dir) throws IOException {
    assertOneCleanError(calibrate("--prompts", dir.resolve("none.jsonl").toString(), "--target", "horizon=0.5"), 1,
        "--prompts: " + dir.resolve("none.jsonl") + " does not exist");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"What will happen tomorrow?\", \"category\": \"horizon\"}\nnot json\n");
    assertOneCleanError(calibrate("--prompts", bad.toString(), "--target", "horizon=0.5"), 1, bad + ":2:");
    String csv = dir.resolve("a.csv").toString();
    String png = dir.resolve("a.png").toString();
    assertOneCleanError(calibrate("--prompts", heldOut().toString(), "--target", "weather=0.5", "--csv", csv, "--png", png), 1,
        "unknown refusal category 'weather'; the model's categories are horizon, private, ability, illposed");
    assertOneCleanError(calibrate("--prompts", heldOut().toString(), "--target", "horizon"), 1, "--target takes CATEGORY=NUMBER");
    assertOneCleanError(calibrate("--prompts", heldOut().toString(), "--target", "horizon=2", "--csv", csv, "--png", png), 1,
        "the target rate for horizon must be in [0, 1]");
    assertOneCleanError(calibrate("--target", "horizon=0.5"), 2, "Missing required option: '--prompts=FILE'");
    assertFalse(Files.exists(dir.resolve("a.csv")), "nothing is written when the targets are bad");
  }

  @Test
  void generateTakesTheRefusalFlagsAndJsonlReportsTheRefusal() {
    Cli.Run forced = Cli.run("generate", "--prompt", "Who will win the World Cup in 2042?", "--max-tokens", "3", "--temperature", "0",
        "--format", "jsonl", "--refusal", "horizon=1.0", "private=1.0", "ability=1.0", "illposed=1.0");
    assertEquals(0, forced.exitCode(), forced.toString());
    var refusal = forced.json().path("refusal");
    assertFalse(refusal.path("refused").asBoolean(true), forced.out());
    assertTrue(refusal.path("category").isNull());
    assertTrue(forced.json().path("text").asText().startsWith("[respond]"), forced.out());
    double p = refusal.path("probability").asDouble();
    assertEquals(refusal.path("probabilities").path("respond").asDouble(), p, 1e-12);

    Cli.Run biased = Cli.run("generate", "--prompt", "Who will win the World Cup in 2042?", "--max-tokens", "3", "--temperature", "0",
        "--format", "jsonl", "--refusal-bias", "horizon=-30", "--refusal-disable", "illposed");
    assertEquals(0, biased.exitCode(), biased.toString());
    var r = biased.json().path("refusal");
    assertTrue(r.path("probabilities").path("horizon").asDouble() < 1e-6, biased.out());
    assertEquals(0.0, r.path("probabilities").path("illposed").asDouble());
    assertFalse("horizon".equals(r.path("category").asText()));

    Cli.Run plain = Cli.run("generate", "--prompt", "Who will win the World Cup in 2042?", "--max-tokens", "3", "--temperature", "0", "--format", "jsonl");
    assertTrue(plain.json().path("refusal").isMissingNode(), "no refusal flags, no refusal field: " + plain.out());
    assertOneCleanError(Cli.run("generate", "--prompt", "hi", "--refusal", "horizon=high"), 1, "--refusal horizon=high: 'high' is not a number");
  }
}
