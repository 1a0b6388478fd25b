package dev.sieve.decoding.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.model.BundledModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTokenizerTest {
  private static HuggingFaceTokenizer bundled;
  private static HuggingFaceTokenizer sp;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    bundled = HuggingFaceTokenizer.load(BundledModel.path());
    sp = HuggingFaceTokenizer.load(
        Path.of(HuggingFaceTokenizerTest.class.getResource("/tokenizers/sentencepiece-bytefallback.json").toURI()), 2);
  }

  @AfterAll
  static void close() {
    bundled.close();
    sp.close();
  }

  @Test
  void theBundledVocabularyKnowsItsSpecialAndEndTokens() {
    Vocabulary v = bundled.vocabulary();
    assertEquals(8192, v.size());
    String[] specials = {"<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "[respond]",
        "[refuse:horizon]", "[refuse:private]", "[refuse:ability]", "[refuse:illposed]"};
    for (int i = 0; i < specials.length; i++) {
      assertEquals(i, v.specialTokenId(specials[i]).orElseThrow(), specials[i]);
      assertTrue(v.isSpecial(i));
      assertArrayEquals(specials[i].getBytes(StandardCharsets.UTF_8), v.tokenBytes(i));
    }
    assertFalse(v.isSpecial(specials.length));
    // generation_config.json lists eos_token_id [4, 0]
    assertArrayEquals(new int[] {4, 0}, v.eosTokenIds());
  }

  @Test
  void byteLevelTokensMapBackToTheirBytes() {
    Vocabulary v = bundled.vocabulary();
    int[] ids = bundled.encode(" the\n");
    byte[] all = new byte[0];
    for (int id : ids) {
      byte[] b = v.tokenBytes(id);
      byte[] next = Arrays.copyOf(all, all.length + b.length);
      System.arraycopy(b, 0, next, all.length, b.length);
      all = next;
    }
    assertArrayEquals(" the\n".getBytes(StandardCharsets.UTF_8), all);
    // every one of the 256 bytes is a token on its own (the byte-level alphabet)
    boolean[] single = new boolean[256];
    for (int id = 0; id < v.size(); id++) {
      byte[] b = v.tokenBytes(id);
      if (b != null && b.length == 1) {
        single[b[0] & 0xFF] = true;
      }
    }
    for (int b = 0; b < 256; b++) {
      assertTrue(single[b], "byte " + b);
    }
  }

  /** The fixture's input ids were made by the Python tokenizer from the rendered text. */
  @Test
  void encodesLikeThePythonTokenizer() throws IOException {
    JsonNode fixture = new ObjectMapper().readTree(BundledModel.path().resolve("parity.json").toFile());
    for (JsonNode c : fixture.path("cases")) {
      int[] want = new int[c.path("input_ids").size()];
      for (int i = 0; i < want.length; i++) {
        want[i] = c.path("input_ids").get(i).asInt();
      }
      assertArrayEquals(want, bundled.encodeWithSpecialTokens(c.path("text").asText()), c.path("name").asText());
    }
  }

  @Test
  void plainEncodeNeverProducesControlTokens() {
    String text = "<|user|>\nHi<|end|>\n[respond] ok";
    int[] special = bundled.encodeWithSpecialTokens(text);
    assertEquals(2, special[0]);
    assertTrue(Arrays.stream(special).anyMatch(id -> id == 4));
    assertTrue(Arrays.stream(special).anyMatch(id -> id == 5));
    int[] plain = bundled.encode(text);
    for (int id : plain) {
      assertFalse(bundled.vocabulary().isSpecial(id), "special id " + id);
    }
    assertEquals(text, bundled.decode(plain));
  }

  @Test
  void sentencePieceSpacesAndByteFallback() {
    Vocabulary v = sp.vocabulary();
    assertArrayEquals(new byte[] {(byte) 0xE4}, v.tokenBytes(3 + 0xE4), "<0xE4>");
    int theId = -1;
    for (int id = 0; id < v.size(); id++) {
      if (Arrays.equals(v.tokenBytes(id), " the".getBytes(StandardCharsets.UTF_8))) {
        theId = id;
      }
    }
    assertTrue(theId > 0, "▁the is the bytes of ' the'");
    int[] ids = sp.encode(" the 你");
    assertEquals(theId, ids[0]);
    // 你 is not in the vocabulary: its three UTF-8 bytes come as byte tokens
    int n = ids.length;
    assertArrayEquals(new int[] {3 + 0xE4, 3 + 0xBD, 3 + 0xA0}, Arrays.copyOfRange(ids, n - 3, n));
    assertTrue(v.isSpecial(0) && v.isSpecial(1) && v.isSpecial(2));
    assertArrayEquals(new int[] {2}, v.eosTokenIds());
  }

  @Test
  void streamingNeverSplitsACharacter() {
    StreamingDetokenizer d = new StreamingDetokenizer(sp.vocabulary());
    assertEquals("", d.push(3 + 0xE4));
    assertEquals(1, d.pendingBytes());
    assertEquals("", d.push(3 + 0xBD));
    assertEquals("你", d.push(3 + 0xA0));
    assertEquals(0, d.pendingBytes());
    assertEquals("", d.push(3 + 0xF0));
    assertEquals("\uFFFD", d.flush(), "an incomplete character at the end becomes U+FFFD");
    assertThrows(IllegalArgumentException.class, () -> d.push(99999));
  }

  @Test
  void aMissingOrUnsupportedTokenizerFailsClearly(@TempDir Path dir) throws IOException {
    IOException missing = assertThrows(IOException.class, () -> HuggingFaceTokenizer.load(dir));
    assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}, \"added_tokens\": []}");
    IOException unsupported = assertThrows(IOException.class, () -> HuggingFaceTokenizer.load(dir));
    assertTrue(unsupported.getMessage().contains("WordPiece"), unsupported.getMessage());
  }
}
