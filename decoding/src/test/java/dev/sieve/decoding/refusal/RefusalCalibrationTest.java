package dev.sieve.decoding.refusal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibration on the bundled model's held-out labelled prompts (60 per category and 60 should-answer). */
class RefusalCalibrationTest {
  private static final double TARGET_TOLERANCE = 0.03;
  private static final double ISOLATION_TOLERANCE = 0.02;

  private final RefusalCalibration calibration = HeldOut.calibration();
  private final RefusalTokens tokens = HeldOut.tokens();
  private final RefusalPolicy none = RefusalPolicy.none(tokens);

  @Test
  void aCategorysRefusalRateNeverFallsAsItsThresholdIsLowered() {
    double[] grid = RefusalCalibration.defaultGrid();
    for (String c : tokens.categories()) {
      RefusalCurve curve = calibration.sweep(none, c, grid);
      assertEquals(grid.length, curve.points().size());
      for (int i = 1; i < grid.length; i++) {
        assertTrue(curve.points().get(i).rates().refusalRate(curve.index()) <= curve.points().get(i - 1).rates().refusalRate(curve.index()),
            c + " at " + grid[i]);
        assertTrue(curve.points().get(i).rates().falseRefusalRate(curve.index()) <= curve.points().get(i - 1).rates().falseRefusalRate(curve.index()));
      }
      assertEquals(0.0, curve.points().get(grid.length - 1).rates().refusalRate(curve.index()), 1.0 / 60, c + " at threshold 1");
    }
  }

  /**
   * One category calibrated, the others left to the model's choice: the target is met, the others do not move.
   * A category can only take prompts from {@code [respond]}, never from a category whose token the model itself
   * puts first (that category keeps its prompts), so its reach is the share of its prompts the model does not
   * give to another category.
   */
  @Test
  void oneCategoryReachesItsTargetAndTheOthersStayWhereTheyWere() {
    RefusalRates baseline = calibration.rates(none);
    for (String c : tokens.categories()) {
      int i = tokens.indexOf(c);
      double reach = 1 - (baseline.anyRefusalRate(i) - baseline.refusalRate(i));
      // the bundled model gives at most 10% of any category's prompts to another category, so every target up
      // to 0.9 below is checked against the 3-point bound
      assertTrue(reach >= 0.9, c + " reaches only " + reach);
      for (double target : new double[] {0.1, 0.3, 0.5, 0.7, 0.8, 0.9}) {
        RefusalCalibration.Result r = calibration.calibrate(none, Map.of(c, target));
        assertTrue(r.converged());
        assertEquals(target, r.achieved().refusalRate(i), TARGET_TOLERANCE, c + " target " + target + ": " + r.policy());
        for (int d = 0; d < tokens.size(); d++) {
          if (d != i) {
            assertEquals(baseline.refusalRate(d), r.achieved().refusalRate(d), ISOLATION_TOLERANCE, tokens.categories().get(d) + " when calibrating " + c);
          }
        }
        // and over the whole sweep of this category's threshold
        assertTrue(calibration.sweep(r.policy(), c, RefusalCalibration.defaultGrid()).maxOtherShift(baseline) <= ISOLATION_TOLERANCE, c);
      }
    }
  }

  /** Every category calibrated at once; then each threshold halved and doubled moves the others by at most 2 points. */
  @Test
  void allCategoriesTogetherReachTheirTargetsAndEachThresholdMovesOnlyItsCategory() {
    for (double[] set : new double[][] {{0.6, 0.8, 0.5, 0.6}, {0.8, 0.9, 0.6, 0.7}, {0.9, 0.9, 0.9, 0.9}}) {
      Map<String, Double> targets = new LinkedHashMap<>();
      targets.put("horizon", set[0]);
      targets.put("private", set[1]);
      targets.put("ability", set[2]);
      targets.put("illposed", set[3]);
      RefusalCalibration.Result r = calibration.calibrate(none, targets);
      assertTrue(r.converged(), targets + ": rounds " + r.rounds());
      for (Map.Entry<String, Double> e : r.gaps().entrySet()) {
        assertTrue(e.getValue() <= TARGET_TOLERANCE, targets + ": " + e.getKey() + " misses its target by " + e.getValue() + ": " + r.achieved());
      }
      for (String c : tokens.categories()) {
        double tau = r.policy().threshold(tokens.indexOf(c));
        RefusalCurve moved = calibration.sweep(r.policy(), c, new double[] {tau / 2, Math.min(1, tau * 2)});
        assertTrue(moved.maxOtherShift(r.achieved()) <= ISOLATION_TOLERANCE, targets + ": " + c + " moved the others by " + moved.maxOtherShift(r.achieved()));
        RefusalCurve swept = calibration.sweep(r.policy(), c, RefusalCalibration.defaultGrid());
        assertTrue(swept.maxOtherShift(r.achieved()) <= ISOLATION_TOLERANCE, targets + ": sweeping " + c + " moved the others by " + swept.maxOtherShift(r.achieved()));
      }
    }
  }

  @Test
  void theCsvHasOneLinePerThresholdWithEveryCategorysRate() throws IOException {
    RefusalCurve curve = calibration.sweep(none, "private", RefusalCalibration.defaultGrid());
    StringWriter w = new StringWriter();
    w.write(RefusalCurve.csvHeader(tokens.categories()));
    curve.writeCsv(w);
    List<String> lines = w.toString().lines().toList();
    assertEquals("category,threshold,should_refuse_rate,should_answer_rate,any_refusal_on_should_answer,horizon_rate,private_rate,ability_rate,illposed_rate", lines.get(0));
    assertEquals(1 + RefusalCalibration.defaultGrid().length, lines.size());
    for (int k = 1; k < lines.size(); k++) {
      String[] f = lines.get(k).split(",");
      assertEquals(9, f.length);
      assertEquals("private", f[0]);
      RefusalRates rates = curve.points().get(k - 1).rates();
      assertEquals(rates.refusalRate(1), Double.parseDouble(f[2]), 1e-4);
      assertEquals(Double.parseDouble(f[2]), Double.parseDouble(f[6]), 1e-9);
      assertEquals(rates.falseRefusalRate(1), Double.parseDouble(f[3]), 1e-4);
    }
  }

  @Test
  void labelsOutsideTheModelsCategoriesAndUnreachableTargetsAreRefusedClearly() {
    List<LabelledPrompt> bad = List.of(new LabelledPrompt("hi", "respond"), new LabelledPrompt("ho", "weather"));
    List<FirstTokenLogits> scores = HeldOut.scorer().scoreMessages(List.of("hi", "ho"), 1.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RefusalCalibration(tokens, bad, scores));
    assertTrue(e.getMessage().contains("prompt 2 is labelled 'weather'"), e.getMessage());
    RefusalCalibration small = new RefusalCalibration(tokens, List.of(bad.get(0)), scores.subList(0, 1));
    e = assertThrows(IllegalArgumentException.class, () -> small.calibrate(none, Map.of("horizon", 0.5)));
    assertTrue(e.getMessage().contains("no prompt is labelled horizon"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> calibration.calibrate(none, Map.of("horizon", 1.5)));
    assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
  }

  @Test
  void aBadJsonlLineIsReportedWithItsFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("labelled.jsonl");
    Files.writeString(f, "{\"prompt\": \"a\", \"category\": \"respond\"}\n\n{\"prompt\": \"b\" \"category\": 1}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelledPrompt.readJsonl(f));
    assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
    Files.writeString(f, "{\"prompt\": \"a\"}\n");
    e = assertThrows(IllegalArgumentException.class, () -> LabelledPrompt.readJsonl(f));
    assertTrue(e.getMessage().startsWith(f + ":1: expected"), e.getMessage());
  }
}
