package dev.sieve.grammars;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A byte trie of a vocabulary in preorder arrays, built once per vocabulary and shared (cached by the
 * vocabulary's fingerprint). Node {@code i} has byte {@link #label}, {@link #depth}, and its subtree
 * ends before {@link #subtreeEnd}; tokens ending at a node are {@code tokenAt[i]} then the chain
 * {@code sameBytes}. Special tokens are left out (masks never allow them, end of sequence aside).
 */
public final class VocabularyIndex {
  private static final int CACHE_SIZE = 4;
  private static final Map<String, VocabularyIndex> CACHE = new LinkedHashMap<>(8, 0.75f, true);

  final Vocabulary vocabulary;
  final int numNodes;
  final byte[] label;
  final int[] depth;
  final int[] subtreeEnd;
  final int[] tokenAt;
  final int[] sameBytes; // per token id: next id with the same bytes, -1
  /** Per node: its token has others with the same bytes (rare; saves a random read of sameBytes per token). */
  final boolean[] sharedAt;
  final int maxDepth;
  final int[] eos;
  final long buildNanos;

  private VocabularyIndex(Vocabulary v) {
    long t0 = System.nanoTime();
    this.vocabulary = v;
    int n = v.size();
    int count = 0;
    int[] ids = new int[n];
    for (int id = 0; id < n; id++) {
      byte[] b = v.tokenBytes(id);
      if (b != null && b.length > 0 && !v.isSpecial(id)) {
        ids[count++] = id;
      }
    }
    Integer[] boxed = new Integer[count];
    for (int i = 0; i < count; i++) {
      boxed[i] = ids[i];
    }
    Arrays.sort(boxed, (a, b) -> Arrays.compareUnsigned(v.tokenBytes(a), v.tokenBytes(b)));
    sameBytes = new int[n];
    Arrays.fill(sameBytes, -1);
    LexerDfa.IntList lab = new LexerDfa.IntList(count * 2);
    LexerDfa.IntList dep = new LexerDfa.IntList(count * 2);
    LexerDfa.IntList tok = new LexerDfa.IntList(count * 2);
    byte[] prev = new byte[0];
    int[] nodeAtDepth = new int[1024];
    int maxD = 0;
    int lastId = -1;
    for (int i = 0; i < count; i++) {
      int id = boxed[i];
      byte[] b = v.tokenBytes(id);
      int lcp = 0;
      while (lcp < prev.length && lcp < b.length && prev[lcp] == b[lcp]) {
        lcp++;
      }
      if (lcp == b.length && lcp == prev.length) {
        sameBytes[id] = sameBytes[lastId];
        sameBytes[lastId] = id; // chain after the first
        continue;
      }
      if (b.length >= nodeAtDepth.length) {
        nodeAtDepth = Arrays.copyOf(nodeAtDepth, b.length * 2);
      }
      for (int d = lcp; d < b.length; d++) {
        nodeAtDepth[d + 1] = lab.size;
        lab.add(b[d] & 0xff);
        dep.add(d + 1);
        tok.add(-1);
      }
      tok.a[nodeAtDepth[b.length]] = id;
      maxD = Math.max(maxD, b.length);
      prev = b;
      lastId = id;
    }
    numNodes = lab.size;
    label = new byte[numNodes];
    for (int i = 0; i < numNodes; i++) {
      label[i] = (byte) lab.a[i];
    }
    depth = dep.toArray();
    tokenAt = tok.toArray();
    subtreeEnd = new int[numNodes];
    int[] stack = new int[maxD + 2];
    int sp = 0;
    for (int i = 0; i < numNodes; i++) {
      while (sp > 0 && depth[stack[sp - 1]] >= depth[i]) {
        subtreeEnd[stack[--sp]] = i;
      }
      stack[sp++] = i;
    }
    while (sp > 0) {
      subtreeEnd[stack[--sp]] = numNodes;
    }
    maxDepth = maxD;
    sharedAt = new boolean[numNodes];
    for (int i = 0; i < numNodes; i++) {
      sharedAt[i] = tokenAt[i] >= 0 && sameBytes[tokenAt[i]] >= 0;
    }
    eos = v.eosTokenIds();
    buildNanos = System.nanoTime() - t0;
  }

  /** The shared index of a vocabulary (built on first use; a few recent vocabularies are kept). */
  public static VocabularyIndex of(Vocabulary v) {
    String key = v.fingerprint();
    synchronized (CACHE) {
      VocabularyIndex idx = CACHE.get(key);
      if (idx != null) {
        return idx;
      }
    }
    VocabularyIndex built = new VocabularyIndex(v);
    synchronized (CACHE) {
      VocabularyIndex idx = CACHE.get(key);
      if (idx != null) {
        return idx;
      }
      CACHE.put(key, built);
      while (CACHE.size() > CACHE_SIZE) {
        CACHE.remove(CACHE.keySet().iterator().next());
      }
      return built;
    }
  }

  /** Builds a fresh, uncached index (for measuring). */
  public static VocabularyIndex build(Vocabulary v) {
    return new VocabularyIndex(v);
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** Trie nodes. */
  public int nodes() {
    return numNodes;
  }

  public long buildNanos() {
    return buildNanos;
  }

  /** Approximate heap bytes of the index. */
  public long ramBytes() {
    return numNodes * (1L + 4 + 4 + 4) + sameBytes.length * 4L;
  }
}
