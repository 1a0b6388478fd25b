package dev.sieve.decoding.refusal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened at the first response position.
 *
 * @param refused whether the answer starts with a refusal token
 * @param category the refusal category, or {@code null} when it did not refuse
 * @param categoryIndex index of the category in {@link RefusalTokens#categories()}, or -1
 * @param probability the probability of the token emitted: the category's refusal token when it refused,
 *     else {@code [respond]}'s (over the whole vocabulary, after biases, at the policy's temperature)
 * @param probabilities the same probability for every first-response token: index 0 {@code [respond]},
 *     index {@code 1 + i} category {@code i}
 */
public record RefusalDecision(boolean refused, String category, int categoryIndex, double probability, double[] probabilities) {
  public RefusalDecision {
    probabilities = probabilities.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** Probability of category {@code i}'s refusal token. */
  public double categoryProbability(int i) {
    return probabilities[1 + i];
  }

  /** {@code [respond]}'s probability. */
  public double respondProbability() {
    return probabilities[0];
  }

  /** Probabilities by name ({@code respond} and each category), in order; for reports and JSON. */
  public Map<String, Double> probabilitiesByName(List<String> categories) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("respond", probabilities[0]);
    for (int i = 0; i < categories.size(); i++) {
      m.put(categories.get(i), probabilities[1 + i]);
    }
    return m;
  }

  @Override
  public String toString() {
    return "RefusalDecision[" + (refused ? "refused " + category : "respond") + ", p=" + probability + ", " + Arrays.toString(probabilities) + "]";
  }
}
