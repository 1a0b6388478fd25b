package dev.sieve.decoding.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.DecodingChainFactory;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model in the plain export layout (no position_ids, no attention_bias; its graph masks causally from
 * attention_mask): a one-layer random-weight model made by make_tiny_plain.py, with numpy reference logits.
 */
class PlainLayoutModelTest {
  private static Path dir;
  private static OnnxLanguageModel model;
  private static JsonNode reference;

  @BeforeAll
  static void load() throws URISyntaxException, IOException {
    dir = Path.of(PlainLayoutModelTest.class.getResource("/models/tiny-plain/model.onnx").toURI()).getParent();
    model = OnnxLanguageModel.load(dir);
    reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static int[] row(int i) {
    JsonNode r = reference.path("rows").get(i);
    int[] a = new int[r.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = r.get(k).asInt();
    }
    return a;
  }

  private static float[] expected(int i) {
    JsonNode r = reference.path("last_logits").get(i);
    float[] a = new float[r.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = (float) r.get(k).asDouble();
    }
    return a;
  }

  @Test
  void detectsThePlainLayout() {
    ModelCapabilities c = model.capabilities();
    assertFalse(c.hasPositionIds());
    assertFalse(c.hasAttentionBias());
    assertFalse(c.supportsCustomAttention());
    assertEquals(1, c.layers());
    assertEquals(364, c.vocabSize());
    assertTrue(c.describe().contains("attention_bias no"), c.describe());
  }

  @Test
  void aPaddedBatchMatchesTheNumpyReference() {
    int n = reference.path("rows").size();
    int[][] rows = new int[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = row(i);
    }
    try (KvCache cache = model.newCache(n)) {
      Logits l = model.forward(cache, ForwardInput.batch(rows, 0));
      for (int i = 0; i < n; i++) {
        OnnxLanguageModelTest.assertClose(expected(i), l.last(i), 1e-4);
      }
    }
  }

  @Test
  void tokenByTokenThroughTheCacheMatchesTheReference() {
    int[] r = row(0);
    try (KvCache cache = model.newCache(1)) {
      float[] last = null;
      for (int t : r) {
        last = model.forward(cache, ForwardInput.of(t)).last(0);
      }
      OnnxLanguageModelTest.assertClose(expected(0), last, 1e-4);
    }
  }

  @Test
  void customAttentionOrPositionsFailClearly() {
    try (KvCache cache = model.newCache(1)) {
      ModelException bias = assertThrows(ModelException.class,
          () -> model.forward(cache, ForwardInput.of(5, 6).withAttentionBias(new float[4])));
      assertTrue(bias.getMessage().contains("attention_bias"), bias.getMessage());
      ModelException pos = assertThrows(ModelException.class,
          () -> model.forward(cache, ForwardInput.of(5, 6).withPositions(new long[] {0, 0})));
      assertTrue(pos.getMessage().contains("position_ids"), pos.getMessage());
    }
  }

  @Test
  void generatesAndRefusesChatWithoutATemplate() {
    Generator g = new Generator(model, DecodingChainFactory.greedy());
    GenerationResult r = g.generate(GenerationRequest.tokens(row(0)));
    assertTrue(r.tokens().length > 0 && r.tokens().length <= 8);
    int[] again = g.generate(GenerationRequest.tokens(row(0))).tokens();
    assertArrayEquals(r.tokens(), again);
    ModelException e = assertThrows(ModelException.class,
        () -> g.generate(GenerationRequest.chat(List.of(ChatMessage.user("hi")))));
    assertTrue(e.getMessage().contains("chat template"), e.getMessage());
  }
}
