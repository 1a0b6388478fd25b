package dev.sieve.decoding.generate;

import java.util.Locale;

/** Why a generation stopped. */
public enum FinishReason {
  /** The model chose an end-of-sequence token. */
  EOS,
  /** A stop string appeared in the output (it is not part of the text). */
  STOP,
  /** The maximum number of new tokens was reached. */
  LENGTH,
  /** A constraint is finished: nothing but end of sequence may follow. */
  CONSTRAINT;

  /** The lower-case name used in JSON output: eos, stop, length, constraint. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
