package dev.sieve.grammars;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Context-independent parts of masks, shared by every matcher of a compiled grammar. The "pure" part of
 * a mask walk (trie nodes whose bytes only move the lexer inside one lexeme) depends on the lexer alone:
 * its DFA state, its last accepting lexeme, the lexemes the parser allows, the whitespace budget. Inside a
 * JSON string at a 200k vocabulary that part is nearly every token; computed once per such lexer context,
 * the mask becomes a copy of its bits plus the walk below the few trie nodes where a lexeme ends (the
 * "frontier"), which needs the parser. Bounded in memory; thread-safe (entries are immutable).
 */
final class PureWalkCache {
  /**
   * The lexer context a pure walk depends on. A matcher looks entries up with its own reusable key
   * ({@link #set}, then {@link PureWalkCache#get}), so a mask allocates nothing when the context is known;
   * {@link #copy} makes the immutable key that is stored.
   */
  static final class Key {
    private int state;
    private int lastAccept;
    private boolean capped;
    private int skipBase;
    private long[] allowed; // a parser set's allowed lexemes: never written after it is made
    private int hash;

    /** Points this (lookup) key at a context. */
    Key set(int state, int lastAccept, boolean capped, int skipBase, long[] allowed) {
      this.state = state;
      this.lastAccept = lastAccept;
      this.capped = capped;
      this.skipBase = skipBase;
      this.allowed = allowed;
      int h = Arrays.hashCode(allowed);
      h = 31 * h + state;
      h = 31 * h + lastAccept;
      h = 31 * h + skipBase;
      this.hash = 31 * h + (capped ? 1 : 0);
      return this;
    }

    Key copy() {
      return new Key().set(state, lastAccept, capped, skipBase, allowed);
    }

    int state() {
      return state;
    }

    int lastAccept() {
      return lastAccept;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && k.state == state && k.lastAccept == lastAccept
          && k.capped == capped && k.skipBase == skipBase && Arrays.equals(k.allowed, allowed);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * The result of a pure walk: the tokens it allowed (mask words), and the frontier nodes (trie node
   * index, with the bytes of the path above it, and the lexeme its byte emits when the cursor after it
   * does not depend on that path, else -1) below which the walk needs real cursors.
   */
  record Entry(long[] allowed, int[] frontier, byte[][] frontierPaths, int[] frontierEmits) {}

  private static final long MAX_BYTES = 32L << 20;

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final int maxEntries;

  PureWalkCache(int vocabularyWords) {
    this.maxEntries = (int) Math.max(64, MAX_BYTES / (8L * Math.max(1, vocabularyWords)));
  }

  Entry get(Key key) {
    return entries.get(key);
  }

  /** Keeps {@code entry} for the context {@code key} names (a copy of the key is stored), while under the bound. */
  void offer(Key key, Entry entry) {
    if (entries.size() < maxEntries) {
      entries.putIfAbsent(key.copy(), entry);
    }
  }

  int size() {
    return entries.size();
  }
}
