package dev.sieve.decoding.speculative;

import dev.sieve.decoding.logits.TokenConstraint;
import java.util.List;

/**
 * Prunes a draft tree with the sequence's constraints: forks of them walk the tree depth first (accept
 * on the way down, roll back on the way up), so a drafted token they would reject is never verified.
 * End-of-sequence tokens are kept only where the constraints allow them and are never expanded.
 * Pruning never changes the output, since verification accepts only tokens the chain would choose;
 * it only saves verifying tokens that cannot be chosen.
 */
final class ConstraintPruner implements DraftFilter {
  private final TokenConstraint[] forks;
  private final int[] eos;

  /** Forks of {@code constraints} in their current state (the root token already accepted). */
  ConstraintPruner(List<TokenConstraint> constraints, int[] eos) {
    this.forks = new TokenConstraint[constraints.size()];
    for (int i = 0; i < forks.length; i++) {
      forks[i] = constraints.get(i).fork();
    }
    this.eos = eos;
  }

  @Override
  public boolean allows(int token) {
    for (TokenConstraint c : forks) {
      if (!c.isAllowed(token)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean expands(int token) {
    for (int e : eos) {
      if (e == token) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void enter(int token) {
    for (TokenConstraint c : forks) {
      c.accept(token);
    }
  }

  @Override
  public void leave() {
    for (TokenConstraint c : forks) {
      c.rollback(1);
    }
  }
}
