package dev.sieve.decoding.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text, across token boundaries. Text that might be the beginning of a
 * stop string is held back until it is known not to be; the stop string itself (and anything after it)
 * is never released. One instance per sequence.
 */
final class StopStrings {
  private final List<String> stops;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  StopStrings(List<String> stops) {
    this.stops = stops;
  }

  boolean stopped() {
    return stopped;
  }

  /** Adds text; returns what can be released now. After a stop string appears, {@link #stopped()} is true. */
  String push(String delta) {
    if (stopped) {
      return "";
    }
    if (stops.isEmpty()) {
      return delta;
    }
    held.append(delta);
    int first = -1;
    for (String s : stops) {
      int i = held.indexOf(s);
      if (i >= 0 && (first < 0 || i < first)) {
        first = i;
      }
    }
    if (first >= 0) {
      stopped = true;
      String out = held.substring(0, first);
      held.setLength(0);
      return out;
    }
    int keep = 0; // the longest suffix of held that is a proper prefix of some stop string
    String h = held.toString();
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, h.length()); k > keep; k--) {
        if (h.regionMatches(h.length() - k, s, 0, k)) {
          keep = k;
          break;
        }
      }
    }
    String out = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return out;
  }

  /** Releases what is held (at the end of the generation, when no stop string can complete any more). */
  String flush() {
    String out = stopped ? "" : held.toString();
    held.setLength(0);
    return out;
  }
}
