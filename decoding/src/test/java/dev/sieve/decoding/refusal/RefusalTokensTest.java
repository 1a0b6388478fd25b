package dev.sieve.decoding.refusal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalTokensTest {
  /** A small vocabulary: ids 0..n-1 with the given special tokens at the end. */
  static Vocabulary vocabulary(String... specials) {
    byte[][] tokens = new byte[8 + specials.length][];
    for (int i = 0; i < 8; i++) {
      tokens[i] = new byte[] {(byte) ('a' + i)};
    }
    Map<String, Integer> ids = new java.util.HashMap<>();
    for (int i = 0; i < specials.length; i++) {
      tokens[8 + i] = Vocabulary.utf8(specials[i]);
      ids.put(specials[i], 8 + i);
    }
    return new Vocabulary("test", tokens, ids, new int[0]);
  }

  @Test
  void theBundledModelsCategoriesComeFromItsConfigInItsOrder() {
    RefusalTokens t = RefusalTokens.of(TestModels.bundled());
    assertEquals(List.of("horizon", "private", "ability", "illposed"), t.categories());
    var vocab = TestModels.bundled().tokenizer().vocabulary();
    assertEquals(vocab.specialTokenId("[respond]").getAsInt(), t.respondId());
    for (int i = 0; i < t.size(); i++) {
      assertEquals(vocab.specialTokenId("[refuse:" + t.categories().get(i) + "]").getAsInt(), t.tokenId(i));
      assertEquals(i, t.categoryOfToken(t.tokenId(i)));
    }
    assertEquals(-1, t.categoryOfToken(t.respondId()));
    assertArrayEquals(new int[] {t.respondId(), t.tokenId(0), t.tokenId(1), t.tokenId(2), t.tokenId(3)}, t.firstTokenIds());
  }

  @Test
  void withoutConfigTheTokenizersRefuseTokensAreFoundByName() {
    RefusalTokens t = RefusalTokens.from(Map.of(), vocabulary("[respond]", "[refuse:weather]", "[refuse:legal]"), "m");
    assertEquals(List.of("legal", "weather"), t.categories());
    assertEquals(8, t.respondId());
    assertEquals(10, t.tokenId(0));
    assertEquals(9, t.tokenId(1));
  }

  @Test
  void aModelWithoutRefusalTokensGetsOneClearError() {
    ModelException e = assertThrows(ModelException.class,
        () -> RefusalTokens.from(Map.of(), vocabulary("<|end|>"), "plain-model"));
    assertTrue(e.getMessage().contains("plain-model has no refusal tokens"), e.getMessage());
    assertTrue(e.getMessage().contains("refusal controls"), e.getMessage());
    ModelException noRespond = assertThrows(ModelException.class,
        () -> RefusalTokens.from(Map.of(), vocabulary("[refuse:x]"), "m"));
    assertTrue(noRespond.getMessage().contains("[respond]"), noRespond.getMessage());
  }

  @Test
  void aConfigNamingAMissingTokenIsReportedWithTheKey() {
    Map<String, Object> config = Map.of("sieve", Map.of("refusal_tokens", Map.of("weather", "[refuse:weather]"), "respond_token", "[respond]"));
    ModelException e = assertThrows(ModelException.class, () -> RefusalTokens.from(config, vocabulary("[respond]"), "m"));
    assertTrue(e.getMessage().contains("sieve.refusal_tokens.weather"), e.getMessage());
  }

  @Test
  void anUnknownCategoryNamesTheKnownOnes() {
    RefusalTokens t = RefusalTokens.of(TestModels.bundled());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.indexOf("weather"));
    assertTrue(e.getMessage().contains("horizon, private, ability, illposed"), e.getMessage());
  }
}
