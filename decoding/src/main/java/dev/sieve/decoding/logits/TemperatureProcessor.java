package dev.sieve.decoding.logits;

/**
 * Divides every logit by the temperature: below 1 sharpens the distribution, above 1 flattens it.
 *
 * <p>Semantics of Hugging Face transformers' {@code TemperatureLogitsWarper}: the temperature must be
 * strictly positive (greedy decoding is a choice of sampler, not a temperature of zero); a temperature
 * of 1 leaves the logits as they are. Stateless and thread-safe.
 */
public final class TemperatureProcessor implements LogitsProcessor {
  private final float temperature;

  public TemperatureProcessor(float temperature) {
    if (!(temperature > 0f) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
    }
    this.temperature = temperature;
  }

  public float temperature() {
    return temperature;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (temperature == 1f) {
      return;
    }
    float t = temperature;
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= t;
    }
  }

  @Override
  public String toString() {
    return "temperature(" + temperature + ")";
  }
}
