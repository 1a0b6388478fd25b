package dev.sieve.decoding.refusal;

import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A model's refusal tokens: one special token per refusal category and the token that starts an ordinary
 * answer (Jain et al. 2024, "Refusal Tokens"). Read from the model's own files: config.json's
 * {@code sieve.refusal_tokens} (category → token text) and {@code sieve.respond_token}, else the
 * tokenizer's special tokens named {@code [refuse:CATEGORY]} and {@code [respond]}. Immutable.
 *
 * <p>Categories keep the config's order (alphabetical when found in the tokenizer); index {@code i} of
 * {@link #categories()} is index {@code i} everywhere in this package.
 */
public final class RefusalTokens {
  /** The tokenizer-name convention used when config.json says nothing. */
  static final String REFUSE_PREFIX = "[refuse:";
  static final String RESPOND = "[respond]";

  private final List<String> categories;
  private final int[] categoryIds;
  private final int respondId;

  /**
   * @param categoryIds category name → token id, in the order to use
   * @param respondId the id of the token that starts an answer
   */
  public RefusalTokens(Map<String, Integer> categoryIds, int respondId) {
    if (categoryIds.isEmpty()) {
      throw new IllegalArgumentException("refusal tokens need at least one category");
    }
    this.categories = List.copyOf(categoryIds.keySet());
    this.categoryIds = categoryIds.values().stream().mapToInt(Integer::intValue).toArray();
    this.respondId = respondId;
    for (int i = 0; i < this.categoryIds.length; i++) {
      if (this.categoryIds[i] == respondId) {
        throw new IllegalArgumentException("category " + categories.get(i) + " uses the respond token's id " + respondId);
      }
      for (int j = 0; j < i; j++) {
        if (this.categoryIds[i] == this.categoryIds[j]) {
          throw new IllegalArgumentException("categories " + categories.get(j) + " and " + categories.get(i) + " share token id " + this.categoryIds[i]);
        }
      }
    }
  }

  /**
   * The refusal tokens of {@code model}.
   *
   * @throws ModelException when the model has none (refusal controls cannot apply to it)
   */
  public static RefusalTokens of(LanguageModel model) {
    return from(model.config(), model.tokenizer().vocabulary(), model.directory().map(Object::toString).orElse(model.toString()));
  }

  /** From a config.json (as plain maps) and a vocabulary; {@code name} names the model in errors. */
  public static RefusalTokens from(Map<String, Object> config, Vocabulary vocabulary, String name) {
    Object sieve = config.get("sieve");
    if (sieve instanceof Map<?, ?> s && s.get("refusal_tokens") instanceof Map<?, ?> tokens && !tokens.isEmpty()) {
      Map<String, Integer> ids = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : tokens.entrySet()) {
        ids.put(String.valueOf(e.getKey()), specialId(vocabulary, String.valueOf(e.getValue()), name,
            "config.json sieve.refusal_tokens." + e.getKey()));
      }
      String respond = s.get("respond_token") instanceof String r ? r : RESPOND;
      return new RefusalTokens(ids, specialId(vocabulary, respond, name, "config.json sieve.respond_token"));
    }
    Map<String, Integer> found = new TreeMap<>();
    for (Map.Entry<String, Integer> e : vocabulary.specialTokens().entrySet()) {
      String t = e.getKey();
      if (t.startsWith(REFUSE_PREFIX) && t.endsWith("]") && t.length() > REFUSE_PREFIX.length() + 1) {
        found.put(t.substring(REFUSE_PREFIX.length(), t.length() - 1), e.getValue());
      }
    }
    OptionalInt respond = vocabulary.specialTokenId(RESPOND);
    if (found.isEmpty() || respond.isEmpty()) {
      throw new ModelException("model " + name + " has no refusal tokens: config.json has no sieve.refusal_tokens and the tokenizer has no "
          + (found.isEmpty() ? "[refuse:CATEGORY] special tokens" : RESPOND + " special token")
          + ", so refusal controls (thresholds, biases, calibration) cannot apply to it");
    }
    return new RefusalTokens(new LinkedHashMap<>(found), respond.getAsInt());
  }

  private static int specialId(Vocabulary vocabulary, String text, String model, String where) {
    OptionalInt id = vocabulary.specialTokenId(text);
    if (id.isEmpty()) {
      throw new ModelException("model " + model + ": " + where + " names the token " + text + ", which is not a special token of its tokenizer");
    }
    return id.getAsInt();
  }

  /** The category names, in order. */
  public List<String> categories() {
    return categories;
  }

  public int size() {
    return categoryIds.length;
  }

  /** Token id of category {@code i}. */
  public int tokenId(int i) {
    return categoryIds[i];
  }

  /** The index of a category name. */
  public int indexOf(String category) {
    int i = categories.indexOf(category);
    if (i < 0) {
      throw new IllegalArgumentException("unknown refusal category '" + category + "'; the model's categories are " + String.join(", ", categories));
    }
    return i;
  }

  /** The category whose token is {@code id}, or -1 when it is not a refusal token. */
  public int categoryOfToken(int id) {
    for (int i = 0; i < categoryIds.length; i++) {
      if (categoryIds[i] == id) {
        return i;
      }
    }
    return -1;
  }

  /** The id of the token that starts an answer ({@code [respond]}). */
  public int respondId() {
    return respondId;
  }

  /** Every first-response token: the respond token, then the categories' tokens in order. */
  public int[] firstTokenIds() {
    int[] ids = new int[categoryIds.length + 1];
    ids[0] = respondId;
    System.arraycopy(categoryIds, 0, ids, 1, categoryIds.length);
    return ids;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < categoryIds.length; i++) {
      parts.add(categories.get(i) + "=" + categoryIds[i]);
    }
    return "RefusalTokens[" + String.join(", ", parts) + ", respond=" + respondId + "]";
  }
}
