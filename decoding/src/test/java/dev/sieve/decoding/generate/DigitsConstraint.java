package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.TokenConstraint;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.Vocabulary;

/**
 * A small real constraint for tests: up to {@code maxTokens} tokens made only of ASCII digits, then end
 * of sequence (allowed once at least one digit token came). Counts its mask fills.
 */
final class DigitsConstraint implements TokenConstraint, dev.sieve.decoding.logits.MeasuringProcessor {
  private final Vocabulary vocab;
  private final int maxTokens;
  private int accepted;
  private int fills;

  DigitsConstraint(Vocabulary vocab, int maxTokens) {
    this.vocab = vocab;
    this.maxTokens = maxTokens;
  }

  private boolean isDigits(int id) {
    if (!vocab.exists(id) || vocab.isSpecial(id)) {
      return false;
    }
    byte[] b = vocab.tokenBytes(id);
    if (b.length == 0) {
      return false;
    }
    for (byte x : b) {
      if (x < '0' || x > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isAllowed(int token) {
    if (vocab.isEos(token)) {
      return isComplete();
    }
    return accepted < maxTokens && isDigits(token);
  }

  @Override
  public void fillMask(TokenMask mask) {
    fills++;
    mask.clear();
    for (int id = 0; id < vocab.size(); id++) {
      if (isAllowed(id)) {
        mask.allow(id);
      }
    }
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    TokenMask m = new TokenMask(logits.length);
    fillMask(m);
    m.apply(logits);
  }

  @Override
  public void accept(int token) {
    if (!isAllowed(token)) {
      throw new IllegalStateException("token " + token + " violates the constraint");
    }
    accepted++;
  }

  @Override
  public void rollback(int n) {
    // speculative drafting walks forks of this constraint down and back up a draft tree
    accepted -= n;
  }

  @Override
  public boolean isComplete() {
    // end of sequence only once every digit token is there, so the outcome does not depend on the model
    return accepted >= maxTokens;
  }

  @Override
  public boolean isFinished() {
    return accepted >= maxTokens;
  }

  @Override
  public DigitsConstraint fork() {
    DigitsConstraint c = new DigitsConstraint(vocab, maxTokens);
    c.accepted = accepted;
    return c;
  }

  @Override
  public void contributeMeasurements(java.util.Map<String, Object> into) {
    into.put("digits.mask_fills", fills);
  }
}
