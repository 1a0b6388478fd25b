package dev.sieve.grammars;

/**
 * A grammar that cannot be loaded or compiled: a syntax error, an unknown start rule, or a construct the
 * engine cannot honour (actions, semantic predicates, superclass hooks).
 *
 * <p>The message names the file, line, column and rule where they are known, as
 * {@code file:line:column: rule R: message}.
 */
public final class GrammarException extends RuntimeException {
  private final String file;
  private final int line;
  private final int column;
  private final String rule;

  public GrammarException(String file, int line, int column, String rule, String message) {
    super(format(file, line, column, rule, message));
    this.file = file;
    this.line = line;
    this.column = column;
    this.rule = rule;
  }

  public GrammarException(String message) {
    this(null, 0, 0, null, message);
  }

  private static String format(String file, int line, int column, String rule, String message) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line).append(':').append(column);
      }
      sb.append(": ");
    }
    if (rule != null) {
      sb.append("rule ").append(rule).append(": ");
    }
    return sb.append(message).toString();
  }

  /** The grammar file, or {@code null} when the grammar did not come from a file. */
  public String file() {
    return file;
  }

  /** 1-based line, 0 when unknown. */
  public int line() {
    return line;
  }

  /** 0-based column as ANTLR counts it. */
  public int column() {
    return column;
  }

  /** The rule the error is in, or {@code null}. */
  public String rule() {
    return rule;
  }
}
