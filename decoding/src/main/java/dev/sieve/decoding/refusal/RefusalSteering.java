package dev.sieve.decoding.refusal;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.MeasuringProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a {@link RefusalPolicy} at the first response position (the first generated token) and records
 * what the answer started with. Every later position is left alone.
 *
 * <p>When the policy has thresholds, the first token is forced: every logit but the decided token's
 * ({@code [respond]} or one refusal token) becomes {@code -∞}, so any sampler emits it. Without thresholds
 * only the biases and disabled categories change the logits and the sampler chooses.
 *
 * <p>After the generation, {@link #decision()} (and the measurements {@code refusal.refused},
 * {@code refusal.category}, {@code refusal.probability}, {@code refusal.probabilities}) say whether it
 * refused, in which category, and with what probability. The probabilities are of the logits this
 * processor received: after any processor placed before it in the chain (the standard chain's penalties),
 * before the sampler's temperature.
 *
 * <p>Per-sequence state: one instance per generation; {@link #fork()} copies it, {@link #rollback} past
 * the first token forgets the decision.
 */
public final class RefusalSteering implements LogitsProcessor, MeasuringProcessor {
  private final RefusalPolicy policy;
  private final RefusalTokens tokens;
  private int accepted;
  private RefusalDecision pending;
  private RefusalDecision decision;

  public RefusalSteering(RefusalPolicy policy) {
    this.policy = policy;
    this.tokens = policy.tokens();
  }

  private RefusalSteering(RefusalSteering o) {
    this(o.policy);
    this.accepted = o.accepted;
    this.pending = o.pending;
    this.decision = o.decision;
  }

  public RefusalPolicy policy() {
    return policy;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (history.generatedLength() != 0) {
      return;
    }
    RefusalDecision d = policy.decide(FirstTokenLogits.of(logits, tokens, policy.temperature()));
    pending = d;
    if (policy.forcesFirstToken()) {
      int keep = d.refused() ? tokens.tokenId(d.categoryIndex()) : tokens.respondId();
      Arrays.fill(logits, Float.NEGATIVE_INFINITY);
      // the forced token keeps a finite score so that any later warper and the sampler see one live token
      logits[keep] = 0f;
      return;
    }
    for (int i = 0; i < tokens.size(); i++) {
      int id = tokens.tokenId(i);
      logits[id] = policy.isDisabled(i) ? Float.NEGATIVE_INFINITY : (float) (logits[id] + policy.bias(i));
    }
  }

  @Override
  public void accept(int token) {
    if (accepted++ == 0 && pending != null) {
      int c = tokens.categoryOfToken(token);
      double[] p = pending.probabilities();
      decision = c >= 0
          ? new RefusalDecision(true, tokens.categories().get(c), c, p[1 + c], p)
          : new RefusalDecision(false, null, -1, p[0], p);
    }
  }

  @Override
  public void rollback(int n) {
    if (n < 0 || n > accepted) {
      throw new IllegalArgumentException("cannot roll back " + n + " of " + accepted + " accepted tokens");
    }
    accepted -= n;
    if (accepted == 0) {
      decision = null;
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new RefusalSteering(this);
  }

  /** What the answer started with, once its first token was accepted. */
  public Optional<RefusalDecision> decision() {
    return Optional.ofNullable(decision);
  }

  @Override
  public void contributeMeasurements(Map<String, Object> into) {
    if (decision == null) {
      return;
    }
    into.put("refusal.refused", decision.refused());
    into.put("refusal.category", decision.refused() ? decision.category() : "none");
    into.put("refusal.probability", decision.probability());
    into.put("refusal.probabilities", decision.probabilitiesByName(tokens.categories()));
  }

  @Override
  public String toString() {
    return "refusal-steering(" + policy + ")";
  }
}
