package dev.sieve.decoding.tokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The exact byte string of every token id, plus which ids are special and which end a sequence.
 *
 * <p>Everything that masks (grammars, schemas, choices) works on these bytes, never on decoded text:
 * a byte-level BPE token may end in the middle of a UTF-8 character. Immutable and shared across
 * threads. Ids without a token (holes in some tiktoken encodings) have {@code null} bytes and are never
 * allowed by a mask.
 */
public final class Vocabulary {
  private final String name;
  private final byte[][] tokens;
  private final BitSet special;
  private final int[] eosTokenIds;
  private final Map<String, Integer> specialIds;
  private final String fingerprint;

  /**
   * @param name a human-readable name (e.g. "cl100k_base" or a model directory name)
   * @param tokens bytes per id; {@code null} for ids that do not exist
   * @param specialIds special (control) tokens by their text; they are never produced from plain text
   * @param eosTokenIds the ids that end a sequence (each must be in {@code specialIds} or a real token)
   */
  public Vocabulary(String name, byte[][] tokens, Map<String, Integer> specialIds, int[] eosTokenIds) {
    this.name = name;
    this.tokens = tokens.clone();
    this.special = new BitSet(tokens.length);
    this.specialIds = Map.copyOf(specialIds);
    for (int id : specialIds.values()) {
      if (id < 0 || id >= tokens.length) {
        throw new IllegalArgumentException("special token id " + id + " outside vocabulary of " + tokens.length);
      }
      special.set(id);
    }
    this.eosTokenIds = eosTokenIds.clone();
    for (int id : eosTokenIds) {
      if (id < 0 || id >= tokens.length) {
        throw new IllegalArgumentException("end-of-sequence id " + id + " outside vocabulary of " + tokens.length);
      }
    }
    this.fingerprint = computeFingerprint();
  }

  /** Number of ids: one more than the largest id. */
  public int size() {
    return tokens.length;
  }

  public String name() {
    return name;
  }

  /** The exact bytes of a token, or {@code null} where the id has no token. Do not modify. */
  public byte[] tokenBytes(int id) {
    return tokens[id];
  }

  public boolean exists(int id) {
    return id >= 0 && id < tokens.length && tokens[id] != null;
  }

  /** Special (control) tokens: chat markers, end of sequence, refusal tokens. Masks never allow them, except end of sequence. */
  public boolean isSpecial(int id) {
    return special.get(id);
  }

  public int[] eosTokenIds() {
    return eosTokenIds.clone();
  }

  public boolean isEos(int id) {
    for (int e : eosTokenIds) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }

  public Map<String, Integer> specialTokens() {
    return specialIds;
  }

  public OptionalInt specialTokenId(String text) {
    Integer id = specialIds.get(text);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** A content hash of bytes, specials and end ids: the cache key for artifacts compiled against this vocabulary. */
  public String fingerprint() {
    return fingerprint;
  }

  private String computeFingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] idBytes = new byte[4];
      for (int i = 0; i < tokens.length; i++) {
        byte[] t = tokens[i];
        putInt(idBytes, t == null ? -1 : t.length);
        sha.update(idBytes);
        if (t != null) {
          sha.update(t);
        }
        sha.update((byte) (special.get(i) ? 1 : 0));
      }
      for (int e : eosTokenIds) {
        putInt(idBytes, e);
        sha.update(idBytes);
      }
      return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putInt(byte[] b, int v) {
    b[0] = (byte) (v >>> 24);
    b[1] = (byte) (v >>> 16);
    b[2] = (byte) (v >>> 8);
    b[3] = (byte) v;
  }

  @Override
  public String toString() {
    return "Vocabulary[" + name + ", " + tokens.length + " ids, " + specialIds.size() + " special]";
  }

  /** Bytes of a string as UTF-8; a small convenience for tests and callers. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
