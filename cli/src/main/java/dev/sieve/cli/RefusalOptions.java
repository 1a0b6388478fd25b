package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.refusal.RefusalDecision;
import dev.sieve.decoding.refusal.RefusalPolicy;
import dev.sieve.decoding.refusal.RefusalSteering;
import dev.sieve.decoding.refusal.RefusalTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The refusal-token controls of {@code sieve generate}: per-category thresholds and biases at the first
 * response position, categories switched off, and the softmax temperature the thresholds compare against.
 * With none given, nothing is added to the chain. The jsonl result then carries
 * {@code "refusal": {"refused", "category", "probability", "probabilities"}}: whether the answer opened with a
 * refusal token, which category (null when it answered), the probability of the token it opened with, and
 * every first-response token's probability.
 */
public final class RefusalOptions implements RequestOptions {
  @Option(names = "--refusal", arity = "1..*", paramLabel = "CATEGORY=TAU",
      description = "Refuse in CATEGORY iff its refusal token's probability at the first response position is at least TAU "
          + "(0..1), else answer; categories not named keep the model's own choice. Repeatable.")
  List<String> thresholds = new ArrayList<>();

  @Option(names = "--refusal-bias", arity = "1..*", paramLabel = "CATEGORY=B",
      description = "Add B to CATEGORY's refusal-token logit at the first response position. Repeatable.")
  List<String> biases = new ArrayList<>();

  @Option(names = "--refusal-disable", arity = "1..*", paramLabel = "CATEGORY",
      description = "Never refuse in CATEGORY. Repeatable.")
  List<String> disabled = new ArrayList<>();

  @Option(names = "--refusal-temperature", paramLabel = "T", defaultValue = "1.0",
      description = "Softmax temperature of the probabilities compared with --refusal thresholds (default: ${DEFAULT-VALUE}).")
  double temperature = 1.0;

  private RefusalPolicy policy; // built once per model: immutable and shared by every request
  private LanguageModel policyModel;

  /** Whether any refusal control was given. */
  public boolean requested() {
    return !thresholds.isEmpty() || !biases.isEmpty() || !disabled.isEmpty() || temperature != 1.0;
  }

  /**
   * The policy the options describe for {@code model}.
   *
   * @throws dev.sieve.decoding.model.ModelException when the model has no refusal tokens
   * @throws IllegalArgumentException on a malformed setting or an unknown category
   */
  public synchronized RefusalPolicy policy(LanguageModel model) {
    if (policy != null && policyModel == model) {
      return policy;
    }
    RefusalPolicy.Builder b = RefusalPolicy.builder(RefusalTokens.of(model)).temperature(temperature)
        .thresholds(thresholds).biases(biases);
    for (String c : disabled) {
      b.disable(c.trim());
    }
    policy = b.build();
    policyModel = model;
    return policy;
  }

  @Override
  public List<LogitsProcessor> processors(GenerateContext ctx) {
    return steering(ctx.model()).<List<LogitsProcessor>>map(List::of).orElse(List.of());
  }

  @Override
  public void describe(GenerationResult result, ObjectNode json) {
    Map<String, Object> m = result.measurements();
    if (!requested() || !(m.get("refusal.refused") instanceof Boolean refused)) {
      return;
    }
    ObjectNode r = json.putObject("refusal");
    r.put("refused", refused);
    if (refused) {
      r.put("category", (String) m.get("refusal.category"));
    } else {
      r.putNull("category");
    }
    r.put("probability", (Double) m.get("refusal.probability"));
    ObjectNode p = r.putObject("probabilities");
    if (m.get("refusal.probabilities") instanceof Map<?, ?> probabilities) {
      for (Map.Entry<?, ?> e : probabilities.entrySet()) {
        p.put(String.valueOf(e.getKey()), ((Number) e.getValue()).doubleValue());
      }
    }
  }

  /** A fresh steering processor for one request, or empty when no refusal control was given. */
  public Optional<RefusalSteering> steering(LanguageModel model) {
    return requested() ? Optional.of(new RefusalSteering(policy(model))) : Optional.empty();
  }

  /** The {@code refusal} object of a jsonl result line: {@code refused}, {@code category}, {@code probability}, {@code probabilities}. */
  public static Map<String, Object> json(RefusalDecision d, RefusalTokens tokens) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("refused", d.refused());
    m.put("category", d.category());
    m.put("probability", d.probability());
    m.put("probabilities", d.probabilitiesByName(tokens.categories()));
    return m;
  }
}
