package dev.sieve.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return. Messages printed through
 * {@link #message} first clear the bar, so they never mix with it.
 */
final class ProgressBar {
  private static final int WIDTH = 24;
  private final PrintWriter err;
  private final int total;
  private int shown;

  ProgressBar(PrintWriter err, int total) {
    this.err = err;
    this.total = total;
  }

  /** Redraws the bar: {@code done} of the total, {@code failed} of them failed, the recent decode speed. */
  void update(int done, int failed, double tokensPerSecond) {
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    String line = String.format(Locale.ROOT, "[%s%s] %d/%d%s  %.0f tokens/s", "#".repeat(filled), ".".repeat(WIDTH - filled),
        done, total, failed > 0 ? "  (" + failed + " failed)" : "", tokensPerSecond);
    draw(line);
  }

  /** Prints a line of its own (an error, a summary) and leaves the bar to be redrawn by the next update. */
  void message(String text) {
    clear();
    err.println(text);
    err.flush();
  }

  /** Ends the bar's line. */
  void finish() {
    if (shown > 0) {
      err.println();
      err.flush();
      shown = 0;
    }
  }

  private void draw(String line) {
    StringBuilder sb = new StringBuilder("\r").append(line);
    if (line.length() < shown) {
      sb.append(" ".repeat(shown - line.length()));
    }
    err.print(sb);
    err.flush();
    shown = line.length();
  }

  /** Removes the bar; the next update draws it again. */
  void clear() {
    if (shown > 0) {
      err.print("\r" + " ".repeat(shown) + "\r");
      shown = 0;
    }
  }
}
