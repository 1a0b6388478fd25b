package dev.sieve.decoding.speculative;

/**
 * Prunes a draft tree while it is filled, depth first: a drafted token the filter does not allow is left
 * out with its whole subtree. Stateful filters (a forked grammar matcher) follow the walk through
 * {@link #enter} and {@link #leave}.
 */
public interface DraftFilter {
  /** Keeps every drafted token. */
  DraftFilter NONE = new DraftFilter() {
    @Override
    public boolean allows(int token) {
      return true;
    }

    @Override
    public boolean expands(int token) {
      return true;
    }

    @Override
    public void enter(int token) {}

    @Override
    public void leave() {}
  };

  /** Whether {@code token} may follow the path walked so far. */
  boolean allows(int token);

  /** Whether anything may follow an allowed {@code token} (false for end of sequence). */
  boolean expands(int token);

  /** Descends into an allowed token's subtree. */
  void enter(int token);

  /** Goes back up from the last {@link #enter}. */
  void leave();
}
