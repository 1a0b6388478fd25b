package dev.sieve.grammars;

import java.util.Arrays;

/**
 * The lexer and parser position of a matcher, as a mutable cursor that takes one byte at a time.
 * Matchers keep immutable snapshots ({@link GrammarMatcher}'s states); mask computation copies cursors
 * down the vocabulary trie.
 *
 * <p>Lexing follows ANTLR: the longest match wins (first declared on ties); when the automaton dies the
 * last accepted lexeme is emitted and the bytes after it are lexed again. A lexeme is emitted eagerly
 * when it is accepted and no byte can extend it.
 */
final class Cursor {
  final CompiledGrammar g;
  final LexerDfa dfa;
  EarleySet parser;
  long[] allowedLex;
  int mode;
  ModeStack stack;
  int state; // DFA state; the mode's start state when curLen == 0
  int curLen; // bytes of the current lexeme so far
  int lastAccept = -1; // lexeme accepted at the last accepting position of the current lexeme
  byte[] pend = new byte[16]; // bytes after the last accepting position (only while lastAccept >= 0)
  int pendLen;
  int skipRun; // bytes of skipped lexemes since the last lexeme the parser saw
  boolean morePending;
  boolean capped = true;
  int cap;
  private Cursor flushProbe; // scratch for viable(), made on first need
  private byte[] again = new byte[16]; // flushLastAccept's scratch stack of bytes to lex again
  private int againTop;

  Cursor(CompiledGrammar g) {
    this.g = g;
    this.dfa = g.dfa;
    this.cap = g.options.maxSkipBytes();
  }

  void reset() {
    parser = g.initialSet();
    allowedLex = g.allowedLexemes(parser);
    mode = 0;
    stack = null;
    state = dfa.modeStart[0];
    curLen = 0;
    lastAccept = -1;
    pendLen = 0;
    skipRun = 0;
    morePending = false;
  }

  void copyFrom(Cursor o) {
    parser = o.parser;
    allowedLex = o.allowedLex;
    mode = o.mode;
    stack = o.stack;
    state = o.state;
    curLen = o.curLen;
    lastAccept = o.lastAccept;
    pendLen = o.pendLen;
    if (pendLen > 0) {
      if (pend.length < pendLen) {
        pend = new byte[o.pend.length];
      }
      System.arraycopy(o.pend, 0, pend, 0, pendLen);
    }
    skipRun = o.skipRun;
    morePending = o.morePending;
    capped = o.capped;
  }

  boolean alive(int s) {
    if (s == LexerDfa.DEAD) {
      return false;
    }
    if (!g.contextual) {
      return true;
    }
    long[] r = dfa.reachAny[s];
    for (int w = 0; w < r.length; w++) {
      if ((r[w] & allowedLex[w]) != 0) {
        return true;
      }
    }
    return false;
  }

  int acceptAt(int s) {
    if (!g.contextual) {
      return dfa.acceptFirst[s];
    }
    for (int l : dfa.accepts[s]) {
      if ((allowedLex[l >>> 6] & (1L << l)) != 0) {
        return l;
      }
    }
    return -1;
  }

  /** Takes one byte; false when the output cannot go on this way (the cursor is then unusable). */
  boolean feed(int b) {
    int t = dfa.next[(state << 8) | (b & 0xff)];
    if (alive(t)) {
      state = t;
      curLen++;
      int acc = acceptAt(t);
      if (acc >= 0) {
        lastAccept = acc;
        pendLen = 0;
      } else if (lastAccept >= 0) {
        if (pendLen == pend.length) {
          pend = Arrays.copyOf(pend, pendLen * 2);
        }
        pend[pendLen++] = (byte) b;
      }
      if (capped && g.skipOnlyState[t] && skipRun + curLen > cap) {
        return false;
      }
      if (acc >= 0 && !dfa.canContinue[t]) {
        return emit(acc);
      }
      return true;
    }
    if (curLen == 0 || lastAccept < 0) {
      return false;
    }
    if (!flushLastAccept()) {
      return false;
    }
    return feed(b);
  }

  /**
   * Emits the lexeme accepted last when no byte is pending after it (the lexer then stands at the start
   * of the next lexeme); false when the parser or the whitespace cap refuses it. What {@link #feed} does
   * before a byte that the current lexeme cannot take.
   */
  boolean emitPending() {
    if (curLen == 0 || lastAccept < 0 || pendLen != 0) {
      throw new IllegalStateException("no lexeme pending without bytes after it");
    }
    return emit(lastAccept);
  }

  /**
   * Hands lexeme {@code l} (not skipped, not {@code more}) to the parser as if its bytes had just been
   * read, whatever was read of it: the parser, the mode and the next lexeme's start depend only on the
   * lexeme. A mask walk's shortcut for the many trie nodes that complete the same lexeme.
   */
  boolean emitNow(int l) {
    if (g.lexSkip[l] || g.lexMore[l]) {
      throw new IllegalArgumentException("lexeme " + l + " is skipped or 'more'");
    }
    return emit(l);
  }

  /** Emits the last accepted lexeme and lexes again the bytes after it. */
  private boolean flushLastAccept() {
    int n = pendLen;
    // The bytes to lex again go on a scratch stack (a flush can nest: lexing them again may flush again),
    // so that a mask walk, which flushes at many trie nodes, allocates nothing.
    int start = againTop;
    if (n > 0) {
      if (again.length < start + n) {
        again = Arrays.copyOf(again, Math.max(2 * again.length, start + n));
      }
      System.arraycopy(pend, 0, again, start, n);
      againTop = start + n;
    }
    try {
      curLen -= n;
      if (!emit(lastAccept)) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (!feed(again[start + i])) { // reads the field: a nested flush may have grown the stack
          return false;
        }
      }
      return true;
    } finally {
      againTop = start;
    }
  }

  /** The current lexeme (of curLen bytes) is {@code l}: hand it to the parser and start the next one. */
  private boolean emit(int l) {
    if (g.lexSkip[l]) {
      skipRun += curLen;
      if (capped && skipRun > cap) {
        return false;
      }
      morePending = false;
    } else if (g.lexMore[l]) {
      morePending = true;
    } else {
      EarleySet next = parser.scan(g.lexTerminal[l]);
      if (next == null) {
        return false;
      }
      parser = next;
      allowedLex = g.allowedLexemes(next);
      skipRun = 0;
      morePending = false;
    }
    int[] ops = g.lexModeOps[l];
    for (int i = 0; i < ops.length; i += 2) {
      switch (ops[i]) {
        case 1 -> {
          stack = new ModeStack(mode, stack);
          mode = ops[i + 1];
        }
        case 2 -> {
          if (stack == null) {
            return false;
          }
          mode = stack.mode;
          stack = stack.next;
        }
        default -> mode = ops[i + 1];
      }
    }
    state = dfa.modeStart[mode];
    curLen = 0;
    lastAccept = -1;
    pendLen = 0;
    return true;
  }

  /**
   * Whether some continuation can still be accepted: between lexemes always (every Earley item can be
   * completed); inside a lexeme when a lexeme still reachable (or the last one accepted) is one the
   * parser can take next, or is skipped.
   */
  boolean viable() {
    if (curLen == 0) {
      return true;
    }
    long[] r = g.contextual ? dfa.reachAny[state] : dfa.reachWin[state];
    long[] a = allowedLex;
    for (int w = 0; w < r.length; w++) {
      if ((r[w] & a[w]) != 0) {
        return true;
      }
    }
    if (lastAccept < 0 || (a[lastAccept >>> 6] & (1L << lastAccept)) == 0) {
      return false;
    }
    if (pendLen == 0) {
      return true;
    }
    // The only way on is to emit the lexeme accepted last and lex the bytes after it again, and those
    // bytes may lead nowhere. With GLOBAL lexing, after `x[s` where `[` was the last lexeme accepted and
    // the parser takes `[` but not `[s]`, `s` must start whatever follows `[`; answering "viable" from
    // the lexeme alone left a dead end there. (CONTEXTUAL lexing never gets here: a state from which
    // no allowed lexeme is reachable is dead, so the flush has already happened.)
    Cursor c = flushProbe;
    if (c == null) {
      c = flushProbe = new Cursor(g);
    }
    c.copyFrom(this);
    return c.flushLastAccept() && c.viable();
  }

  /** Ends the input (destroys the cursor): whether the text so far is a complete sentence. */
  boolean finish() {
    boolean savedCap = capped;
    capped = false;
    try {
      for (int guard = 0; curLen > 0; guard++) {
        if (guard > 1_000_000 || lastAccept < 0) {
          return false;
        }
        if (!flushLastAccept()) {
          return false;
        }
      }
      return !morePending && parser.acceptsAtEof();
    } finally {
      capped = savedCap;
    }
  }

  /** An immutable mode stack. */
  record ModeStack(int mode, ModeStack next) {}
}
