package dev.sieve.decoding.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The tiktoken encodings r50k, p50k, cl100k and o200k through JTokkit. */
public final class TiktokenTokenizer implements Tokenizer {
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Map<EncodingType, TiktokenTokenizer> CACHE = new ConcurrentHashMap<>();

  private final EncodingType type;
  private final Encoding encoding;
  private final Vocabulary vocabulary;

  private TiktokenTokenizer(EncodingType type) {
    this.type = type;
    this.encoding = REGISTRY.getEncoding(type);
    this.vocabulary = buildVocabulary(type, encoding);
  }

  /** One shared instance per encoding (building the vocabulary takes a moment). */
  public static TiktokenTokenizer of(EncodingType type) {
    return CACHE.computeIfAbsent(type, TiktokenTokenizer::new);
  }

  /** By name: r50k, p50k, cl100k or o200k, with or without the "_base" suffix. */
  public static TiktokenTokenizer named(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace("_base", "");
    return switch (n) {
      case "r50k" -> of(EncodingType.R50K_BASE);
      case "p50k" -> of(EncodingType.P50K_BASE);
      case "cl100k" -> of(EncodingType.CL100K_BASE);
      case "o200k" -> of(EncodingType.O200K_BASE);
      default -> throw new IllegalArgumentException(
          "unknown tiktoken encoding '" + name + "': expected r50k, p50k, cl100k or o200k");
    };
  }

  public EncodingType type() {
    return type;
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public int[] encode(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  @Override
  public int[] encodeWithSpecialTokens(String text) {
    return encoding.encode(text).toArray();
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      byte[] b = vocabulary.tokenBytes(id);
      if (b == null) {
        throw new IllegalArgumentException("token id " + id + " does not exist in " + vocabulary.name());
      }
      out.writeBytes(b);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // Special tokens of each encoding, as tiktoken defines them.
  private static Map<String, Integer> specialTokens(EncodingType type) {
    Map<String, Integer> m = new LinkedHashMap<>();
    switch (type) {
      case R50K_BASE, P50K_BASE -> m.put("<|endoftext|>", 50256);
      case P50K_EDIT -> {
        m.put("<|endoftext|>", 50256);
        m.put("<|fim_prefix|>", 50281);
        m.put("<|fim_middle|>", 50282);
        m.put("<|fim_suffix|>", 50283);
      }
      case CL100K_BASE -> {
        m.put("<|endoftext|>", 100257);
        m.put("<|fim_prefix|>", 100258);
        m.put("<|fim_middle|>", 100259);
        m.put("<|fim_suffix|>", 100260);
        m.put("<|endofprompt|>", 100276);
      }
      case O200K_BASE -> {
        m.put("<|endoftext|>", 199999);
        m.put("<|endofprompt|>", 200018);
      }
      default -> throw new IllegalArgumentException("unsupported encoding " + type);
    }
    return m;
  }

  private static Vocabulary buildVocabulary(EncodingType type, Encoding encoding) {
    Map<String, Integer> specials = specialTokens(type);
    // tiktoken's n_vocab: p50k's whitespace-run tokens 50257..50280 lie above <|endoftext|>.
    int size = switch (type) {
      case R50K_BASE -> 50257;
      case P50K_BASE -> 50281;
      case P50K_EDIT -> 50284;
      case CL100K_BASE -> 100277;
      case O200K_BASE -> 200019;
      default -> specials.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    };
    byte[][] tokens = new byte[size][];
    IntArrayList one = new IntArrayList(1);
    one.add(0);
    for (int id = 0; id < size; id++) {
      one.set(0, id);
      try {
        tokens[id] = encoding.decodeBytes(one);
      } catch (RuntimeException holeInTheIdSpace) {
        tokens[id] = null;
      }
    }
    for (Map.Entry<String, Integer> e : specials.entrySet()) {
      tokens[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
    }
    return new Vocabulary(type.getName(), tokens, specials, new int[] {specials.get("<|endoftext|>")});
  }
}
