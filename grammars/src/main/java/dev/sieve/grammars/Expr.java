package dev.sieve.grammars;

import java.util.List;

/** The right-hand side of a parser rule. */
public sealed interface Expr {
  /** The empty string. */
  record Empty() implements Expr {}

  /** Each item in turn. */
  record Seq(List<Expr> items) implements Expr {
    public Seq {
      items = List.copyOf(items);
    }
  }

  /** One of the alternatives. */
  record Alt(List<Expr> alternatives) implements Expr {
    public Alt {
      alternatives = List.copyOf(alternatives);
      if (alternatives.isEmpty()) {
        throw new IllegalArgumentException("an alternation needs at least one alternative");
      }
    }
  }

  /** {@code body} repeated {@code min} to {@code max} times; {@code max} of -1 means unbounded. */
  record Repeat(Expr body, int min, int max) implements Expr {
    public static final int UNBOUNDED = -1;

    public Repeat {
      if (min < 0 || (max != UNBOUNDED && max < min)) {
        throw new IllegalArgumentException("bad repeat bounds {" + min + "," + max + "}");
      }
    }
  }

  /** A reference to a parser rule. */
  record RuleRef(String name) implements Expr {}

  /** A reference to a lexeme. */
  record LexemeRef(String name) implements Expr {}

  static Expr empty() {
    return new Empty();
  }

  static Expr seq(Expr... items) {
    return items.length == 1 ? items[0] : new Seq(List.of(items));
  }

  static Expr alt(Expr... alternatives) {
    return alternatives.length == 1 ? alternatives[0] : new Alt(List.of(alternatives));
  }

  static Expr optional(Expr body) {
    return new Repeat(body, 0, 1);
  }

  static Expr star(Expr body) {
    return new Repeat(body, 0, Repeat.UNBOUNDED);
  }

  static Expr plus(Expr body) {
    return new Repeat(body, 1, Repeat.UNBOUNDED);
  }

  static Expr rule(String name) {
    return new RuleRef(name);
  }

  static Expr lexeme(String name) {
    return new LexemeRef(name);
  }
}
