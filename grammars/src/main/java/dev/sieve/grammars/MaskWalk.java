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
  private final PureWalkCache.Key lookupKey = new PureWalkCache.Key(); // reused: a mask allocates no key

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
    PureWalkCache.Key key = lookupKey.set(root.state, root.lastAccept, capped, skipBase, root.allowedLex);
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
    final boolean[] shared = index.sharedAt;
    // A skipped lexeme (whitespace) that ends before a byte it cannot take restarts the lexer without
    // the parser. Its length counts against the cap, so only where the cap is part of the cache key (or off).
    final boolean restarts = (!capped || skipKeyed) && !root.morePending;
    startPureWalk(root, 0);
    int i = 0;
    while (i < n) {
      // Every node visited here has a pure parent: frontier subtrees are skipped whole.
      int d = depth[i];
      int step = pureStep(root, 0, d, label[i], restarts, false);
      if (step == SKIP) {
        i = end[i];
        continue;
      }
      if (step == PURE) {
        for (int id = tokenAt[i]; id >= 0; id = shared[i] ? index.sameBytes[id] : -1) {
          allowedTokens[id >>> 6] |= 1L << id;
        }
        i++;
        continue;
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
      int t = stepState;
      if (!stepRestarted && !root.alive(t)) {
        // the lexeme accepted at the parent is emitted, then this byte starts the next one
        int prevLast = pureLast[d - 1];
        boolean afterEmit = pureAtAccept[d - 1] && !g.lexSkip[prevLast] && !g.lexMore[prevLast];
        emits[frontierCount] = afterEmit ? -2 - prevLast : -1;
      } else {
        emits[frontierCount] = emitsHere(root, t);
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
   * node needs its path replayed (the DFA dies and backs up, a skipped or {@code more} lexeme).
   */
  private int emitsHere(Cursor root, int t) {
    if (!root.alive(t) || g.dfa.canContinue[t]) {
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
    final int base = depth[node];
    final Cursor b0 = byDepth[base];
    final boolean restarts = !b0.morePending; // as in pureWalk, skipped whitespace restarts the lexer
    startPureWalk(b0, base);
    int stop = end[node];
    int i = node + 1;
    while (i < stop) {
      int d = depth[i];
      int step = pureStep(b0, base, d, label[i], restarts, true);
      if (step == SKIP) {
        i = end[i];
        continue;
      }
      if (step == PURE) {
        allowTokens(mask, tokenAt[i]);
        i++;
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

  private static final int SKIP = 0; // pureStep: the node and its subtree are not allowed
  private static final int PURE = 1; // pureStep: allowed, a pure step (pureState/pureLast/pureAtAccept at its depth set)
  private static final int CURSOR = 2; // pureStep: only a real cursor can tell (a lexeme ends, the DFA backs up)
  private int stepState; // pureStep's DFA transition (after a restart, from the mode's start)
  private boolean stepRestarted; // pureStep restarted the lexer after skipped whitespace

  /** Sets up {@link #pureStep} below {@code base}, a cursor at trie depth {@code baseDepth}. */
  private void startPureWalk(Cursor base, int baseDepth) {
    pureState[baseDepth] = base.state;
    pureLast[baseDepth] = base.lastAccept;
    pureAtAccept[baseDepth] = base.curLen > 0 && base.lastAccept >= 0 && base.pendLen == 0;
  }

  /**
   * One step of a pure walk below {@code base} (at trie depth {@code baseDepth}): byte {@code b} at depth
   * {@code d}, whose parent is a pure step (or {@code base} itself). The lexer alone decides it: the DFA,
   * the lexemes the parser allows at {@code base}, the lexeme accepted last and the whitespace cap, so the
   * answer is the one {@link Cursor#feed} and {@link Cursor#viable} would give. With {@code restarts}, a
   * skipped lexeme ending at the parent (nothing pending after it, no mode change) restarts the lexer from
   * the mode's start, as feed() would after emitting it (the parser does not see skipped lexemes). With
   * {@code flushProbe} (not in cached walks: it asks the parser), a byte after a lexeme ending at
   * {@code base} that nothing can start after that lexeme is a skip ({@link #endsEverything}).
   */
  private int pureStep(Cursor base, int baseDepth, int d, byte b, boolean restarts, boolean flushProbe) {
    pathByte[d] = b;
    int t = g.dfa.next[(pureState[d - 1] << 8) | (b & 0xff)];
    stepRestarted = false;
    stepState = t;
    if (!base.alive(t)) {
      return deadStep(base, baseDepth, d, b, restarts, flushProbe);
    }
    return aliveStep(base, baseDepth, d, t, pureLast[d - 1]);
  }

  /** {@link #pureStep} when the byte kills the lexeme being read (kept apart so that the common path stays small). */
  private int deadStep(Cursor base, int baseDepth, int d, byte b, boolean restarts, boolean flushProbe) {
    int prevLast = pureLast[d - 1];
    if ((d - 1 == baseDepth && base.curLen == 0) || prevLast < 0) {
      return SKIP; // nothing accepted to fall back on: feed() refuses this byte
    }
    if (restarts && pureAtAccept[d - 1] && g.lexSkip[prevLast] && g.lexModeOps[prevLast].length == 0
        && !(base.capped && base.skipRun + base.curLen + (d - 1 - baseDepth) > g.options.maxSkipBytes())) {
      int t = g.dfa.next[(g.dfa.modeStart[base.mode] << 8) | (b & 0xff)];
      if (!base.alive(t)) {
        return SKIP;
      }
      stepRestarted = true;
      stepState = t;
      return aliveStep(base, baseDepth, d, t, -1);
    }
    if (flushProbe && d - 1 == baseDepth && endsEverything(baseDepth, b & 0xff)) {
      return SKIP; // nothing can start after the lexeme that ends here
    }
    return CURSOR;
  }

  /** {@link #pureStep} for a live DFA transition {@code t} ({@code prevLast}: the lexeme accepted before it, -1 none). */
  private int aliveStep(Cursor base, int baseDepth, int d, int t, int prevLast) {
    if (base.capped && g.skipOnlyState[t]
        && base.skipRun + base.curLen + (d - baseDepth) > g.options.maxSkipBytes()) {
      return SKIP; // the whitespace cap: feed() refuses this byte
    }
    int acc = base.acceptAt(t);
    if (acc >= 0 && !g.dfa.canContinue[t]) {
      return CURSOR; // the lexeme ends here: emitted to the parser
    }
    int last = acc >= 0 ? acc : prevLast;
    long[] r = g.contextual ? g.dfa.reachAny[t] : g.dfa.reachWin[t];
    long[] allowed = base.allowedLex;
    boolean viable = false;
    for (int w = 0; !viable && w < r.length; w++) {
      viable = (r[w] & allowed[w]) != 0;
    }
    boolean lastAllowed = last >= 0 && (allowed[last >>> 6] & (1L << last)) != 0;
    if (!viable && !lastAllowed) {
      return SKIP;
    }
    if (!viable && acc < 0) {
      // Viable only through a lexeme accepted before this byte: bytes are pending after it, and whether
      // they can be lexed again after emitting it needs a real cursor (Cursor#viable).
      return CURSOR;
    }
    pureState[d] = t;
    pureLast[d] = last;
    pureAtAccept[d] = acc >= 0;
    return PURE;
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
