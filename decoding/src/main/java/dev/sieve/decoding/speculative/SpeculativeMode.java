package dev.sieve.decoding.speculative;

import java.util.Locale;

/** Whether and how a generation drafts tokens and verifies them in one forward pass. */
public enum SpeculativeMode {
  /** Plain decoding: one forward per token. */
  NONE,
  /** Token recycling with a fixed draft tree size. */
  RECYCLE,
  /**
   * Token recycling whose tree size (none at all included) is chosen from the measured acceptance and
   * forward cost, so it falls back to plain decoding where drafting does not pay.
   */
  AUTO;

  /** Parses {@code none}, {@code recycle} or {@code auto} (any case); anything else is one clear error. */
  public static SpeculativeMode parse(String s) {
    if (s != null) {
      for (SpeculativeMode m : values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("speculative mode must be none, recycle or auto, got '" + s + "'");
  }

  /** The lower-case name, as the CLI and JSON write it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
