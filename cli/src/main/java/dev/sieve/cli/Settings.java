package dev.sieve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.generate.GenerationConfig;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Generation settings given by name: the flags of {@link SamplingOptions} and the per-request fields of an
 * {@code --input} line ({@code max_tokens}, {@code temperature}, {@code top_k}, {@code top_p},
 * {@code min_p}, {@code repetition_penalty}, {@code seed}, {@code stop}). Every failure names the setting.
 */
final class Settings {
  /** The per-request fields an input line may carry, besides {@code id}, {@code prompt} and {@code messages}. */
  static final List<String> LINE_FIELDS =
      List.of("max_tokens", "temperature", "top_k", "top_p", "min_p", "repetition_penalty", "seed", "stop");

  private Settings() {}

  /** Runs one setter, turning its {@link IllegalArgumentException} into a message that names {@code name}. */
  static void set(String name, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new CliException(name + ": " + e.getMessage());
    }
  }

  static void temperature(GenerationConfig.Builder b, double t) {
    if (t == 0) {
      b.doSample(false); // transformers' convention in most servers: temperature 0 is argmax
    } else {
      b.temperature(t).doSample(true);
    }
  }

  static GenerationConfig build(GenerationConfig.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** {@code \n}, {@code \t}, {@code \r} and {@code \\} in a command-line stop string become the characters. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        switch (n) {
          case 'n' -> { out.append('\n'); i++; continue; }
          case 't' -> { out.append('\t'); i++; continue; }
          case 'r' -> { out.append('\r'); i++; continue; }
          case '\\' -> { out.append('\\'); i++; continue; }
          default -> { }
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /** {@code base} with an input line's own settings applied; unknown fields are refused with the list of known ones. */
  static GenerationConfig applyLine(GenerationConfig base, JsonNode line) {
    GenerationConfig.Builder b = base.toBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      switch (name) {
        case "id", "prompt", "messages" -> { }
        case "max_tokens" -> set(name, () -> b.maxNewTokens(integer(name, v)));
        case "temperature" -> set(name, () -> temperature(b, number(name, v)));
        case "top_k" -> set(name, () -> b.topK(integer(name, v)));
        case "top_p" -> set(name, () -> b.topP(number(name, v)));
        case "min_p" -> set(name, () -> b.minP(number(name, v)));
        case "repetition_penalty" -> set(name, () -> b.repetitionPenalty(number(name, v)));
        case "seed" -> {
          if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new CliException("seed must be an integer, got " + v);
          }
          b.seed(v.asLong());
        }
        case "stop" -> set(name, () -> {
          if (v.isTextual()) {
            b.addStopString(v.asText());
          } else if (v.isArray()) {
            for (JsonNode s : v) {
              if (!s.isTextual()) {
                throw new IllegalArgumentException("must be a string or a list of strings, got " + v);
              }
              b.addStopString(s.asText());
            }
          } else {
            throw new IllegalArgumentException("must be a string or a list of strings, got " + v);
          }
        });
        default -> throw new CliException("unknown field '" + name + "' (known: id, prompt, messages, "
            + String.join(", ", LINE_FIELDS) + ")");
      }
    }
    return build(b);
  }

  private static int integer(String name, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException("must be an integer, got " + v);
    }
    return v.asInt();
  }

  private static double number(String name, JsonNode v) {
    if (!v.isNumber()) {
      throw new IllegalArgumentException("must be a number, got " + v);
    }
    return v.asDouble();
  }
}
