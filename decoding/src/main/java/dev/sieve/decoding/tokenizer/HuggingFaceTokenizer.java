package dev.sieve.decoding.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer: encoding runs the real Rust tokenizer through DJL,
 * offline ({@link DjlOffline}); the {@link Vocabulary} bytes are derived from tokenizer.json itself
 * (byte-level BPE map, SentencePiece {@code ▁} and {@code <0xNN>} byte fallback, added tokens), and
 * decoding concatenates those bytes, so {@code decode} and {@link StreamingDetokenizer} agree exactly.
 *
 * <p>Plain {@link #encode} never turns special-token text into a control token: where the text contains
 * a special token's text, that text is encoded as ordinary pieces (split so the tokenizer cannot
 * recognise it), which keeps the bytes exact but may segment it differently from a tokenizer that never
 * knew the special token. Thread-safe; {@link #close()} frees the native tokenizer.
 */
public final class HuggingFaceTokenizer implements Tokenizer, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer djl;
  private final Vocabulary vocabulary;
  private final List<String> specialTexts; // longest first

  private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer djl, Vocabulary vocabulary) {
    this.djl = djl;
    this.vocabulary = vocabulary;
    List<String> s = new ArrayList<>(vocabulary.specialTokens().keySet());
    s.sort(Comparator.comparingInt(String::length).reversed());
    this.specialTexts = List.copyOf(s);
  }

  /**
   * Loads {@code tokenizer.json} from a model directory (or the file itself); end-of-sequence ids come from
   * the directory's generation_config.json, config.json, then tokenizer_config.json, the first that names any.
   */
  public static HuggingFaceTokenizer load(Path dirOrFile) throws IOException {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
    if (!Files.isRegularFile(file)) {
      throw new IOException("no tokenizer.json at " + file);
    }
    Path dir = file.toAbsolutePath().getParent();
    JsonNode root = JSON.readTree(file.toFile());
    int[] eos = findEosIds(dir, root);
    String name = dir.getFileName() == null ? file.toString() : dir.getFileName().toString();
    return create(name, file, root, eos);
  }

  /** Loads a tokenizer.json with the given end-of-sequence ids (no directory lookups). */
  public static HuggingFaceTokenizer load(Path tokenizerJson, int... eosIds) throws IOException {
    JsonNode root = JSON.readTree(tokenizerJson.toFile());
    return create(tokenizerJson.getFileName().toString(), tokenizerJson, root, eosIds);
  }

  private static HuggingFaceTokenizer create(String name, Path file, JsonNode root, int[] eos) throws IOException {
    Vocabulary vocab;
    try {
      vocab = TokenizerJsonVocabulary.read(name, root, eos);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    DjlOffline.ensure();
    var djl = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
        file, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    return new HuggingFaceTokenizer(djl, vocab);
  }

  static int[] findEosIds(Path dir, JsonNode tokenizerJson) throws IOException {
    for (String f : new String[] {"generation_config.json", "config.json"}) {
      Path p = dir.resolve(f);
      if (Files.isRegularFile(p)) {
        JsonNode eos = JSON.readTree(p.toFile()).path("eos_token_id");
        Set<Integer> ids = new LinkedHashSet<>();
        if (eos.isInt()) {
          ids.add(eos.asInt());
        } else if (eos.isArray()) {
          eos.forEach(n -> ids.add(n.asInt()));
        }
        if (!ids.isEmpty()) {
          return ids.stream().mapToInt(Integer::intValue).toArray();
        }
      }
    }
    Path tc = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(tc)) {
      JsonNode eos = JSON.readTree(tc.toFile()).path("eos_token");
      String text = eos.isTextual() ? eos.asText() : eos.path("content").asText(null);
      if (text != null) {
        for (JsonNode t : tokenizerJson.path("added_tokens")) {
          if (text.equals(t.path("content").asText())) {
            return new int[] {t.path("id").asInt()};
          }
        }
        JsonNode id = tokenizerJson.path("model").path("vocab").path(text);
        if (id.isInt()) {
          return new int[] {id.asInt()};
        }
      }
    }
    return new int[0];
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public int[] encode(String text) {
    IntList out = new IntList(text.length() / 3 + 4);
    encodePlain(text, out);
    return out.toArray();
  }

  private void encodePlain(String text, IntList out) {
    int from = 0;
    while (from < text.length()) {
      int at = -1;
      String found = null;
      for (String s : specialTexts) {
        int i = text.indexOf(s, from);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          found = s;
        }
      }
      if (found == null) {
        encodeRaw(text.substring(from), out);
        return;
      }
      encodeRaw(text.substring(from, at), out);
      // The special token's text as ordinary text: split before its last code point so the tokenizer
      // cannot match it; each part may itself contain special text, handled recursively.
      int last = found.offsetByCodePoints(found.length(), -1);
      encodePlain(found.substring(0, last), out);
      encodePlain(found.substring(last), out);
      from = at + found.length();
    }
  }

  private void encodeRaw(String text, IntList out) {
    if (text.isEmpty()) {
      return;
    }
    for (long id : djl.encode(text, false, false).getIds()) {
      out.add((int) id);
    }
  }

  @Override
  public int[] encodeWithSpecialTokens(String text) {
    if (text.isEmpty()) {
      return new int[0];
    }
    long[] ids = djl.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      if (!vocabulary.exists(id)) {
        throw new IllegalArgumentException("token id " + id + " does not exist in " + vocabulary.name());
      }
      out.writeBytes(vocabulary.tokenBytes(id));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    djl.close();
  }

  @Override
  public String toString() {
    return "HuggingFaceTokenizer[" + vocabulary + "]";
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

}
