package dev.sieve.decoding.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.sampling.GreedySampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxLanguageModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OnnxLanguageModel model = TestModels.bundled();

  private static int[] ints(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  @Test
  void detectsTheBundledLayout() {
    ModelCapabilities c = model.capabilities();
    assertTrue(c.hasPositionIds());
    assertTrue(c.hasAttentionBias());
    JsonNode config = bundledConfig();
    int layers = config.get("num_hidden_layers").asInt();
    assertEquals(layers, c.layers());
    assertEquals(config.get("num_key_value_heads").asInt(), c.kvHeads());
    assertEquals(config.get("head_dim").asInt(), c.headDim());
    assertEquals(config.get("vocab_size").asInt(), c.vocabSize());
    assertEquals(config.get("max_position_embeddings").asInt(), c.maxPositions());
    assertTrue(c.inputNames().contains("past_key_values." + (layers - 1) + ".value"));
    assertFalse(c.inputNames().contains("past_key_values." + layers + ".value"));
    assertTrue(c.outputNames().contains("present.0.key"));
  }

  private static JsonNode bundledConfig() {
    try {
      return JSON.readTree(TestModels.bundledDir().resolve("config.json").toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The fixture's top-5 logits at every greedy step, and its greedy continuation, token for token. */
  @Test
  void matchesTheParityFixture() throws IOException {
    JsonNode fixture = JSON.readTree(TestModels.bundledDir().resolve("parity.json").toFile());
    double tol = fixture.path("tolerance").asDouble(1e-4);
    assertTrue(fixture.path("cases").size() > 0);
    for (JsonNode c : fixture.path("cases")) {
      int[] prompt = ints(c.path("input_ids"));
      JsonNode ref = c.path("torch");
      int[] expected = ints(ref.path("greedy_ids"));
      try (KvCache cache = model.newCache(1)) {
        float[] logits = model.forward(cache, ForwardInput.of(prompt)).last(0);
        for (int step = 0; step < expected.length; step++) {
          JsonNode s = ref.path("steps").get(step);
          int[] ids = ints(s.path("top5_ids"));
          for (int k = 0; k < ids.length; k++) {
            double want = s.path("top5_logits").get(k).asDouble();
            assertEquals(want, logits[ids[k]], tol, c.path("name").asText() + " step " + step + " id " + ids[k]);
          }
          int token = GreedySampler.INSTANCE.sample(logits);
          assertEquals(expected[step], token, c.path("name").asText() + " greedy step " + step);
          logits = model.forward(cache, ForwardInput.of(token)).last(0);
        }
        assertEquals(prompt.length + expected.length, cache.length());
      }
    }
  }

  @Test
  void allLogitsAgreeWithStepByStep() {
    int[] prompt = model.tokenizer().encode("The quick brown fox jumps over");
    float[][] stepwise = new float[prompt.length][];
    try (KvCache cache = model.newCache(1)) {
      for (int i = 0; i < prompt.length; i++) {
        stepwise[i] = model.forward(cache, ForwardInput.of(prompt[i])).last(0);
      }
    }
    try (KvCache cache = model.newCache(1)) {
      Logits all = model.forward(cache, ForwardInput.of(prompt).allLogits());
      assertEquals(prompt.length, all.positions());
      for (int i = 0; i < prompt.length; i++) {
        assertClose(stepwise[i], all.row(0, i), 1e-4);
      }
    }
  }

  @Test
  void aLeftPaddedBatchGivesEachSequencesOwnLogits() {
    String[] texts = {"Hello", "A wise man once said that", "SELECT name FROM t WHERE"};
    int[][] rows = new int[texts.length][];
    for (int i = 0; i < texts.length; i++) {
      rows[i] = model.tokenizer().encode(texts[i]);
    }
    List<float[][]> alone = new ArrayList<>();
    for (int[] r : rows) {
      try (KvCache cache = model.newCache(1)) {
        float[] first = model.forward(cache, ForwardInput.of(r)).last(0);
        int next = GreedySampler.INSTANCE.sample(first);
        float[] second = model.forward(cache, ForwardInput.of(next)).last(0);
        alone.add(new float[][] {first, second});
      }
    }
    try (KvCache cache = model.newCache(rows.length)) {
      Logits first = model.forward(cache, ForwardInput.batch(rows, 0));
      int[] next = new int[rows.length];
      for (int b = 0; b < rows.length; b++) {
        assertClose(alone.get(b)[0], first.last(b), 1e-4);
        next[b] = GreedySampler.INSTANCE.sample(first.last(b));
      }
      Logits second = model.forward(cache, ForwardInput.flat(rows.length, 1, next));
      for (int b = 0; b < rows.length; b++) {
        assertClose(alone.get(b)[1], second.last(b), 1e-4);
      }
    }
  }

  @Test
  void explicitCausalPositionsAndBiasEqualTheDefaults() {
    int[] prompt = model.tokenizer().encode("Once upon a time there was");
    int n = prompt.length;
    float[] expected;
    try (KvCache cache = model.newCache(1)) {
      expected = model.forward(cache, ForwardInput.of(prompt)).last(0);
    }
    long[] pos = new long[n];
    float[] bias = new float[n * n];
    for (int i = 0; i < n; i++) {
      pos[i] = i;
      for (int j = 0; j < n; j++) {
        bias[i * n + j] = j <= i ? 0f : -1e9f;
      }
    }
    try (KvCache cache = model.newCache(1)) {
      float[] got = model.forward(cache, ForwardInput.of(prompt).withPositions(pos).withAttentionBias(bias)).last(0);
      assertClose(expected, got, 1e-4);
      assertEquals(n, cache.nextPosition(0));
    }
  }

  /** Two segments given the same positions and blocked from each other read as if each came alone. */
  @Test
  void aTreeShapedBiasScoresTwoBranchesAsIfEachWereAlone() {
    int[] prefix = model.tokenizer().encode("The colour of the sky is");
    int a = model.tokenizer().encode(" blue")[0];
    int b = model.tokenizer().encode(" green")[0];
    float[] aloneA;
    float[] aloneB;
    try (KvCache cache = model.newCache(1)) {
      model.forward(cache, ForwardInput.of(prefix));
      try (KvCache fork = cache.fork()) {
        aloneA = model.forward(cache, ForwardInput.of(a)).last(0);
        aloneB = model.forward(fork, ForwardInput.of(b)).last(0);
      }
    }
    try (KvCache cache = model.newCache(1)) {
      model.forward(cache, ForwardInput.of(prefix));
      int past = cache.length();
      int total = past + 2;
      float[] bias = new float[2 * total];
      for (int q = 0; q < 2; q++) {
        for (int j = 0; j < total; j++) {
          bias[q * total + j] = (j < past || j == past + q) ? 0f : -1e9f;
        }
      }
      Logits both = model.forward(cache,
          ForwardInput.of(a, b).withPositions(new long[] {past, past}).withAttentionBias(bias).allLogits());
      assertClose(aloneA, both.row(0, 0), 1e-4);
      assertClose(aloneB, both.row(0, 1), 1e-4);
      // keep the prefix and branch b: the cache now continues as if only b had been fed
      int[] keep = new int[past + 1];
      for (int i = 0; i < past; i++) {
        keep[i] = i;
      }
      keep[past] = past + 1;
      cache.keep(keep);
      assertEquals(past + 1, cache.length());
      assertEquals(past + 1, cache.nextPosition(0));
      int c = GreedySampler.INSTANCE.sample(aloneB);
      float[] afterKeep = model.forward(cache, ForwardInput.of(c)).last(0);
      try (KvCache ref = model.newCache(1)) {
        model.forward(ref, ForwardInput.of(prefix));
        model.forward(ref, ForwardInput.of(b));
        assertClose(model.forward(ref, ForwardInput.of(c)).last(0), afterKeep, 1e-4);
      }
    }
  }

  @Test
  void forkIsIndependentAndTruncateRollsBack() {
    int[] prompt = model.tokenizer().encode("Rain falls on the");
    try (KvCache cache = model.newCache(1)) {
      model.forward(cache, ForwardInput.of(prompt));
      float[] afterX;
      int x = 100;
      int y = 200;
      try (KvCache fork = cache.fork()) {
        afterX = model.forward(fork, ForwardInput.of(x)).last(0);
        assertEquals(prompt.length + 1, fork.length());
        assertEquals(prompt.length, cache.length());
      }
      float[] afterY = model.forward(cache, ForwardInput.of(y)).last(0);
      assertFalse(java.util.Arrays.equals(afterX, afterY));
      cache.truncate(prompt.length);
      assertEquals(prompt.length, cache.nextPosition(0));
      assertClose(afterX, model.forward(cache, ForwardInput.of(x)).last(0), 1e-4);
    }
  }

  @Test
  void inputsThatDoNotFitFailClearly() {
    try (KvCache cache = model.newCache(2)) {
      ModelException e = assertThrows(ModelException.class, () -> model.forward(cache, ForwardInput.of(1, 2)));
      assertTrue(e.getMessage().contains("2"), e.getMessage());
    }
    try (KvCache cache = model.newCache(1)) {
      ModelException e = assertThrows(ModelException.class, () -> model.forward(cache, ForwardInput.of(9000)));
      assertTrue(e.getMessage().contains("9000"), e.getMessage());
      ModelException bias = assertThrows(ModelException.class,
          () -> model.forward(cache, ForwardInput.of(1, 2).withAttentionBias(new float[6])));
      assertTrue(bias.getMessage().contains("attention bias"), bias.getMessage());
      assertEquals(0, cache.length(), "a failed forward leaves the cache as it was");
    }
    KvCache closed = model.newCache(1);
    closed.close();
    assertThrows(IllegalStateException.class, () -> model.forward(closed, ForwardInput.of(1)));
  }

  @Test
  void aModelWhoseGraphDoesNotMatchItsConfigGetsOneErrorListingExpectedAndFound(@TempDir Path dir) throws IOException {
    Path src = TestModels.bundledDir();
    for (String f : new String[] {"model.onnx", "tokenizer.json", "generation_config.json", "tokenizer_config.json"}) {
      Files.createSymbolicLink(dir.resolve(f), src.resolve(f).toAbsolutePath());
    }
    ObjectNode config = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
    config.put("num_hidden_layers", 7);
    config.put("num_key_value_heads", 4);
    JSON.writeValue(dir.resolve("config.json").toFile(), config);
    ModelException e = assertThrows(ModelException.class, () -> OnnxLanguageModel.load(dir));
    String m = e.getMessage();
    assertTrue(m.contains("missing input past_key_values.6.key"), m);
    assertTrue(m.contains("missing output present.6.value"), m);
    assertTrue(m.contains("4"), m);
    assertTrue(m.contains("expected inputs:") && m.contains("found inputs:"), m);
  }

  @Test
  void aDirectoryWithoutTheModelFilesFailsClearly(@TempDir Path dir) {
    ModelException e = assertThrows(ModelException.class, () -> OnnxLanguageModel.load(dir));
    assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    assertThrows(ModelException.class, () -> OnnxLanguageModel.load(dir.resolve("absent")));
  }

  static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    assertTrue(worst <= tol, "max |diff| " + worst + " at id " + at);
  }
}
