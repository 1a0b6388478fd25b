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
  /** The lexer context a pure walk depends on. */
  record Key(int state, int lastAccept, boolean capped, int skipBase, long[] allowed, int hash) {
    static Key of(int state, int lastAccept, boolean capped, int skipBase, long[] allowed) {
      int h = Arrays.hashCode(allowed);
      h = 31 * h + state;
      h = 31 * h + lastAccept;
      h = 31 * h + skipBase;
      h = 31 * h + (capped ? 1 : 0);
      return new Key(state, lastAccept, capped, skipBase, allowed, h);
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

  void offer(Key key, Entry entry) {
    if (entries.size() < maxEntries) {
      entries.putIfAbsent(key, entry);
    }
  }

  int size() {
    return entries.size();
  }
}
