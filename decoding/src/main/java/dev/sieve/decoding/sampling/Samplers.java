package dev.sieve.decoding.sampling;

import dev.sieve.decoding.logits.SamplingSettings;
import java.util.concurrent.ThreadLocalRandom;

/** The sampler that goes with {@link SamplingSettings}. */
public final class Samplers {
  private Samplers() {}

  /** Greedy when the temperature is 0, else multinomial with the settings' seed (a random one when absent). */
  public static Sampler forSettings(SamplingSettings settings) {
    if (settings.greedy()) {
      return new GreedySampler();
    }
    long seed = settings.seed() != null ? settings.seed() : ThreadLocalRandom.current().nextLong();
    return new MultinomialSampler(seed);
  }
}
