package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RefusalsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new RefusalsCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static Path heldOut() {
    return BundledModel.path().resolve("refusal_heldout.jsonl");
  }

  @Test
  void calibrateReachesTheTargetsAndWritesTheSweepAsCsvAndPng(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("sweep.csv");
    Path png = dir.resolve("plots/sweep.png");
    int code = run("calibrate", "--prompts", heldOut().toString(), "--target", "horizon=0.6", "private=0.8",
        "--target", "ability=0.5", "illposed=0.6", "--csv", csv.toString(), "--png", png.toString(), "--cross-check");
    assertEquals(0, code, err.toString());
    String text = out.toString();
    System.out.print(text);
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
    assertEquals(2, run("calibrate", "--prompts", dir.resolve("none.jsonl").toString(), "--target", "horizon=0.5"));
    assertTrue(err.toString().contains("no such file"), err.toString());
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"What will happen tomorrow?\", \"category\": \"horizon\"}\nnot json\n");
    assertEquals(2, run("calibrate", "--prompts", bad.toString(), "--target", "horizon=0.5"));
    assertTrue(err.toString().contains(bad + ":2:"), err.toString());
    assertEquals(2, run("calibrate", "--prompts", heldOut().toString(), "--target", "weather=0.5", "--csv", dir.resolve("a.csv").toString(),
        "--png", dir.resolve("a.png").toString()));
    assertTrue(err.toString().contains("unknown refusal category 'weather'"), err.toString());
    assertEquals(2, run("calibrate", "--prompts", heldOut().toString(), "--target", "horizon"));
    assertTrue(err.toString().contains("--target takes CATEGORY=NUMBER"), err.toString());
    assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
  }
}
