package dev.sieve.decoding.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives a {@link Vocabulary}'s exact token bytes from a Hugging Face tokenizer.json, without running the
 * tokenizer: the byte-level BPE byte↔unicode map (GPT-2 style), SentencePiece's {@code ▁} for space and
 * {@code <0xNN>} byte fallback, and the added tokens (special ones flagged special).
 */
final class TokenizerJsonVocabulary {
  private TokenizerJsonVocabulary() {}

  /** How token strings map to bytes. */
  enum Scheme {
    /** GPT-2 byte-level: every byte is one printable unicode character. */
    BYTE_LEVEL,
    /** SentencePiece-style: {@code ▁} is a space, {@code <0xNN>} one byte (with byte fallback), else UTF-8. */
    METASPACE
  }

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + n++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  /** The byte-level character of a byte (GPT-2's map). */
  static char byteLevelChar(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  static Vocabulary read(String name, JsonNode root, int[] eosIds) {
    JsonNode model = root.path("model");
    String type = model.path("type").asText("");
    Scheme scheme = detectScheme(root);
    boolean byteFallback = model.path("byte_fallback").asBoolean(false);
    Map<Integer, byte[]> bytes = new LinkedHashMap<>();
    int max = -1;
    switch (type) {
      case "BPE", "WordLevel" -> {
        Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          int id = e.getValue().asInt();
          bytes.put(id, tokenBytes(e.getKey(), scheme, byteFallback));
          max = Math.max(max, id);
        }
      }
      case "Unigram" -> {
        JsonNode vocab = model.path("vocab");
        for (int id = 0; id < vocab.size(); id++) {
          bytes.put(id, tokenBytes(vocab.get(id).get(0).asText(), scheme, byteFallback));
          max = Math.max(max, id);
        }
      }
      default -> throw new IllegalArgumentException(
          "tokenizer.json of " + name + ": model type '" + type + "' is not supported (BPE, Unigram, WordLevel are)");
    }
    Map<String, Integer> special = new LinkedHashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      int id = t.path("id").asInt();
      String content = t.path("content").asText();
      bytes.put(id, content.getBytes(StandardCharsets.UTF_8));
      max = Math.max(max, id);
      if (t.path("special").asBoolean(false)) {
        special.put(content, id);
      }
    }
    byte[][] table = new byte[max + 1][];
    bytes.forEach((id, b) -> table[id] = b);
    List<Integer> eos = new ArrayList<>();
    for (int id : eosIds) {
      if (id >= 0 && id <= max) {
        eos.add(id);
      }
    }
    return new Vocabulary(name, table, special, eos.stream().mapToInt(Integer::intValue).toArray());
  }

  static Scheme detectScheme(JsonNode root) {
    if (mentions(root.path("decoder"), "ByteLevel") || mentions(root.path("pre_tokenizer"), "ByteLevel")) {
      return Scheme.BYTE_LEVEL;
    }
    return Scheme.METASPACE;
  }

  private static boolean mentions(JsonNode node, String type) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return false;
    }
    if (type.equals(node.path("type").asText())) {
      return true;
    }
    for (String list : new String[] {"decoders", "pretokenizers"}) {
      for (JsonNode child : node.path(list)) {
        if (mentions(child, type)) {
          return true;
        }
      }
    }
    return false;
  }

  static byte[] tokenBytes(String token, Scheme scheme, boolean byteFallback) {
    if (scheme == Scheme.BYTE_LEVEL) {
      byte[] out = new byte[token.length()];
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        if (b < 0) {
          // Not a byte-level character (rare hand-added entries): take the text as it is.
          return token.getBytes(StandardCharsets.UTF_8);
        }
        out[i] = (byte) b;
      }
      return out;
    }
    if (byteFallback && token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
      try {
        return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
      } catch (NumberFormatException notAByteToken) {
        // fall through: an ordinary piece that happens to look similar
      }
    }
    return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
  }
}
