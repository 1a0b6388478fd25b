package dev.sieve.decoding.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A causal language model exported to ONNX, run by ONNX Runtime on the CPU.
 *
 * <p>A model directory holds {@code model.onnx} (with its external data file, if any, beside it),
 * {@code config.json}, {@code tokenizer.json}, and optionally {@code generation_config.json} and
 * {@code tokenizer_config.json} (chat template). The layout is detected from the graph's names:
 *
 * <ul>
 *   <li>inputs {@code input_ids} [b, s], {@code attention_mask} [b, past+s], optional {@code position_ids}
 *       [b, s], optional {@code attention_bias} [b, 1, s, past+s] (additive), and
 *       {@code past_key_values.{i}.key|value} [b, kv_heads, past, head_dim] for every layer;
 *   <li>outputs {@code logits} [b, s, vocab] and {@code present.{i}.key|value}.
 * </ul>
 *
 * A graph that does not fit gets one {@link ModelException} listing what was expected and what was found.
 * Where the graph takes {@code attention_bias} the runtime always supplies the whole pattern (causal plus
 * padding, or the caller's own), since such a model applies no causal mask itself.
 *
 * <p>One instance (one ONNX Runtime session) is shared by any number of threads; each generation uses its
 * own {@link KvCache}. Intra-op threads default to the available processors (at most 4); the system
 * property {@code sieve.threads} overrides it.
 *
 * <pre>{@code
 * try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
 *   Generator generator = new Generator(model);
 *   GenerationResult r = generator.generate(GenerationRequest.text("Once upon a time"));
 * }
 * }</pre>
 */
public final class OnnxLanguageModel implements LanguageModel {
  static final float BLOCKED = -1e9f;
  /** Longest query whose logits memory a cache keeps between forwards (decode steps and draft trees). */
  static final int PINNED_MAX_QUERY = 128;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelCapabilities caps;
  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Object> config;
  private final Map<String, Object> generationConfig;
  private final String chatTemplate;
  private final Path directory;
  private final String[] pastKeyNames;
  private final String[] pastValueNames;
  private final String[] presentKeyNames;
  private final String[] presentValueNames;
  private final boolean hasAttentionMask;
  private final java.util.Set<String> presentNames;

  private OnnxLanguageModel(Path dir, OrtEnvironment env, OrtSession session, ModelCapabilities caps,
      HuggingFaceTokenizer tokenizer, Map<String, Object> config, Map<String, Object> generationConfig,
      String chatTemplate, boolean hasAttentionMask) {
    this.directory = dir;
    this.env = env;
    this.session = session;
    this.caps = caps;
    this.tokenizer = tokenizer;
    this.config = config;
    this.generationConfig = generationConfig;
    this.chatTemplate = chatTemplate;
    this.hasAttentionMask = hasAttentionMask;
    int n = caps.layers();
    pastKeyNames = new String[n];
    pastValueNames = new String[n];
    presentKeyNames = new String[n];
    presentValueNames = new String[n];
    for (int i = 0; i < n; i++) {
      pastKeyNames[i] = "past_key_values." + i + ".key";
      pastValueNames[i] = "past_key_values." + i + ".value";
      presentKeyNames[i] = "present." + i + ".key";
      presentValueNames[i] = "present." + i + ".value";
    }
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    names.addAll(List.of(presentKeyNames));
    names.addAll(List.of(presentValueNames));
    presentNames = java.util.Collections.unmodifiableSet(names);
  }

  /** Loads a model directory; every problem (missing file, unfitting graph) is one {@link ModelException}. */
  public static OnnxLanguageModel load(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ModelException("model directory not found: " + dir);
    }
    Path onnx = dir.resolve("model.onnx");
    for (Path required : new Path[] {onnx, dir.resolve("config.json"), dir.resolve("tokenizer.json")}) {
      if (!Files.isRegularFile(required)) {
        throw new ModelException("model directory " + dir + " has no " + required.getFileName()
            + " (a model needs model.onnx, config.json and tokenizer.json)");
      }
    }
    Map<String, Object> config = readJson(dir.resolve("config.json"));
    Map<String, Object> genConfig = readJson(dir.resolve("generation_config.json"));
    Map<String, Object> tokConfig = readJson(dir.resolve("tokenizer_config.json"));
    String template = tokConfig.get("chat_template") instanceof String s ? s : null;

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    HuggingFaceTokenizer tokenizer = null;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads());
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(onnx.toString(), opts);
      LayoutCheck check = checkLayout(session, config, dir);
      tokenizer = HuggingFaceTokenizer.load(dir);
      ModelCapabilities caps = check.caps;
      if (tokenizer.vocabulary().size() > caps.vocabSize()) {
        throw new ModelException("tokenizer.json has " + tokenizer.vocabulary().size()
            + " ids but the model's logits have only " + caps.vocabSize());
      }
      return new OnnxLanguageModel(dir, env, session, caps, tokenizer, config, genConfig, template, check.hasAttentionMask);
    } catch (OrtException e) {
      closeQuietly(session, tokenizer);
      throw new ModelException("ONNX Runtime could not load " + onnx + ": " + e.getMessage(), e);
    } catch (IOException e) {
      closeQuietly(session, tokenizer);
      throw new ModelException("could not read the tokenizer of " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(session, tokenizer);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession s, HuggingFaceTokenizer t) {
    try {
      if (s != null) {
        s.close();
      }
    } catch (OrtException ignored) {
      // already failing; the first error is the one to report
    }
    if (t != null) {
      t.close();
    }
  }

  private static int threads() {
    String p = System.getProperty("sieve.threads");
    if (p != null) {
      try {
        return Math.max(1, Integer.parseInt(p.trim()));
      } catch (NumberFormatException e) {
        throw new ModelException("system property sieve.threads must be a number, got '" + p + "'");
      }
    }
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  private static Map<String, Object> readJson(Path p) {
    if (!Files.isRegularFile(p)) {
      return Map.of();
    }
    try {
      return JSON.readValue(p.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new ModelException("could not read " + p + ": " + e.getMessage(), e);
    }
  }

  private record LayoutCheck(ModelCapabilities caps, boolean hasAttentionMask) {}

  private static int intOf(Map<String, Object> config, String... keys) {
    for (String k : keys) {
      if (config.get(k) instanceof Number n) {
        return n.intValue();
      }
    }
    return -1;
  }

  /** Compares the graph with the layout this runtime drives; all mismatches go into one message. */
  private static LayoutCheck checkLayout(OrtSession session, Map<String, Object> config, Path dir) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    List<String> problems = new ArrayList<>();

    int layers = intOf(config, "num_hidden_layers", "n_layer", "num_layers");
    if (layers < 0) { // count the graph's past inputs instead
      layers = 0;
      while (inputs.containsKey("past_key_values." + layers + ".key")) {
        layers++;
      }
    }
    int heads = intOf(config, "num_attention_heads", "n_head");
    int kvHeads = intOf(config, "num_key_value_heads");
    if (kvHeads < 0) {
      kvHeads = heads;
    }
    int hidden = intOf(config, "hidden_size", "n_embd", "d_model");
    int headDim = intOf(config, "head_dim");
    if (headDim < 0 && hidden > 0 && heads > 0) {
      headDim = hidden / heads;
    }
    int vocab = intOf(config, "vocab_size");
    int maxPos = Math.max(0, intOf(config, "max_position_embeddings", "n_positions", "n_ctx"));
    String modelType = config.get("model_type") instanceof String s ? s : "";

    List<String> expectedIn = new ArrayList<>(List.of("input_ids", "attention_mask", "[position_ids]", "[attention_bias]"));
    List<String> expectedOut = new ArrayList<>(List.of("logits"));
    for (int i = 0; i < Math.max(layers, 0); i++) {
      expectedIn.add("past_key_values." + i + ".key");
      expectedIn.add("past_key_values." + i + ".value");
      expectedOut.add("present." + i + ".key");
      expectedOut.add("present." + i + ".value");
    }
    if (layers <= 0) {
      problems.add("the number of layers is unknown (config.json has no num_hidden_layers and the graph no past_key_values.0.key)");
    }
    if (kvHeads <= 0 || headDim <= 0) {
      problems.add("config.json does not give the key/value heads and head size (num_key_value_heads or num_attention_heads, head_dim or hidden_size)");
    }
    for (String name : expectedIn) {
      boolean optional = name.startsWith("[");
      String n = optional ? name.substring(1, name.length() - 1) : name;
      if (!optional && !inputs.containsKey(n)) {
        problems.add("missing input " + n);
      }
    }
    for (String name : inputs.keySet()) {
      if (!expectedIn.contains(name) && !expectedIn.contains("[" + name + "]")) {
        problems.add("unexpected input " + name);
      }
    }
    for (String name : expectedOut) {
      if (!outputs.containsKey(name)) {
        problems.add("missing output " + name);
      }
    }
    // KV shapes and types where the graph states them.
    for (int i = 0; i < Math.max(layers, 0); i++) {
      for (String kind : new String[] {"key", "value"}) {
        NodeInfo info = inputs.get("past_key_values." + i + "." + kind);
        if (info != null && info.getInfo() instanceof TensorInfo t) {
          if (t.type != OnnxJavaType.FLOAT) {
            problems.add("past_key_values." + i + "." + kind + " is " + t.type + ", only float32 caches are supported");
          }
          long[] shape = t.getShape();
          if (shape.length != 4) {
            problems.add("past_key_values." + i + "." + kind + " has rank " + shape.length + ", expected 4 [batch, kv_heads, past, head_dim]");
          } else {
            if (shape[1] > 0 && kvHeads > 0 && shape[1] != kvHeads) {
              problems.add("past_key_values." + i + "." + kind + " has " + shape[1] + " heads, config.json says " + kvHeads);
            }
            if (shape[3] > 0 && headDim > 0 && shape[3] != headDim) {
              problems.add("past_key_values." + i + "." + kind + " has head size " + shape[3] + ", config.json says " + headDim);
            }
          }
        }
      }
    }
    NodeInfo logits = outputs.get("logits");
    if (logits != null && logits.getInfo() instanceof TensorInfo t) {
      long[] shape = t.getShape();
      if (t.type != OnnxJavaType.FLOAT) {
        problems.add("logits are " + t.type + ", expected float32");
      }
      if (shape.length == 3 && shape[2] > 0) {
        if (vocab > 0 && shape[2] != vocab) {
          problems.add("logits have " + shape[2] + " entries, config.json vocab_size says " + vocab);
        }
        vocab = (int) shape[2];
      }
    }
    if (vocab <= 0) {
      problems.add("the vocabulary size is unknown (config.json has no vocab_size and the logits' last dimension is dynamic)");
    }
    if (!problems.isEmpty()) {
      throw new ModelException("the model in " + dir + " does not fit the decoder layout:\n  - "
          + String.join("\n  - ", problems)
          + "\nexpected inputs: " + expectedIn + "\nfound inputs: " + inputs.keySet()
          + "\nexpected outputs: " + expectedOut + "\nfound outputs: " + outputs.keySet());
    }
    ModelCapabilities caps = new ModelCapabilities(new ArrayList<>(inputs.keySet()), new ArrayList<>(outputs.keySet()),
        inputs.containsKey("position_ids"), inputs.containsKey("attention_bias"), layers, kvHeads, headDim, vocab, maxPos,
        modelType);
    return new LayoutCheck(caps, inputs.containsKey("attention_mask"));
  }

  @Override
  public ModelCapabilities capabilities() {
    return caps;
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public Map<String, Object> config() {
    return config;
  }

  @Override
  public Map<String, Object> generationConfig() {
    return generationConfig;
  }

  @Override
  public Optional<String> chatTemplate() {
    return Optional.ofNullable(chatTemplate);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  @Override
  public KvCache newCache(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    return new OnnxKvCache(env, batchSize, caps.layers(), caps.kvHeads(), caps.headDim());
  }

  @Override
  public Logits forward(KvCache kvCache, ForwardInput in) {
    if (!(kvCache instanceof OnnxKvCache cache)) {
      throw new ModelException("this KV cache was not made by an ONNX model: " + kvCache.getClass().getName());
    }
    cache.checkOpen();
    int b = in.batch();
    int s = in.length();
    int past = cache.length();
    int total = past + s;
    if (b != cache.batchSize()) {
      throw new ModelException("the input has " + b + " rows but the KV cache holds " + cache.batchSize());
    }
    if (in.hasAttentionBias() && !caps.hasAttentionBias()) {
      throw new ModelException("this model has no attention_bias input, so it cannot take a custom attention pattern "
          + "(tree verification, set-based prompts); export it with attention_bias [batch, 1, query, past+query]");
    }
    if (in.hasPositions() && !caps.hasPositionIds()) {
      throw new ModelException("this model has no position_ids input, so it cannot take explicit positions");
    }
    if (in.hasAttentionBias() && in.attentionBias().length != b * s * total) {
      throw new ModelException("attention bias has " + in.attentionBias().length + " values, expected [" + b + ", 1, "
          + s + ", " + total + "] = " + (b * s * total) + " for a cache of " + past);
    }
    if (caps.maxPositions() > 0 && total > caps.maxPositions()) {
      throw new ModelException("the sequence would be " + total + " tokens long, the model takes at most " + caps.maxPositions());
    }
    int vocabLimit = caps.vocabSize();
    long[] ids = new long[b * s];
    long[][] newMask = new long[b][s];
    long[][] newPos = new long[b][s];
    for (int r = 0; r < b; r++) {
      long next = cache.nextPosition(r);
      for (int i = 0; i < s; i++) {
        int tok = in.token(r, i);
        if (tok < 0 || tok >= vocabLimit) {
          throw new ModelException("token id " + tok + " is outside the model's vocabulary of " + vocabLimit);
        }
        ids[r * s + i] = tok;
        boolean real = in.isReal(r, i);
        newMask[r][i] = real ? 1 : 0;
        if (in.hasPositions()) {
          newPos[r][i] = in.position(r, i);
          if (newPos[r][i] < 0 || (caps.maxPositions() > 0 && newPos[r][i] >= caps.maxPositions())) {
            throw new ModelException("position id " + newPos[r][i] + " is outside [0, " + caps.maxPositions() + ")");
          }
        } else {
          newPos[r][i] = real ? next++ : 0;
        }
      }
    }

    Map<String, OnnxTensor> feed = new HashMap<>();
    List<OnnxTensor> created = new ArrayList<>();
    OnnxTensor[] presentK = new OnnxTensor[caps.layers()];
    OnnxTensor[] presentV = new OnnxTensor[caps.layers()];
    boolean advanced = false;
    OrtSession.Result result = null;
    try {
      created.add(put(feed, "input_ids", OnnxTensor.createTensor(env, cache.longInput(0, ids), new long[] {b, s})));
      if (hasAttentionMask) {
        long[] mask = new long[b * total];
        for (int r = 0; r < b; r++) {
          for (int j = 0; j < past; j++) {
            mask[r * total + j] = cache.mask(r, j);
          }
          System.arraycopy(newMask[r], 0, mask, r * total + past, s);
        }
        created.add(put(feed, "attention_mask", OnnxTensor.createTensor(env, cache.longInput(1, mask), new long[] {b, total})));
      }
      if (caps.hasPositionIds()) {
        long[] pos = new long[b * s];
        for (int r = 0; r < b; r++) {
          System.arraycopy(newPos[r], 0, pos, r * s, s);
        }
        created.add(put(feed, "position_ids", OnnxTensor.createTensor(env, cache.longInput(2, pos), new long[] {b, s})));
      }
      if (caps.hasAttentionBias()) {
        float[] bias = in.hasAttentionBias() ? in.attentionBias() : causalBias(cache, b, s, past, newMask);
        created.add(put(feed, "attention_bias", OnnxTensor.createTensor(env, cache.floatInput(bias), new long[] {b, 1, s, total})));
      }
      for (int l = 0; l < caps.layers(); l++) {
        feed.put(pastKeyNames[l], cache.key(l));
        feed.put(pastValueNames[l], cache.value(l));
      }
      int rows = in.logitsMode() == ForwardInput.LogitsMode.ALL ? s : 1;
      OnnxTensor logitsOut = pinnedLogits(cache, b, s, created);
      result = session.run(feed, presentNames, Map.of("logits", logitsOut));
      for (int l = 0; l < caps.layers(); l++) {
        presentK[l] = (OnnxTensor) result.get(presentKeyNames[l]).orElseThrow();
        presentV[l] = (OnnxTensor) result.get(presentValueNames[l]).orElseThrow();
      }
      float[] out = new float[b * rows * vocabLimit];
      FloatBuffer buf = cache.logitsRead;
      for (int r = 0; r < b; r++) {
        int from = (r * s + (s - rows)) * vocabLimit;
        buf.get(from, out, r * rows * vocabLimit, rows * vocabLimit);
      }
      cache.advance(presentK, presentV, s, newMask, newPos);
      advanced = true;
      return new Logits(b, rows, vocabLimit, out);
    } catch (OrtException e) {
      throw new ModelException("the forward pass failed: " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : created) {
        t.close();
      }
      if (!advanced && result != null) {
        for (Map.Entry<String, OnnxValue> e : result) {
          if (!"logits".equals(e.getKey())) {
            e.getValue().close();
          }
        }
      }
    }
  }

  private static OnnxTensor put(Map<String, OnnxTensor> feed, String name, OnnxTensor t) {
    feed.put(name, t);
    return t;
  }

  /** A direct output buffer ONNX Runtime writes the logits into; kept by the cache, one tensor per query length. */
  private OnnxTensor pinnedLogits(OnnxKvCache cache, int b, int s, List<OnnxTensor> created) throws OrtException {
    int needed = b * s * caps.vocabSize();
    if (s > PINNED_MAX_QUERY) {
      // a long prefill: memory of its own, released with the forward rather than kept by the cache
      FloatBuffer own = ByteBuffer.allocateDirect(needed * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
      OnnxTensor t = OnnxTensor.createTensor(env, own, new long[] {b, s, caps.vocabSize()});
      created.add(t);
      cache.logitsRead = own;
      return t;
    }
    OnnxTensor t = cache.logitsScratch.get(s);
    if (t != null) {
      cache.logitsRead = cache.logitsScratchBuffer;
      return t;
    }
    if (cache.logitsScratchBuffer == null || cache.logitsScratchBuffer.capacity() < needed) {
      // the tensors over the old memory go with it; the new one leaves room for growth
      cache.closeLogitsScratch();
      int capacity = Math.max(needed, cache.logitsScratchBuffer == null ? 0 : cache.logitsScratchBuffer.capacity() * 2);
      cache.logitsScratchBuffer = ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    t = OnnxTensor.createTensor(env, cache.logitsScratchBuffer.slice(0, needed), new long[] {b, s, caps.vocabSize()});
    cache.logitsScratch.put(s, t);
    cache.logitsRead = cache.logitsScratchBuffer;
    return t;
  }

  /**
   * The default pattern: query i of row r (slot past+i) attends slot j when j &lt;= past+i and slot j is a
   * real token; a query always attends itself, so a pad's row is never fully blocked.
   */
  static float[] causalBias(OnnxKvCache cache, int b, int s, int past, long[][] newMask) {
    int total = past + s;
    float[] bias = new float[b * s * total];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < s; i++) {
        int base = (r * s + i) * total;
        int self = past + i;
        for (int j = 0; j < total; j++) {
          boolean real = j < past ? cache.mask(r, j) != 0 : newMask[r][j - past] != 0;
          bias[base + j] = (j == self || (j < self && real)) ? 0f : BLOCKED;
        }
      }
    }
    return bias;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException("could not close the ONNX session: " + e.getMessage(), e);
    } finally {
      tokenizer.close();
    }
  }

  @Override
  public String toString() {
    return "OnnxLanguageModel[" + directory + ", " + caps.describe() + "]";
  }
}
