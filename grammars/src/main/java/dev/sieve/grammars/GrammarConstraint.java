package dev.sieve.grammars;

import dev.sieve.decoding.logits.TokenConstraint;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.logits.TokenMask;

/**
 * A grammar as a logits processor: masks every token that cannot continue a sentence of the grammar.
 * The generator may call {@link #isAllowed} on the sampled token first and only {@link #process} (which
 * fills the mask) when it is rejected, as DESIGN.md describes. Once {@link #isFinished()}, generation
 * stops with finish reason {@code constraint}.
 */
public final class GrammarConstraint implements TokenConstraint {
  private final GrammarMatcher matcher;
  private TokenMask mask;

  public GrammarConstraint(GrammarMatcher matcher) {
    this.matcher = matcher;
  }

  public GrammarMatcher matcher() {
    return matcher;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (mask == null) {
      mask = new TokenMask(matcher.compiled().vocabulary().size());
    }
    matcher.fillMask(mask);
    mask.apply(logits);
  }

  @Override
  public void accept(int token) {
    if (!matcher.acceptToken(token)) {
      throw new IllegalStateException("token " + token + " is not allowed by grammar "
          + matcher.compiled().grammar().name() + " here");
    }
  }

  @Override
  public void rollback(int n) {
    matcher.rollback(n);
  }

  @Override
  public GrammarConstraint fork() {
    return new GrammarConstraint(matcher.fork());
  }

  @Override
  public boolean isAllowed(int token) {
    return matcher.isAllowed(token);
  }

  @Override
  public void fillMask(TokenMask mask) {
    matcher.fillMask(mask);
  }

  @Override
  public boolean isComplete() {
    return matcher.isComplete();
  }

  @Override
  public boolean isFinished() {
    return matcher.isFinished();
  }
}
