package dev.sieve.decoding.refusal;

import java.util.Arrays;

/**
 * What a refusal decision needs of the logits at the first response position, kept small so a labelled
 * prompt set can be scored once and swept many times: the raw logits of the first-response tokens
 * ({@code [respond]}, then each category's token, as {@link RefusalTokens#firstTokenIds()}), and of
 * every other token only the largest logit and the log-sum-exp at the given softmax temperature.
 *
 * <p>From these, {@link RefusalPolicy#decide} computes the tokens' probabilities over the whole
 * vocabulary after biases exactly as it would from the full row. Immutable.
 */
public final class FirstTokenLogits {
  private final float[] first;
  private final double restMax;
  private final double restLogSumExp;
  private final double temperature;

  FirstTokenLogits(float[] first, double restMax, double restLogSumExp, double temperature) {
    this.first = first;
    this.restMax = restMax;
    this.restLogSumExp = restLogSumExp;
    this.temperature = temperature;
  }

  /**
   * Summarises one row of logits (one score per vocabulary id).
   *
   * @param temperature the softmax temperature the probabilities will be taken at (&gt; 0)
   */
  public static FirstTokenLogits of(float[] logits, RefusalTokens tokens, double temperature) {
    checkTemperature(temperature);
    int[] ids = tokens.firstTokenIds();
    float[] first = new float[ids.length];
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] >= logits.length) {
        throw new IllegalArgumentException("token id " + ids[k] + " outside logits of " + logits.length);
      }
      first[k] = logits[ids[k]];
    }
    // Every other token: its max, then the log of the sum of exp(l/T) taken relative to that max so it
    // cannot overflow. The first-response ids are few, so a linear check per id is cheap.
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < logits.length; v++) {
      if (!isFirst(ids, v) && logits[v] > max) {
        max = logits[v];
      }
    }
    double lse = Double.NEGATIVE_INFINITY;
    if (max != Double.NEGATIVE_INFINITY) {
      double sum = 0;
      double scaledMax = max / temperature;
      for (int v = 0; v < logits.length; v++) {
        if (!isFirst(ids, v)) {
          sum += Math.exp(logits[v] / temperature - scaledMax);
        }
      }
      lse = scaledMax + Math.log(sum);
    }
    return new FirstTokenLogits(first, max, lse, temperature);
  }

  private static boolean isFirst(int[] ids, int v) {
    for (int id : ids) {
      if (id == v) {
        return true;
      }
    }
    return false;
  }

  static void checkTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("the refusal softmax temperature must be a positive number, got " + temperature);
    }
  }

  /** Raw logit of first-response token {@code k} (0 = respond, 1 + i = category i). */
  public float logit(int k) {
    return first[k];
  }

  /** Number of first-response tokens (categories + 1). */
  public int size() {
    return first.length;
  }

  /** The largest logit of every other token. */
  public double restMax() {
    return restMax;
  }

  /** log Σ exp(l / T) over every other token. */
  public double restLogSumExp() {
    return restLogSumExp;
  }

  /** The softmax temperature {@link #restLogSumExp()} was taken at. */
  public double temperature() {
    return temperature;
  }

  @Override
  public String toString() {
    return "FirstTokenLogits" + Arrays.toString(first) + "[rest max " + restMax + ", lse " + restLogSumExp + " at T=" + temperature + "]";
  }
}
