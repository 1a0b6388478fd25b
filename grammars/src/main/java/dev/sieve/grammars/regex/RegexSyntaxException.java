package dev.sieve.grammars.regex;

/** A pattern that is malformed or uses a construct Sieve cannot turn into an automaton. */
public final class RegexSyntaxException extends IllegalArgumentException {
  private final String pattern;
  private final int index;
  private final String reason;

  public RegexSyntaxException(String reason, String pattern, int index) {
    super(reason + " at index " + index + " of /" + pattern + "/");
    this.pattern = pattern;
    this.index = index;
    this.reason = reason;
  }

  /** The offending pattern. */
  public String pattern() {
    return pattern;
  }

  /** The char index in the pattern where the problem was found. */
  public int index() {
    return index;
  }

  /** The problem, without the position. */
  public String reason() {
    return reason;
  }
}
