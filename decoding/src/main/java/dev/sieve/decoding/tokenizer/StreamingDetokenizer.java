package dev.sieve.decoding.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns token ids, one at a time, into text deltas that never split a UTF-8 character: bytes of an
 * incomplete character are held until the token that completes it. Works from the vocabulary's exact
 * bytes, so it agrees with {@link Tokenizer#decode(int[])} on valid text: the concatenation of all deltas
 * plus {@link #flush()} is the decoded text. Bytes that can never become valid UTF-8 come out as U+FFFD.
 * One instance per sequence; not thread-safe; {@link #copy()} forks it.
 */
public final class StreamingDetokenizer {
  private final Vocabulary vocabulary;
  private byte[] pending = new byte[16];
  private int length;

  public StreamingDetokenizer(Vocabulary vocabulary) {
    this.vocabulary = vocabulary;
  }

  /** Adds one token; returns the text that is now complete (possibly empty). */
  public String push(int token) {
    if (!vocabulary.exists(token)) {
      throw new IllegalArgumentException("token id " + token + " does not exist in " + vocabulary.name());
    }
    byte[] b = vocabulary.tokenBytes(token);
    if (length + b.length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + b.length));
    }
    System.arraycopy(b, 0, pending, length, b.length);
    length += b.length;
    int cut = completePrefix(pending, length);
    if (cut == 0) {
      return "";
    }
    String out = new String(pending, 0, cut, StandardCharsets.UTF_8);
    System.arraycopy(pending, cut, pending, 0, length - cut);
    length -= cut;
    return out;
  }

  /** Emits whatever is held (an incomplete character becomes U+FFFD) and empties the buffer. */
  public String flush() {
    String out = new String(pending, 0, length, StandardCharsets.UTF_8);
    length = 0;
    return out;
  }

  /** Bytes held back as the start of an incomplete character. */
  public int pendingBytes() {
    return length;
  }

  /** An independent copy with the same held bytes. */
  public StreamingDetokenizer copy() {
    StreamingDetokenizer c = new StreamingDetokenizer(vocabulary);
    c.pending = pending.clone();
    c.length = length;
    return c;
  }

  /**
   * Length of the prefix of {@code buf[0..len)} that can be decoded now: everything except a trailing
   * sequence that is a valid but incomplete UTF-8 character.
   */
  static int completePrefix(byte[] buf, int len) {
    int start = len - 1;
    int continuation = 0;
    while (start >= 0 && continuation < 3 && (buf[start] & 0xC0) == 0x80) {
      start--;
      continuation++;
    }
    if (start < 0) {
      return len; // only continuation bytes: nothing can complete them
    }
    int lead = buf[start] & 0xFF;
    int need;
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 4;
    } else {
      return len; // ASCII or a byte that never starts a character
    }
    int have = len - start;
    if (have >= need) {
      return len;
    }
    if (have >= 2) { // the second byte's narrower ranges
      int second = buf[start + 1] & 0xFF;
      boolean ok = switch (lead) {
        case 0xE0 -> second >= 0xA0;
        case 0xED -> second <= 0x9F;
        case 0xF0 -> second >= 0x90;
        case 0xF4 -> second <= 0x8F;
        default -> true;
      };
      if (!ok) {
        return len;
      }
    }
    return start;
  }
}
