package dev.sieve.grammars;

import java.util.Arrays;

/**
 * One Earley set: the parser state after a number of terminals. Immutable once built (apart from
 * benign memo fields), linked to its predecessors so a matcher's chart is a persistent list: forking
 * shares it, rolling back drops a reference.
 *
 * <p>Items are {@code (dotted item << 32) | origin}, grouped by the symbol after the dot so that
 * scanning and completion find the items waiting on a symbol by binary search. Nullable symbols are
 * handled as Aycock and Horspool do (predicting a nullable nonterminal also moves past it).
 */
final class EarleySet {
  final Cfg cfg;
  final int index;
  final EarleySet prev;
  final EarleySet jump;
  private final long[] items;
  private final int[] keys; // sorted symbols that some item waits on
  private final int[] keyStart; // items of keys[i] are items[keyStart[i] .. keyStart[i+1])
  final long[] allowedTerminals;
  final boolean accepting;

  // Memo fields: computed on demand; racing threads compute equal values.
  private EarleySet[] successors; // scan memo, by terminal
  long[] allowedLexemes;
  private byte acceptsAtEof; // 0 unknown, 1 yes, 2 no

  private EarleySet(Cfg cfg, int index, EarleySet prev, EarleySet jump, long[] items, int[] keys, int[] keyStart,
      boolean accepting) {
    this.cfg = cfg;
    this.index = index;
    this.prev = prev;
    this.jump = jump;
    this.items = items;
    this.keys = keys;
    this.keyStart = keyStart;
    this.accepting = accepting;
    this.allowedTerminals = new long[(cfg.numTerminals + 63) >>> 6];
    for (int k : keys) {
      if (k >= cfg.numNonterminals) {
        int t = k - cfg.numNonterminals;
        allowedTerminals[t >>> 6] |= 1L << t;
      }
    }
  }

  static EarleySet initial(Cfg cfg) {
    Builder b = Builder.start(cfg, 0, null);
    b.add(cfg.itemBase[0], 0);
    return b.finish(null);
  }

  int size() {
    return items.length;
  }

  boolean allows(int terminal) {
    return (allowedTerminals[terminal >>> 6] & (1L << terminal)) != 0;
  }

  /** The set at chart position {@code i <= index}. */
  EarleySet at(int i) {
    EarleySet s = this;
    while (s.index != i) {
      s = (s.jump != null && s.jump.index >= i) ? s.jump : s.prev;
    }
    return s;
  }

  private int find(int symbol) {
    return Arrays.binarySearch(keys, symbol);
  }

  /**
   * The set after scanning {@code terminal}, or {@code null} when the parser cannot take it here.
   * Memoised on this set: a mask walk emits the same lexeme from the same set down many trie branches,
   * the lazy check and the accepted token scan it again, and inside a long string or comment every
   * position shares one set. At most one successor per terminal is kept, alive as long as this set (the
   * sequence's chart) is. Racing threads (forks of one matcher) may compute a successor twice; both are
   * equal and either may stay.
   */
  EarleySet scan(int terminal) {
    if (!allows(terminal)) {
      return null;
    }
    EarleySet[] m = successors;
    if (m == null) {
      successors = m = new EarleySet[cfg.numTerminals];
    }
    EarleySet next = m[terminal];
    if (next == null) {
      next = compute(terminal);
      m[terminal] = next;
    }
    return next;
  }

  private EarleySet compute(int terminal) {
    int k = find(cfg.numNonterminals + terminal);
    Builder b = Builder.start(cfg, index + 1, this);
    for (int i = keyStart[k]; i < keyStart[k + 1]; i++) {
      long it = items[i];
      b.add((int) (it >>> 32) + 1, (int) it);
    }
    int ji = (index + 1) & index; // clear the lowest set bit of index + 1
    return b.finish(ji == index + 1 ? null : at(ji));
  }

  /** Whether the input can end here: the start rule is complete, possibly after EOF terminals. */
  boolean acceptsAtEof() {
    byte known = acceptsAtEof;
    if (known != 0) {
      return known == 1;
    }
    boolean result = accepting;
    if (!result && cfg.eofTerminal >= 0) {
      EarleySet s = this;
      for (int i = 0; i < 3 && !result; i++) {
        s = s.scan(cfg.eofTerminal);
        if (s == null) {
          break;
        }
        result = s.accepting;
      }
    }
    acceptsAtEof = (byte) (result ? 1 : 2);
    return result;
  }

  /**
   * Builds a set by closure (predict and complete) from its kernel items. One scratch builder per thread
   * (set building never nests), so building allocates only the finished set: the hash table is cleared
   * by bumping a generation stamp.
   */
  private static final class Builder {
    private static final ThreadLocal<Builder> SCRATCH = ThreadLocal.withInitial(Builder::new);

    Cfg cfg;
    int index;
    EarleySet prev;
    long[] list = new long[256];
    int size;
    long[] table = new long[1024]; // open addressing over items
    int[] stamp = new int[1024]; // a slot is used when its stamp is the current generation
    int gen;
    int mask = 1023;
    long[] order = new long[256];

    static Builder start(Cfg cfg, int index, EarleySet prev) {
      Builder b = SCRATCH.get();
      b.cfg = cfg;
      b.index = index;
      b.prev = prev;
      b.size = 0;
      if (++b.gen == Integer.MAX_VALUE) {
        Arrays.fill(b.stamp, 0);
        b.gen = 1;
      }
      return b;
    }

    void add(int item, int origin) {
      long v = ((long) item << 32) | (origin & 0xffffffffL);
      int h = (int) (mix(v) & mask);
      while (stamp[h] == gen) {
        if (table[h] == v) {
          return;
        }
        h = (h + 1) & mask;
      }
      stamp[h] = gen;
      table[h] = v;
      if (size == list.length) {
        list = Arrays.copyOf(list, size * 2);
      }
      list[size++] = v;
      if (size * 2 > mask) {
        rehash();
      }
    }

    private static long mix(long x) {
      x *= 0x9E3779B97F4A7C15L;
      return x ^ (x >>> 29);
    }

    private void rehash() {
      int n = table.length * 2;
      table = new long[n];
      stamp = new int[n];
      mask = n - 1;
      for (int i = 0; i < size; i++) {
        long v = list[i];
        int h = (int) (mix(v) & mask);
        while (stamp[h] == gen) {
          h = (h + 1) & mask;
        }
        stamp[h] = gen;
        table[h] = v;
      }
    }

    EarleySet finish(EarleySet jump) {
      final int[] itemNext = cfg.itemNext;
      final int nn = cfg.numNonterminals;
      for (int i = 0; i < size; i++) {
        long it = list[i];
        int item = (int) (it >>> 32);
        int origin = (int) it;
        int sym = itemNext[item];
        if (sym == Cfg.END) {
          if (origin == index) {
            continue; // nullable completion: handled at prediction
          }
          int lhs = cfg.prodLhs[cfg.itemProd[item]];
          EarleySet o = prev.at(origin);
          int k = o.find(lhs);
          if (k >= 0) {
            long[] oi = o.items;
            for (int j = o.keyStart[k], e = o.keyStart[k + 1]; j < e; j++) {
              long w = oi[j];
              add((int) (w >>> 32) + 1, (int) w);
            }
          }
        } else if (sym < nn) {
          for (int p : cfg.predictItems[sym]) {
            add(p, index);
          }
          if (cfg.nullable[sym]) {
            add(item + 1, origin);
          }
        }
      }
      // Group by the symbol after the dot: sort (symbol + 1, position) pairs packed in longs.
      if (order.length < size) {
        order = new long[Math.max(size, order.length * 2)];
      }
      for (int i = 0; i < size; i++) {
        order[i] = ((long) (itemNext[(int) (list[i] >>> 32)] + 1) << 32) | i;
      }
      Arrays.sort(order, 0, size);
      long[] sorted = new long[size];
      int distinct = 0;
      int last = Integer.MIN_VALUE;
      long acceptKey = (long) cfg.acceptItem << 32;
      boolean accepting = false;
      for (int i = 0; i < size; i++) {
        long v = list[(int) order[i]];
        sorted[i] = v;
        accepting |= v == acceptKey;
        int s = (int) (order[i] >>> 32);
        if (s != last) {
          distinct++;
          last = s;
        }
      }
      int[] keys = new int[distinct];
      int[] keyStart = new int[distinct + 1];
      int k = -1;
      last = Integer.MIN_VALUE;
      for (int i = 0; i < size; i++) {
        int s = (int) (order[i] >>> 32);
        if (s != last) {
          keys[++k] = s - 1;
          keyStart[k] = i;
          last = s;
        }
      }
      keyStart[distinct] = size;
      EarleySet result = new EarleySet(cfg, index, prev, jump, sorted, keys, keyStart, accepting);
      prev = null; // the scratch keeps no chart alive
      return result;
    }
  }
}
