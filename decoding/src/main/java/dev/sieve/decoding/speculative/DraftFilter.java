package dev.sieve.decoding.speculative;

/**
 * Prunes a draft tree while it is filled, depth first: a drafted token the filter does not allow is left
 * out with its whole subtree. Stateful filters (a forked grammar matcher) follow the walk through
 * {@link #enter} and {@link #leave}.
 */
public interface DraftFilter {
  /** Keeps every drafted token. */
  DraftFilter NONE = token -> true;

  /** Whether {@code token} may follow the path walked so far. */
  boolean allows(int token);

  /** Whether anything may follow an allowed {@code token} (false for end of sequence); by default, yes. */
  default boolean expands(int token) {
    return true;
  }

  /** Descends into an allowed token's subtree; nothing to do for a filter without state. */
  default void enter(int token) {}

  /** Goes back up from the last {@link #enter}; nothing to do for a filter without state. */
  default void leave() {}
}
