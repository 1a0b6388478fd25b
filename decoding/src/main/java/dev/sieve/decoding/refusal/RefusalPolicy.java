package dev.sieve.decoding.refusal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The refusal controls for one model, per category: a threshold τ, an additive logit bias, or disabled;
 * and one softmax temperature for the probabilities the thresholds compare against. Immutable; build with
 * {@link #builder(RefusalTokens)}.
 *
 * <p><b>The decision</b> ({@link #decide}), at the first response position:
 *
 * <ol>
 *   <li>Each category's token logit gets its bias; a disabled category's token gets {@code -∞}.
 *   <li>p<sub>c</sub> is the probability of category c's token: softmax over the whole vocabulary of the
 *       biased logits divided by the temperature.
 *   <li>A category with a threshold is a candidate iff p<sub>c</sub> ≥ τ<sub>c</sub> (Jain et al. 2024's
 *       thresholding). A category without one is a candidate iff its token is the most likely token of the
 *       vocabulary: what greedy decoding would emit, so leaving a category alone keeps the model's own choice.
 *   <li>The most probable candidate is emitted; with no candidate, {@code [respond]}.
 * </ol>
 *
 * <p>Why "most probable candidate": a category passing its threshold never takes a prompt from another
 * category that the model finds more likely and that also passes, so lowering one category's threshold only
 * takes prompts from {@code [respond]} or from less likely categories (isolation). Lowering τ<sub>c</sub>
 * never lowers category c's refusal rate: the set of prompts where c is emitted only grows.
 *
 * <p>A policy with no threshold at all does not force the first token ({@link #forcesFirstToken()} is
 * false): only biases and disabled categories apply and the sampler chooses; {@link #decide} then reports
 * what greedy decoding would do.
 */
public final class RefusalPolicy {
  private final RefusalTokens tokens;
  private final double[] thresholds; // NaN: none
  private final double[] biases;
  private final boolean[] disabled;
  private final double temperature;

  private RefusalPolicy(RefusalTokens tokens, double[] thresholds, double[] biases, boolean[] disabled, double temperature) {
    this.tokens = tokens;
    this.thresholds = thresholds;
    this.biases = biases;
    this.disabled = disabled;
    this.temperature = temperature;
  }

  /** No controls: every category keeps the model's own choice. */
  public static RefusalPolicy none(RefusalTokens tokens) {
    return builder(tokens).build();
  }

  public static Builder builder(RefusalTokens tokens) {
    return new Builder(tokens);
  }

  /** A builder starting from this policy's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(tokens);
    System.arraycopy(thresholds, 0, b.thresholds, 0, thresholds.length);
    System.arraycopy(biases, 0, b.biases, 0, biases.length);
    System.arraycopy(disabled, 0, b.disabled, 0, disabled.length);
    b.temperature = temperature;
    return b;
  }

  public RefusalTokens tokens() {
    return tokens;
  }

  /** Category {@code i}'s threshold, or NaN when it has none. */
  public double threshold(int i) {
    return thresholds[i];
  }

  public boolean hasThreshold(int i) {
    return !Double.isNaN(thresholds[i]);
  }

  public double bias(int i) {
    return biases[i];
  }

  public boolean isDisabled(int i) {
    return disabled[i];
  }

  public double temperature() {
    return temperature;
  }

  /** Whether the first token is decided by thresholds (some category has one) rather than left to the sampler. */
  public boolean forcesFirstToken() {
    for (double t : thresholds) {
      if (!Double.isNaN(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this policy changes anything at all. */
  public boolean isActive() {
    if (forcesFirstToken()) {
      return true;
    }
    for (int i = 0; i < biases.length; i++) {
      if (biases[i] != 0 || disabled[i]) {
        return true;
      }
    }
    return false;
  }

  /** The biased logit of first-response token {@code k} (0 = respond, 1 + i = category i). */
  double biasedLogit(int k, double raw) {
    if (k == 0) {
      return raw;
    }
    return disabled[k - 1] ? Double.NEGATIVE_INFINITY : raw + biases[k - 1];
  }

  /**
   * The decision for one first response position (see the class comment for the rule).
   *
   * @throws IllegalArgumentException when {@code scores} were taken at another temperature or for other tokens
   */
  public RefusalDecision decide(FirstTokenLogits scores) {
    int n = tokens.size();
    if (scores.size() != n + 1) {
      throw new IllegalArgumentException("scores of " + scores.size() + " first-response tokens for a policy of " + (n + 1));
    }
    if (scores.temperature() != temperature) {
      throw new IllegalArgumentException("scores taken at temperature " + scores.temperature() + " for a policy at " + temperature);
    }
    double[] logit = new double[n + 1];
    double maxLogit = scores.restMax();
    for (int k = 0; k <= n; k++) {
      logit[k] = biasedLogit(k, scores.logit(k));
      maxLogit = Math.max(maxLogit, logit[k]);
    }
    // log Z over the whole vocabulary: the other tokens' log-sum-exp and the first-response tokens' terms
    double m = scores.restLogSumExp();
    for (int k = 0; k <= n; k++) {
      m = Math.max(m, logit[k] / temperature);
    }
    double sum = scores.restLogSumExp() == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scores.restLogSumExp() - m);
    for (int k = 0; k <= n; k++) {
      if (logit[k] != Double.NEGATIVE_INFINITY) {
        sum += Math.exp(logit[k] / temperature - m);
      }
    }
    double logZ = m + Math.log(sum);
    double[] p = new double[n + 1];
    for (int k = 0; k <= n; k++) {
      p[k] = logit[k] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(logit[k] / temperature - logZ);
    }
    int winner = -1;
    for (int i = 0; i < n; i++) {
      if (disabled[i]) {
        continue;
      }
      boolean candidate = Double.isNaN(thresholds[i])
          ? logit[1 + i] == maxLogit && isFirstMax(logit, 1 + i)
          : p[1 + i] >= thresholds[i];
      if (candidate && (winner < 0 || p[1 + i] > p[1 + winner])) {
        winner = i;
      }
    }
    if (winner < 0) {
      return new RefusalDecision(false, null, -1, p[0], p);
    }
    return new RefusalDecision(true, tokens.categories().get(winner), winner, p[1 + winner], p);
  }

  /** Ties between first-response tokens go to the lowest index, as an argmax over ids in that order would. */
  private static boolean isFirstMax(double[] logit, int k) {
    for (int j = 0; j < k; j++) {
      if (logit[j] >= logit[k]) {
        return false;
      }
    }
    return true;
  }

  /** The policy's settings by category name, e.g. {@code horizon: τ=0.31 bias=0} (for reports). */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < thresholds.length; i++) {
      List<String> parts = new ArrayList<>();
      if (disabled[i]) {
        parts.add("disabled");
      }
      if (!Double.isNaN(thresholds[i])) {
        parts.add("tau=" + thresholds[i]);
      }
      if (biases[i] != 0) {
        parts.add("bias=" + biases[i]);
      }
      m.put(tokens.categories().get(i), parts.isEmpty() ? "model's choice" : String.join(" ", parts));
    }
    return m;
  }

  @Override
  public String toString() {
    return "RefusalPolicy" + describe() + (temperature != 1 ? " T=" + temperature : "");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RefusalPolicy p && p.tokens == tokens && Arrays.equals(p.thresholds, thresholds)
        && Arrays.equals(p.biases, biases) && Arrays.equals(p.disabled, disabled) && p.temperature == temperature;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(thresholds) * 31 + Arrays.hashCode(biases);
  }

  /** Builds a {@link RefusalPolicy}; category names are checked against the model's. */
  public static final class Builder {
    private final RefusalTokens tokens;
    private final double[] thresholds;
    private final double[] biases;
    private final boolean[] disabled;
    private double temperature = 1.0;

    private Builder(RefusalTokens tokens) {
      this.tokens = tokens;
      this.thresholds = new double[tokens.size()];
      Arrays.fill(thresholds, Double.NaN);
      this.biases = new double[tokens.size()];
      this.disabled = new boolean[tokens.size()];
    }

    /** Emit {@code category}'s token iff its probability is at least {@code tau} (0 ≤ τ ≤ 1). */
    public Builder threshold(String category, double tau) {
      if (!(tau >= 0 && tau <= 1)) {
        throw new IllegalArgumentException("the refusal threshold for " + category + " must be a probability in [0, 1], got " + tau);
      }
      thresholds[tokens.indexOf(category)] = tau;
      return this;
    }

    /** Back to the model's own choice for {@code category}. */
    public Builder clearThreshold(String category) {
      thresholds[tokens.indexOf(category)] = Double.NaN;
      return this;
    }

    /** Adds {@code bias} to {@code category}'s token logit at the first response position. */
    public Builder bias(String category, double bias) {
      if (!Double.isFinite(bias)) {
        throw new IllegalArgumentException("the refusal bias for " + category + " must be a finite number, got " + bias
            + " (disable the category instead)");
      }
      biases[tokens.indexOf(category)] = bias;
      return this;
    }

    /** Never emit {@code category}'s token at the first response position. */
    public Builder disable(String category) {
      disabled[tokens.indexOf(category)] = true;
      return this;
    }

    /** The softmax temperature of the probabilities that thresholds compare against (default 1). */
    public Builder temperature(double t) {
      FirstTokenLogits.checkTemperature(t);
      this.temperature = t;
      return this;
    }

    /** Thresholds from {@code CATEGORY=TAU} strings (as the command line takes them). */
    public Builder thresholds(List<String> specs) {
      for (String s : specs) {
        Assignment a = Assignment.parse(s, "--refusal", "a threshold between 0 and 1");
        threshold(a.category(), a.value());
      }
      return this;
    }

    /** Biases from {@code CATEGORY=B} strings (as the command line takes them). */
    public Builder biases(List<String> specs) {
      for (String s : specs) {
        Assignment a = Assignment.parse(s, "--refusal-bias", "a logit bias");
        bias(a.category(), a.value());
      }
      return this;
    }

    public RefusalPolicy build() {
      return new RefusalPolicy(tokens, thresholds.clone(), biases.clone(), disabled.clone(), temperature);
    }
  }

  /** One {@code CATEGORY=NUMBER} setting. */
  public record Assignment(String category, double value) {
    /**
     * @param option names the setting in errors (e.g. {@code --refusal})
     * @param what what the number is, for errors
     */
    public static Assignment parse(String spec, String option, String what) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException(option + " takes CATEGORY=NUMBER (" + what + "), got '" + spec + "'");
      }
      String number = spec.substring(eq + 1).trim();
      try {
        return new Assignment(spec.substring(0, eq).trim(), Double.parseDouble(number));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " " + spec + ": '" + number + "' is not a number (" + what + ")");
      }
    }
  }
}
