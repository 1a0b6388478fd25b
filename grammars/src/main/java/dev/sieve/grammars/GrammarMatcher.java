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
  private MaskWalk maskWalk; // made on the first mask
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
    boolean finished = true;
    for (int b = 0; finished && b < 256; b++) {
      s.load(c);
      c.capped = false;
      EarleySet before = c.parser;
      finished = !(c.feed(b) && c.viable() && (c.parser != before || c.curLen == 0 || !g.skipOnlyState[c.state]));
    }
    s.finished = (byte) (finished ? 1 : 2);
    return finished;
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

  /** Fills {@code mask} with the tokens allowed from the current position ({@code capped}: under the whitespace cap). */
  private void walk(TokenMask mask, boolean capped) {
    if (maskWalk == null) {
      maskWalk = new MaskWalk(g);
    }
    Cursor root = current.load(maskWalk.root());
    root.capped = capped;
    maskWalk.walk(mask);
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
