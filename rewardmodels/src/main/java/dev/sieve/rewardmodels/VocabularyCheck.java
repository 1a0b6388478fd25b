package dev.sieve.rewardmodels;

import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** A reward model must score the base model's tokens: the same byte string for every id. */
public final class VocabularyCheck {
  private VocabularyCheck() {}

  /**
   * Throws a {@link ModelException} naming the first id whose bytes differ (or the sizes) when the reward
   * model's vocabulary is not the base model's.
   */
  public static void requireSame(Vocabulary base, Vocabulary reward, Path rewardDir) {
    String where = "the reward model " + (rewardDir == null ? "" : rewardDir + " ");
    if (base.size() != reward.size()) {
      throw new ModelException(where + "does not share the base model's vocabulary: it has " + reward.size()
          + " token ids, the base model " + base.size() + " (a reward model must be trained with the base model's tokenizer)");
    }
    for (int id = 0; id < base.size(); id++) {
      byte[] a = base.tokenBytes(id);
      byte[] b = reward.tokenBytes(id);
      if (!Arrays.equals(a, b)) {
        throw new ModelException(where + "does not share the base model's vocabulary: token id " + id + " is "
            + show(a) + " in the base model but " + show(b) + " in the reward model"
            + " (a reward model must be trained with the base model's tokenizer)");
      }
    }
  }

  private static String show(byte[] bytes) {
    if (bytes == null) {
      return "absent";
    }
    StringBuilder sb = new StringBuilder("\"");
    String s = new String(bytes, StandardCharsets.UTF_8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
