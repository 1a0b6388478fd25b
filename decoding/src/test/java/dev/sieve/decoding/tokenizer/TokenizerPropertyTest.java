package dev.sieve.decoding.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every tokenizer and seeded random Unicode text t: the concatenated bytes of encode(t) are UTF-8(t),
 * decode(encode(t)) is t, and streaming the ids through a StreamingDetokenizer yields t in pieces that are
 * each valid text.
 */
class TokenizerPropertyTest {
  private static HuggingFaceTokenizer bundled;
  private static HuggingFaceTokenizer sentencePiece;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    bundled = HuggingFaceTokenizer.load(BundledModel.path());
    Path sp = Path.of(TokenizerPropertyTest.class.getResource("/tokenizers/sentencepiece-bytefallback.json").toURI());
    sentencePiece = HuggingFaceTokenizer.load(sp, 2);
  }

  @AfterAll
  static void close() {
    bundled.close();
    sentencePiece.close();
  }

  static Stream<Arguments> tokenizers() {
    return Stream.of(
        Arguments.of("bundled sieve-tiny", bundled, 400),
        Arguments.of("sentencepiece byte fallback", sentencePiece, 300),
        Arguments.of("r50k", TiktokenTokenizer.named("r50k"), 150),
        Arguments.of("p50k", TiktokenTokenizer.named("p50k"), 150),
        Arguments.of("cl100k", TiktokenTokenizer.named("cl100k"), 150),
        Arguments.of("o200k", TiktokenTokenizer.named("o200k"), 150));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenizers")
  void bytesOfTheTokensAreTheTextAndDecodeInvertsEncode(String name, Tokenizer tok, int cases) {
    Random r = new Random(20261202L ^ name.hashCode());
    Vocabulary v = tok.vocabulary();
    for (int c = 0; c < cases; c++) {
      String text = RandomText.next(r, 12);
      int[] ids = tok.encode(text);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int id : ids) {
        assertTrue(v.exists(id), name + ": id " + id + " has no bytes");
        assertFalse(v.isSpecial(id), name + ": plain text gave special id " + id + " for " + escape(text));
        bytes.writeBytes(v.tokenBytes(id));
      }
      assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes.toByteArray(), name + ": bytes of " + escape(text));
      assertEquals(text, tok.decode(ids), name);
      StreamingDetokenizer stream = new StreamingDetokenizer(v);
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        String delta = stream.push(id);
        assertFalse(delta.contains("\uFFFD"), name + ": a delta split a character in " + escape(text));
        sb.append(delta);
      }
      sb.append(stream.flush());
      assertEquals(text, sb.toString(), name + ": streamed");
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7F) sb.appendCodePoint(cp);
      else sb.append(String.format("\\u{%X}", cp));
    });
    return sb.append('"').toString();
  }
}
