package dev.sieve.grammars;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The per-sequence state of a compiled grammar: which tokens may come next, given the tokens so far.
 *
 * <p>State is a persistent list of immutable snapshots (one per accepted token), so {@link #fork()} is
 * O(1) and {@link #rollback(int)} pops. Not thread-safe: one matcher per sequence (forks may go to other
 * threads).
 *
 * <p>Whitespace cap: skipped lexemes may run for at most {@link GrammarCompiler.Options#maxSkipBytes()}
 * consecutive bytes; past it they are allowed only when nothing else is (so the cap never makes a dead
 * end).
 */
public final class GrammarMatcher {
  private final CompiledGrammar g;
  private final Vocabulary vocabulary;
  private final VocabularyIndex index;
  private Snapshot current;
  // Scratch, per matcher.
  private Cursor[] byDepth;
  private final Cursor probe;
  private final Cursor sim; // scratch of simulate(): snapshots copy what they keep

  GrammarMatcher(CompiledGrammar g) {
    this.g = g;
    this.vocabulary = g.vocabulary;
    this.index = g.index;
    Cursor c = new Cursor(g);
    c.reset();
    this.current = new Snapshot(c, null, 0, false);
    this.probe = new Cursor(g);
    this.sim = new Cursor(g);
  }

  private GrammarMatcher(GrammarMatcher o) {
    this.g = o.g;
    this.vocabulary = o.vocabulary;
    this.index = o.index;
    this.current = o.current;
    this.probe = new Cursor(g);
    this.sim = new Cursor(g);
  }

  public CompiledGrammar compiled() {
    return g;
  }

  /** Tokens accepted so far (end of sequence included). */
  public int length() {
    return current.depth;
  }

  /** Accepts a token if allowed; false (state unchanged) otherwise. End of sequence is allowed exactly when complete. */
  public boolean acceptToken(int id) {
    if (current.ended) {
      return false;
    }
    if (vocabulary.isEos(id)) {
      if (!isComplete()) {
        return false;
      }
      current = new Snapshot(current.cursorCopy(probe), current, current.depth + 1, true);
      return true;
    }
    if (id < 0 || id >= vocabulary.size() || vocabulary.isSpecial(id) || vocabulary.tokenBytes(id) == null) {
      return false;
    }
    if (!isAllowed(id)) {
      return false;
    }
    Cursor c = simulate(vocabulary.tokenBytes(id), current.capped());
    if (c == null) {
      c = simulate(vocabulary.tokenBytes(id), false);
    }
    current = new Snapshot(c, current, current.depth + 1, false);
    return true;
  }

  /** Accepts text as one step (rolled back as one token); false and unchanged if it cannot continue the output. */
  public boolean acceptString(String text) {
    return acceptBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Accepts bytes as one step (rolled back as one token); false and unchanged if they cannot continue the output. */
  public boolean acceptBytes(byte[] bytes) {
    if (current.ended) {
      return false;
    }
    Cursor c = simulate(bytes, true);
    if (c == null) {
      c = simulate(bytes, false);
      if (c == null || !cappedMaskEmpty()) {
        return false;
      }
    }
    current = new Snapshot(c, current, current.depth + 1, false);
    return true;
  }

  /** Whether token {@code id} may come next; end-of-sequence ids: whether the output is complete. Fast: one walk of the token's bytes. */
  public boolean isAllowed(int id) {
    if (current.ended) {
      return false;
    }
    if (vocabulary.isEos(id)) {
      return isComplete();
    }
    if (id < 0 || id >= vocabulary.size() || vocabulary.isSpecial(id)) {
      return false;
    }
    byte[] b = vocabulary.tokenBytes(id);
    if (b == null || b.length == 0) {
      return false;
    }
    if (simulate(b, true) != null) {
      return true;
    }
    return simulate(b, false) != null && cappedMaskEmpty();
  }

  private boolean cappedMaskEmpty() {
    Snapshot s = current;
    if (s.cappedEmpty == 0) {
      TokenMask m = new TokenMask(vocabulary.size());
      walk(m, true);
      s.cappedEmpty = (byte) (m.cardinality() == 0 ? 1 : 2);
    }
    return s.cappedEmpty == 1;
  }

  private Cursor simulate(byte[] bytes, boolean capped) {
    Cursor c = current.load(sim);
    c.capped = capped;
    for (byte b : bytes) {
      if (!c.feed(b)) {
        return null;
      }
    }
    return c.viable() ? c : null;
  }

  /** The output so far is a complete sentence: end of sequence is allowed. */
  public boolean isComplete() {
    Snapshot s = current;
    if (s.ended) {
      return false;
    }
    if (s.complete == 0) {
      Cursor c = s.load(probe);
      s.complete = (byte) (c.finish() ? 1 : 2);
    }
    return s.complete == 1;
  }

  /**
   * Nothing but end of sequence can follow (or the sequence has ended): the output is complete and only
   * skipped text (trailing whitespace or comments, which the grammar allows but which add nothing)
   * could come next.
   */
  public boolean isFinished() {
    Snapshot s = current;
    if (s.ended) {
      return true;
    }
    if (!isComplete()) {
      return false;
    }
    if (s.finished != 0) {
      return s.finished == 1;
    }
    // 256 one-byte probes from the same position; a lexeme that every probe emits before its byte (the
    // pending number or keyword) is scanned into the parser once (EarleySet#scan is memoised).
    Cursor c = probe;
    s.finished = 1;
    for (int b = 0; b < 256; b++) {
      s.load(c);
      c.capped = false;
      EarleySet before = c.parser;
      if (c.feed(b) && c.viable() && (c.parser != before || c.curLen == 0 || !g.skipOnlyState[c.state])) {
        s.finished = 2;
        return false;
      }
    }
    return true;
  }

  /** Sets the bit of every token allowed next (end of sequence when complete); clears the others. */
  public void fillMask(TokenMask mask) {
    mask.clear();
    if (current.ended) {
      return;
    }
    walk(mask, true);
    if (mask.cardinality() == 0 && !isComplete()) {
      current.cappedEmpty = 1;
      walk(mask, false);
    } else if (current.cappedEmpty == 0) {
      current.cappedEmpty = 2;
    }
    if (isComplete()) {
      for (int e : index.eos) {
        mask.allow(e);
      }
    }
  }

  /**
   * The trie walk behind {@link #fillMask}. Most trie nodes only move the lexer inside one lexeme (a
   * string's characters, an identifier's letters): for those a "pure" step needs the DFA state, the
   * last accepting lexeme and the allowed lexemes, not a whole cursor, and its outcome does not depend on
   * the parser. That part of the walk is done once per lexer context and shared through the compiled
   * grammar's {@link PureWalkCache}; below the frontier nodes, where a lexeme is emitted or the DFA backs
   * up, cursors are materialised (by replaying the path from the root) and every check is the one
   * {@link Cursor#feed} and {@link Cursor#viable} make.
   */
  private void walk(TokenMask mask, boolean capped) {
    int maxDepth = index.maxDepth;
    if (byDepth == null || byDepth.length < maxDepth + 1) {
      byDepth = new Cursor[maxDepth + 1];
      for (int i = 0; i < byDepth.length; i++) {
        byDepth[i] = new Cursor(g);
      }
      flushedByDepth = new Cursor[maxDepth + 1];
      for (int i = 0; i < flushedByDepth.length; i++) {
        flushedByDepth[i] = new Cursor(g);
      }
      flushedOk = new boolean[maxDepth + 1];
      flushedVersion = new long[maxDepth + 1];
      cursorVersion = new long[maxDepth + 1];
      Arrays.fill(flushedVersion, -1);
      pureState = new int[maxDepth + 1];
      pureLast = new int[maxDepth + 1];
      pathByte = new byte[maxDepth + 1];
    }
    Cursor root = current.load(byDepth[0]);
    cursorVersion[0]++;
    replayValid = 0;
    root.capped = capped;
    // The whitespace budget matters only where the pure walk can reach a skipped-only state; elsewhere
    // (inside a string, say, whose length would otherwise make every position a new key) it is left out.
    int skipBase = capped && g.reachesSkipOnly[root.state] ? root.skipRun + root.curLen : -1;
    PureWalkCache.Key key = PureWalkCache.Key.of(root.state, root.lastAccept, capped, skipBase, root.allowedLex);
    PureWalkCache.Entry e = g.pureWalks.get(key);
    if (e == null) {
      e = pureWalk(root, capped);
      g.pureWalks.offer(key, e);
    }
    long[] words = mask.words();
    long[] pureAllowed = e.allowed();
    for (int k = 0; k < pureAllowed.length; k++) {
      words[k] |= pureAllowed[k];
    }
    int[] frontier = e.frontier();
    byte[][] paths = e.frontierPaths();
    for (int f = 0; f < frontier.length; f++) {
      walkBelow(mask, frontier[f], paths[f]);
    }
  }

  /** The pure part of the walk from {@code root}: the tokens it allows and the frontier nodes it leaves. */
  private PureWalkCache.Entry pureWalk(Cursor root, boolean capped) {
    final long[] allowedTokens = new long[(vocabulary.size() + 63) >>> 6];
    int[] frontier = new int[16];
    byte[][] paths = new byte[16][];
    int frontierCount = 0;
    final byte[] label = index.label;
    final int[] depth = index.depth;
    final int[] end = index.subtreeEnd;
    final int[] tokenAt = index.tokenAt;
    final int n = index.numNodes;
    final LexerDfa dfa = g.dfa;
    final int[] next = dfa.next;
    final boolean[] canContinue = dfa.canContinue;
    final long[][] reach = g.contextual ? dfa.reachAny : dfa.reachWin;
    final boolean[] skipOnly = g.skipOnlyState;
    final long[] allowed = root.allowedLex;
    final boolean[] shared = index.sharedAt;
    final int skipBase = root.skipRun + root.curLen;
    final int cap = g.options.maxSkipBytes();
    pureState[0] = root.state;
    pureLast[0] = root.lastAccept;
    int i = 0;
    while (i < n) {
      // Every node visited here has a pure parent: frontier subtrees are skipped whole.
      int d = depth[i];
      byte b = label[i];
      pathByte[d] = b;
      int t = next[(pureState[d - 1] << 8) | (b & 0xff)];
      if (root.alive(t)) {
        int acc = root.acceptAt(t);
        if (capped && skipOnly[t] && skipBase + d > cap) {
          i = end[i]; // the whitespace cap: feed() refuses this byte
          continue;
        }
        if (acc < 0 || canContinue[t]) {
          int last = acc >= 0 ? acc : pureLast[d - 1];
          long[] r = reach[t];
          boolean viable = false;
          for (int w = 0; !viable && w < r.length; w++) {
            viable = (r[w] & allowed[w]) != 0;
          }
          boolean lastAllowed = last >= 0 && (allowed[last >>> 6] & (1L << last)) != 0;
          if (!viable && !lastAllowed) {
            i = end[i];
            continue;
          }
          // Viable only through a lexeme accepted before this byte (acc < 0): bytes are pending after it,
          // and whether they can be lexed again after emitting it needs a real cursor (Cursor#viable).
          if (viable || acc >= 0) {
            pureState[d] = t;
            pureLast[d] = last;
            for (int id = tokenAt[i]; id >= 0; id = shared[i] ? index.sameBytes[id] : -1) {
              allowedTokens[id >>> 6] |= 1L << id;
            }
            i++;
            continue;
          }
        }
      }
      if (frontierCount == frontier.length) {
        frontier = Arrays.copyOf(frontier, frontierCount * 2);
        paths = Arrays.copyOf(paths, frontierCount * 2);
      }
      frontier[frontierCount] = i;
      paths[frontierCount] = Arrays.copyOfRange(pathByte, 1, d);
      frontierCount++;
      i = end[i];
    }
    return new PureWalkCache.Entry(allowedTokens, Arrays.copyOf(frontier, frontierCount),
        Arrays.copyOf(paths, frontierCount));
  }

  /**
   * The walk of the subtree of frontier node {@code node} ({@code path}: the bytes above it, pure steps
   * from the root). Frontier nodes come in trie order, so a path shares its start with the one before:
   * the cursors of that common prefix ({@code byDepth[1..replayValid]}) are kept, not replayed.
   */
  private void walkBelow(TokenMask mask, int node, byte[] path) {
    int d = index.depth[node];
    int common = 0;
    int limit = Math.min(replayValid, path.length);
    while (common < limit && pathByte[common + 1] == path[common]) {
      common++;
    }
    for (int j = common + 1; j <= path.length; j++) {
      pathByte[j] = path[j - 1];
      Cursor c = byDepth[j];
      c.copyFrom(byDepth[j - 1]);
      c.feed(path[j - 1]); // a pure step: stays inside the lexeme, cannot fail
      cursorVersion[j]++;
    }
    replayValid = d - 1; // walkChildren below writes only deeper levels
    pathByte[d] = index.label[node];
    Cursor c = materialize(d - 1, d);
    if (c != null && c.viable()) {
      allowTokens(mask, index.tokenAt[node]);
      walkChildren(mask, node);
    }
  }

  /**
   * The walk below trie node {@code node}, whose cursor (after its byte) is {@code byDepth[depth[node]]}.
   * Bytes that stay inside the lexeme being read are "pure" steps relative to that cursor, decided as
   * {@link #pureWalk} decides them (a DFA look-up and the lexemes the parser allows, no cursor copy):
   * below a lexeme boundary most of a subtree is the next lexeme's inside (after {@code ", "}, the
   * letters of a key). Where a step is not pure (a lexeme ends, the DFA backs up), the cursor is
   * materialised by replaying the path from this node and the walk recurses below it.
   */
  private void walkChildren(TokenMask mask, int node) {
    final byte[] label = index.label;
    final int[] depth = index.depth;
    final int[] end = index.subtreeEnd;
    final int[] tokenAt = index.tokenAt;
    final int[] next = g.dfa.next;
    final boolean[] canContinue = g.dfa.canContinue;
    final long[][] reach = g.contextual ? g.dfa.reachAny : g.dfa.reachWin;
    final boolean[] skipOnly = g.skipOnlyState;
    final int base = depth[node];
    final Cursor b0 = byDepth[base];
    final long[] allowed = b0.allowedLex;
    final boolean capped = b0.capped;
    final int skipBase = b0.skipRun + b0.curLen - base; // + depth: the skipped bytes in a row at that depth
    final int cap = g.options.maxSkipBytes();
    pureState[base] = b0.state;
    pureLast[base] = b0.lastAccept;
    int stop = end[node];
    int i = node + 1;
    while (i < stop) {
      int d = depth[i];
      byte b = label[i];
      pathByte[d] = b;
      int t = next[(pureState[d - 1] << 8) | (b & 0xff)];
      if (b0.alive(t)) {
        if (capped && skipOnly[t] && skipBase + d > cap) {
          i = end[i]; // the whitespace cap: feed() refuses this byte
          continue;
        }
        int acc = b0.acceptAt(t);
        if (acc < 0 || canContinue[t]) {
          int last = acc >= 0 ? acc : pureLast[d - 1];
          long[] r = reach[t];
          boolean viable = false;
          for (int w = 0; !viable && w < r.length; w++) {
            viable = (r[w] & allowed[w]) != 0;
          }
          boolean lastAllowed = last >= 0 && (allowed[last >>> 6] & (1L << last)) != 0;
          if (!viable && !lastAllowed) {
            i = end[i];
            continue;
          }
          if (viable || acc >= 0) {
            pureState[d] = t;
            pureLast[d] = last;
            allowTokens(mask, tokenAt[i]);
            i++;
            continue;
          }
        }
      } else if (d - 1 > base ? pureLast[d - 1] < 0 : endsEverything(base, b & 0xff)) {
        i = end[i]; // the lexeme dies here with nothing accepted to emit, or nothing can start after it
        continue;
      }
      Cursor c = materialize(base, d);
      if (c != null && c.viable()) {
        allowTokens(mask, tokenAt[i]);
        walkChildren(mask, i);
      }
      i = end[i];
    }
  }

  /**
   * {@code byDepth[to]}: the cursor at depth {@code from} fed the path bytes below it down to depth
   * {@code to} ({@code pathByte}); null when the last byte fails (the bytes before it are pure steps).
   */
  private Cursor materialize(int from, int to) {
    Cursor c = byDepth[to];
    c.copyFrom(byDepth[from]);
    cursorVersion[to]++;
    for (int k = from + 1; k <= to; k++) {
      if (!c.feed(pathByte[k])) {
        return null;
      }
    }
    return c;
  }

  /**
   * Whether byte {@code b} after the cursor at depth {@code d} certainly fails, decided without copying
   * the cursor. The common case is a byte that ends the lexeme being read and cannot start any lexeme
   * after it: after a number, a space followed by any of the hundreds of letters that follow spaces in a
   * vocabulary. {@link Cursor#feed} would emit the pending lexeme and then find nothing to start, once
   * per sibling; here the emit is done once per cursor (kept at {@code flushedByDepth}) and each sibling
   * costs one table look-up. Returns false whenever the answer needs the full feed.
   */
  private boolean endsEverything(int d, int b) {
    Cursor c = byDepth[d];
    int t = g.dfa.next[(c.state << 8) | b];
    if (c.alive(t)) {
      return false;
    }
    if (c.curLen == 0 || c.lastAccept < 0) {
      return true; // feed() fails right away
    }
    if (c.pendLen != 0) {
      return false; // bytes would be lexed again after the emit: let feed() do it
    }
    if (flushedVersion[d] != cursorVersion[d]) {
      Cursor f = flushedByDepth[d];
      f.copyFrom(c);
      flushedOk[d] = f.emitPending();
      flushedVersion[d] = cursorVersion[d];
    }
    if (!flushedOk[d]) {
      return true;
    }
    Cursor f = flushedByDepth[d];
    return !f.alive(g.dfa.next[(f.state << 8) | b]);
  }

  private int[] pureState;
  private int[] pureLast;
  private byte[] pathByte;
  // walkBelow's cursors after emitting their pending lexeme, made once per cursor version (see endsEverything)
  private Cursor[] flushedByDepth;
  private boolean[] flushedOk;
  private long[] flushedVersion;
  private long[] cursorVersion;
  private int replayValid; // walkBelow: byDepth[1..replayValid] are the root fed pathByte[1..replayValid]

  private void allowTokens(TokenMask mask, int id) {
    while (id >= 0) {
      mask.allow(id);
      id = index.sameBytes[id];
    }
  }

  /** Forgets the last {@code n} accepted tokens. */
  public void rollback(int n) {
    if (n < 0 || n > current.depth) {
      throw new IllegalArgumentException("cannot roll back " + n + " of " + current.depth + " tokens");
    }
    Snapshot s = current;
    for (int i = 0; i < n; i++) {
      s = s.prev;
    }
    current = s;
  }

  /** An independent matcher at the same position (O(1): the history is shared, immutable). */
  public GrammarMatcher fork() {
    return new GrammarMatcher(this);
  }

  /** Bytes that must come next whatever is generated (jump-forward), empty when there is a choice or the output may end. */
  public byte[] forcedBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (current.ended) {
      return new byte[0];
    }
    Snapshot s = current;
    int[] only = new int[256];
    for (int guard = 0; guard < 4096; guard++) {
      Cursor end = s.load(new Cursor(g));
      if (end.finish()) {
        break;
      }
      if (viableBytes(s, only) != 1) {
        break;
      }
      int b = only[0];
      Cursor c = s.load(new Cursor(g));
      c.feed(b);
      out.write(b);
      s = new Snapshot(c, s, s.depth, false);
    }
    return out.toByteArray();
  }

  /** Tokens forced next (each the only allowed token, the output not yet complete), accepted on a fork. */
  public int[] forcedTokens() {
    GrammarMatcher f = fork();
    TokenMask m = new TokenMask(vocabulary.size());
    int[] out = new int[0];
    for (int guard = 0; guard < 64 && !f.isComplete(); guard++) {
      f.fillMask(m);
      if (m.cardinality() != 1) {
        break;
      }
      int id = -1;
      long[] w = m.words();
      for (int k = 0; k < w.length; k++) {
        if (w[k] != 0) {
          id = k * 64 + Long.numberOfTrailingZeros(w[k]);
          break;
        }
      }
      f.acceptToken(id);
      out = Arrays.copyOf(out, out.length + 1);
      out[out.length - 1] = id;
    }
    return out;
  }

  /** Bytes that can come next (into {@code out}); returns how many. */
  private int viableBytes(Snapshot s, int[] out) {
    int count = 0;
    Cursor c = new Cursor(g);
    for (boolean capped : new boolean[] {true, false}) {
      for (int b = 0; b < 256; b++) {
        s.load(c);
        c.capped = capped;
        if (c.feed(b) && c.viable()) {
          out[count++] = b;
        }
      }
      if (count > 0) {
        break;
      }
    }
    return count;
  }

  /** An immutable snapshot of a cursor, linked to the one before. */
  private static final class Snapshot {
    final Snapshot prev;
    final int depth;
    final boolean ended;
    final EarleySet parser;
    final long[] allowedLex;
    final int mode;
    final Cursor.ModeStack stack;
    final int state;
    final int curLen;
    final int lastAccept;
    final byte[] pend;
    final int skipRun;
    final boolean morePending;
    byte complete; // 0 unknown, 1 yes, 2 no
    byte cappedEmpty; // 0 unknown, 1 the capped mask is empty, 2 not
    byte finished; // 0 unknown, 1 only end of sequence (or skipped text) can follow, 2 not

    Snapshot(Cursor c, Snapshot prev, int depth, boolean ended) {
      this.prev = prev;
      this.depth = depth;
      this.ended = ended;
      this.parser = c.parser;
      this.allowedLex = c.allowedLex;
      this.mode = c.mode;
      this.stack = c.stack;
      this.state = c.state;
      this.curLen = c.curLen;
      this.lastAccept = c.lastAccept;
      this.pend = Arrays.copyOf(c.pend, c.pendLen);
      this.skipRun = c.skipRun;
      this.morePending = c.morePending;
    }

    boolean capped() {
      return cappedEmpty != 1;
    }

    Cursor load(Cursor c) {
      c.parser = parser;
      c.allowedLex = allowedLex;
      c.mode = mode;
      c.stack = stack;
      c.state = state;
      c.curLen = curLen;
      c.lastAccept = lastAccept;
      if (c.pend.length < pend.length) {
        c.pend = new byte[pend.length * 2];
      }
      System.arraycopy(pend, 0, c.pend, 0, pend.length);
      c.pendLen = pend.length;
      c.skipRun = skipRun;
      c.morePending = morePending;
      c.capped = true;
      return c;
    }

    Cursor cursorCopy(Cursor scratch) {
      return load(scratch);
    }
  }
}
