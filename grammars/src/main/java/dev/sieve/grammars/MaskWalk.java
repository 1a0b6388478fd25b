package dev.sieve.grammars;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.Arrays;

/**
 * The walk of the vocabulary trie that fills a matcher's mask: which tokens can follow a cursor. Most trie
 * nodes only move the lexer inside one lexeme (a string's characters, an identifier's letters): for those a
 * "pure" step needs the DFA state, the last accepting lexeme and the allowed lexemes, not a whole cursor,
 * and its outcome does not depend on the parser. That part of the walk is done once per lexer context and
 * shared through the compiled grammar's {@link PureWalkCache}; below the frontier nodes, where a lexeme is
 * emitted or the DFA backs up, cursors are materialised and every check is the one {@link Cursor#feed} and
 * {@link Cursor#viable} make (see {@link #walkAfterEmit}, {@link #walkBelow}, {@link #walkChildren}).
 *
 * <p>Scratch state of one matcher (cursors per trie depth, the pure walk's arrays), made on its first
 * mask; not thread-safe.
 */
final class MaskWalk {
  private final CompiledGrammar g;
  private final Vocabulary vocabulary;
  private final VocabularyIndex index;
  private final Cursor[] byDepth; // the cursor at each trie depth (depth 0: the root)
  private final int[] pureState; // the pure walk: DFA state and last accepted lexeme per depth
  private final int[] pureLast;
  private final boolean[] pureAtAccept; // the lexeme accepted last ends at this depth (no bytes pending after it)
  private final byte[] pathByte; // the bytes of the path being walked, by depth
  // walkBelow's cursors after emitting their pending lexeme, made once per cursor version (see endsEverything)
  private final Cursor[] flushedByDepth;
  private final boolean[] flushedOk;
  private final long[] flushedVersion;
  private final long[] cursorVersion;
  private int replayValid; // walkBelow: byDepth[1..replayValid] are the root fed pathByte[1..replayValid]
  // walkAfterEmit: the root's cursor after emitting each lexeme, made once per walk (walkStamp)
  private final Cursor[] emitted;
  private final boolean[] emittedOk;
  private final long[] emittedStamp;
  private long walkStamp;

  MaskWalk(CompiledGrammar g) {
    this.g = g;
    this.vocabulary = g.vocabulary;
    this.index = g.index;
    int maxDepth = index.maxDepth;
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
    int lexemes = g.lexSkip.length;
    emitted = new Cursor[lexemes];
    emittedOk = new boolean[lexemes];
    emittedStamp = new long[lexemes];
    pureAtAccept = new boolean[maxDepth + 1];
    pureState = new int[maxDepth + 1];
    pureLast = new int[maxDepth + 1];
    pathByte = new byte[maxDepth + 1];
  }

  /** The cursor the walk starts from: load the matcher's position into it, then call {@link #walk}. */
  Cursor root() {
    return byDepth[0];
  }

  /** Sets the bit of every token allowed from {@link #root()} (whose {@code capped} says whether the whitespace cap applies). */
  void walk(TokenMask mask) {
    Cursor root = byDepth[0];
    boolean capped = root.capped;
    cursorVersion[0]++;
    replayValid = 0;
    // The whitespace budget matters only where the pure walk can reach a skipped-only state; elsewhere
    // (inside a string, say, whose length would otherwise make every position a new key) it is left out.
    int skipBase = capped && g.reachesSkipOnly[root.state] ? root.skipRun + root.curLen : -1;
    PureWalkCache.Key key = PureWalkCache.Key.of(root.state, root.lastAccept, capped, skipBase, root.allowedLex);
    PureWalkCache.Entry e = g.pureWalks.get(key);
    if (e == null) {
      e = pureWalk(root, capped, skipBase >= 0);
      g.pureWalks.offer(key, e);
    }
    long[] words = mask.words();
    long[] pureAllowed = e.allowed();
    for (int k = 0; k < pureAllowed.length; k++) {
      words[k] |= pureAllowed[k];
    }
    int[] frontier = e.frontier();
    byte[][] paths = e.frontierPaths();
    int[] emits = e.frontierEmits();
    walkStamp++;
    for (int f = 0; f < frontier.length; f++) {
      if (emits[f] >= 0) {
        walkAfterEmit(mask, frontier[f], emits[f], false);
      } else if (emits[f] <= -2) {
        walkAfterEmit(mask, frontier[f], -2 - emits[f], true);
      } else {
        walkBelow(mask, frontier[f], paths[f]);
      }
    }
  }

  /** The pure part of the walk from {@code root}: the tokens it allows and the frontier nodes it leaves. */
  private PureWalkCache.Entry pureWalk(Cursor root, boolean capped, boolean skipKeyed) {
    final long[] allowedTokens = new long[(vocabulary.size() + 63) >>> 6];
    int[] frontier = new int[16];
    int[] emits = new int[16];
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
    // A skipped lexeme (whitespace) that ends before a byte it cannot take restarts the lexer without
    // the parser: the walk goes on purely from the mode's start. Its length counts against the cap, so
    // only where the cap is part of the cache key (or off).
    final boolean restarts = (!capped || skipKeyed) && !root.morePending;
    final int modeStart = dfa.modeStart[root.mode];
    pureState[0] = root.state;
    pureLast[0] = root.lastAccept;
    pureAtAccept[0] = root.curLen > 0 && root.lastAccept >= 0 && root.pendLen == 0;
    int i = 0;
    while (i < n) {
      // Every node visited here has a pure parent: frontier subtrees are skipped whole.
      int d = depth[i];
      byte b = label[i];
      pathByte[d] = b;
      int t = next[(pureState[d - 1] << 8) | (b & 0xff)];
      int prevLast = pureLast[d - 1];
      boolean restarted = false;
      if (!root.alive(t)) {
        if ((d == 1 && root.curLen == 0) || prevLast < 0) {
          i = end[i]; // nothing accepted to fall back on: feed() refuses this byte
          continue;
        }
        if (restarts && pureAtAccept[d - 1] && g.lexSkip[prevLast] && g.lexModeOps[prevLast].length == 0
            && !(capped && skipBase + d - 1 > cap)) {
          t = next[(modeStart << 8) | (b & 0xff)];
          if (!root.alive(t)) {
            i = end[i];
            continue;
          }
          prevLast = -1;
          restarted = true;
        }
      }
      if (root.alive(t)) {
        int acc = root.acceptAt(t);
        if (capped && skipOnly[t] && skipBase + d > cap) {
          i = end[i]; // the whitespace cap: feed() refuses this byte
          continue;
        }
        if (acc < 0 || canContinue[t]) {
          int last = acc >= 0 ? acc : prevLast;
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
            pureAtAccept[d] = acc >= 0;
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
      if (frontierCount == emits.length) {
        emits = Arrays.copyOf(emits, frontierCount * 2);
      }
      frontier[frontierCount] = i;
      paths[frontierCount] = Arrays.copyOfRange(pathByte, 1, d);
      if (!restarted && !root.alive(t)) {
        // the lexeme accepted at the parent is emitted, then this byte starts the next one
        boolean afterEmit = pureAtAccept[d - 1] && !g.lexSkip[prevLast] && !g.lexMore[prevLast];
        emits[frontierCount] = afterEmit ? -2 - prevLast : -1;
      } else {
        emits[frontierCount] = emitsHere(root, t, capped && skipOnly[t] && skipBase + d > cap);
      }
      frontierCount++;
      i = end[i];
    }
    return new PureWalkCache.Entry(allowedTokens, Arrays.copyOf(frontier, frontierCount),
        Arrays.copyOf(paths, frontierCount), Arrays.copyOf(emits, frontierCount));
  }

  /**
   * The lexeme that a frontier node's byte (DFA transition {@code t} from a pure parent) completes and
   * emits at once, leaving nothing pending and nothing that depends on the path above it: the cursor after
   * the node is then the root's after emitting that lexeme, the same for every such node. -1 when the
   * node needs its path replayed (the DFA dies and backs up, a skipped or {@code more} lexeme, the cap).
   */
  private int emitsHere(Cursor root, int t, boolean overCap) {
    if (overCap || !root.alive(t) || g.dfa.canContinue[t]) {
      return -1;
    }
    int acc = root.acceptAt(t);
    return acc >= 0 && !g.lexSkip[acc] && !g.lexMore[acc] ? acc : -1;
  }

  /**
   * {@link #walkBelow} for a frontier node whose byte emits {@code lexeme} (see {@link #emitsHere}) or,
   * with {@code thenByte}, comes after a lexeme that ends at its parent with nothing pending (a number
   * before {@code ,}): the cursor is the root's after that emit (and the byte), not a replay of the path.
   */
  private void walkAfterEmit(TokenMask mask, int node, int lexeme, boolean thenByte) {
    if (emittedStamp[lexeme] != walkStamp) {
      emittedStamp[lexeme] = walkStamp;
      Cursor e = emitted[lexeme];
      if (e == null) {
        e = emitted[lexeme] = new Cursor(g);
      }
      e.copyFrom(byDepth[0]);
      emittedOk[lexeme] = e.emitNow(lexeme);
    }
    if (!emittedOk[lexeme]) {
      return;
    }
    int d = index.depth[node];
    Cursor c = byDepth[d];
    c.copyFrom(emitted[lexeme]);
    cursorVersion[d]++;
    replayValid = Math.min(replayValid, d - 1);
    if (thenByte && (!c.feed(index.label[node]) || !c.viable())) {
      return;
    }
    allowTokens(mask, index.tokenAt[node]);
    walkChildren(mask, node);
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
      c.feed(path[j - 1]); // a pure step (inside a lexeme, or after skipped whitespace): cannot fail
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
    final boolean restarts = !b0.morePending; // as in pureWalk: skipped whitespace restarts the lexer
    final int modeStart = g.dfa.modeStart[b0.mode];
    pureState[base] = b0.state;
    pureLast[base] = b0.lastAccept;
    pureAtAccept[base] = b0.curLen > 0 && b0.lastAccept >= 0 && b0.pendLen == 0;
    int stop = end[node];
    int i = node + 1;
    while (i < stop) {
      int d = depth[i];
      byte b = label[i];
      pathByte[d] = b;
      int t = next[(pureState[d - 1] << 8) | (b & 0xff)];
      int prevLast = pureLast[d - 1];
      if (!b0.alive(t)) {
        if ((d - 1 == base && b0.curLen == 0) || prevLast < 0) {
          i = end[i]; // nothing accepted to fall back on: feed() refuses this byte
          continue;
        }
        if (restarts && pureAtAccept[d - 1] && g.lexSkip[prevLast] && g.lexModeOps[prevLast].length == 0
            && !(capped && skipBase + d - 1 > cap)) {
          t = next[(modeStart << 8) | (b & 0xff)];
          if (!b0.alive(t)) {
            i = end[i];
            continue;
          }
          prevLast = -1;
        } else if (d - 1 == base && endsEverything(base, b & 0xff)) {
          i = end[i]; // nothing can start after the lexeme that ends here
          continue;
        }
      }
      if (b0.alive(t)) {
        if (capped && skipOnly[t] && skipBase + d > cap) {
          i = end[i]; // the whitespace cap: feed() refuses this byte
          continue;
        }
        int acc = b0.acceptAt(t);
        if (acc < 0 || canContinue[t]) {
          int last = acc >= 0 ? acc : prevLast;
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
            pureAtAccept[d] = acc >= 0;
            allowTokens(mask, tokenAt[i]);
            i++;
            continue;
          }
        }
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


  private void allowTokens(TokenMask mask, int id) {
    while (id >= 0) {
      mask.allow(id);
      id = index.sameBytes[id];
    }
  }
}
