package dev.sieve.decoding.logits;

/**
 * A processor that allows only some tokens: grammars, regexes, JSON Schema, choices.
 *
 * <p>Besides masking, a constraint answers for a single token, so the generator can use the lazy
 * check of DESIGN.md: sample first, check the one token, and only fill the mask and resample when it
 * is rejected (exact when the constraint is the last processor that removes tokens before sampling).
 *
 * <p>No dead ends: in every reachable state at least one token, or end of sequence, is allowed; end of
 * sequence is allowed exactly when the output so far is complete.
 */
public interface TokenConstraint extends LogitsProcessor {
  /** Whether {@code token} may come next (end-of-sequence ids: whether the output is complete). */
  boolean isAllowed(int token);

  /** Sets the bit of every token allowed next, end of sequence included when complete. Clears the others. */
  void fillMask(TokenMask mask);

  /** The output so far is a complete sentence of the constraint: end of sequence is allowed. */
  boolean isComplete();

  /** Nothing can follow but end of sequence: generation stops with finish reason {@code constraint}. */
  boolean isFinished();

  @Override
  TokenConstraint fork();
}
