package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TemperatureProcessorTest {
  @Test
  void dividesEveryLogitByTheTemperature() {
    float[] logits = {2f, -1f, 0.5f, NEG};
    new TemperatureProcessor(0.5f).process(empty(), logits);
    assertLogits(new float[] {4f, -2f, 1f, NEG}, logits);
  }

  @Test
  void aboveOneFlattens() {
    float[] logits = {3f, -6f};
    new TemperatureProcessor(3f).process(empty(), logits);
    assertLogits(new float[] {1f, -2f}, logits);
  }

  @Test
  void oneLeavesLogitsAlone() {
    float[] logits = {0.1f, 0.2f};
    new TemperatureProcessor(1f).process(empty(), logits);
    assertLogits(new float[] {0.1f, 0.2f}, logits);
  }

  @Test
  void zeroNegativeAndNaNAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TemperatureProcessor(0f));
    assertThrows(IllegalArgumentException.class, () -> new TemperatureProcessor(-1f));
    assertThrows(IllegalArgumentException.class, () -> new TemperatureProcessor(Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> new TemperatureProcessor(Float.POSITIVE_INFINITY));
  }
}
