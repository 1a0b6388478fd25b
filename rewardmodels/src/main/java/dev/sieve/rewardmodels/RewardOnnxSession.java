package dev.sieve.rewardmodels;

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
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded reward model: its ONNX Runtime session, the decoder layout checked against the graph, its
 * config.json and vocabulary. Shared by every scorer of the model (ONNX Runtime sessions are
 * thread-safe).
 *
 * <p>The layout is the base decoder's, with a reward output instead of logits: inputs {@code input_ids}
 * [1, s], {@code attention_mask} [1, past+s], {@code position_ids} [1, s], {@code attention_bias}
 * [1, 1, s, past+s] and {@code past_key_values.{i}.key|value}; outputs {@code present.{i}.key|value} and
 * {@code rewards} [1, s, vocab] (ARM) or {@code reward} [1, s] (RAD).
 *
 * <p>An ARM graph may also take {@code candidate_ids} [c] (int64); its {@code rewards} are then [1, s, c], the
 * reward of appending each candidate. Guidance feeds only the base model's top-k there, so the reward model
 * does not multiply its last hidden state by the whole embedding matrix at every step; feeding every id
 * gives the whole vocabulary's rewards.
 */
final class RewardOnnxSession implements AutoCloseable {
  static final float BLOCKED = -1e9f;
  static final String CANDIDATES = "candidate_ids";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final RewardModel.Kind kind;
  final OrtEnvironment env;
  final OrtSession session;
  final Vocabulary vocabulary;
  final int layers;
  final int kvHeads;
  final int headDim;
  final int vocabSize;
  final int maxPositions;
  final String outputName;
  /** Whether the graph takes {@code candidate_ids} (ARM only): rewards of the given tokens only. */
  final boolean takesCandidates;
  private final String[] pastKeys;
  private final String[] pastValues;
  private final String[] presentKeys;
  private final String[] presentValues;
  private final Set<String> outputs;

  private RewardOnnxSession(Path dir, RewardModel.Kind kind, OrtEnvironment env, OrtSession session, Vocabulary vocabulary,
      int layers, int kvHeads, int headDim, int vocabSize, int maxPositions, boolean takesCandidates) {
    this.dir = dir;
    this.kind = kind;
    this.env = env;
    this.session = session;
    this.vocabulary = vocabulary;
    this.layers = layers;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.vocabSize = vocabSize;
    this.maxPositions = maxPositions;
    this.outputName = outputName(kind);
    this.takesCandidates = takesCandidates;
    pastKeys = new String[layers];
    pastValues = new String[layers];
    presentKeys = new String[layers];
    presentValues = new String[layers];
    Set<String> outs = new LinkedHashSet<>();
    outs.add(outputName);
    for (int i = 0; i < layers; i++) {
      pastKeys[i] = "past_key_values." + i + ".key";
      pastValues[i] = "past_key_values." + i + ".value";
      presentKeys[i] = "present." + i + ".key";
      presentValues[i] = "present." + i + ".value";
      outs.add(presentKeys[i]);
      outs.add(presentValues[i]);
    }
    outputs = Set.copyOf(outs);
  }

  static String outputName(RewardModel.Kind kind) {
    return kind == RewardModel.Kind.ARM ? "rewards" : "reward";
  }

  /** The kind a reward model directory declares in config.json ({@code sieve.reward_kind}). */
  static RewardModel.Kind declaredKind(Path dir) {
    requireDirectory(dir);
    Map<String, Object> config = readJson(dir.resolve("config.json"));
    Object sieve = config.get("sieve");
    Object kind = sieve instanceof Map<?, ?> m ? m.get("reward_kind") : null;
    if (!(kind instanceof String s)) {
      throw new ModelException(dir + " is not a reward model: its config.json has no sieve.reward_kind (\"arm\" or \"rad\")");
    }
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "arm" -> RewardModel.Kind.ARM;
      case "rad" -> RewardModel.Kind.RAD;
      default -> throw new ModelException(dir + "/config.json has sieve.reward_kind \"" + s + "\"; expected \"arm\" or \"rad\"");
    };
  }

  private static void requireDirectory(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ModelException("reward model directory not found: " + dir);
    }
    for (String f : new String[] {"model.onnx", "config.json", "tokenizer.json"}) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new ModelException("reward model directory " + dir + " has no " + f
            + " (a reward model needs model.onnx, config.json and tokenizer.json)");
      }
    }
  }

  /**
   * Loads and checks a reward model directory.
   *
   * @param expected the kind the caller needs
   * @param base the base model's vocabulary, to check against (null: no check)
   */
  static RewardOnnxSession load(Path dir, RewardModel.Kind expected, Vocabulary base) {
    RewardModel.Kind declared = declaredKind(dir);
    if (declared != expected) {
      throw new ModelException(dir + " holds a " + declared.id() + " reward model (config.json sieve.reward_kind), not "
          + expected.id());
    }
    Map<String, Object> config = readJson(dir.resolve("config.json"));
    Vocabulary vocabulary;
    try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.load(dir)) {
      vocabulary = tok.vocabulary();
    } catch (IOException e) {
      throw new ModelException("could not read the tokenizer of the reward model " + dir + ": " + e.getMessage(), e);
    }
    if (base != null) {
      VocabularyCheck.requireSame(base, vocabulary, dir);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads());
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(dir.resolve("model.onnx").toString(), opts);
      int[] dims = checkLayout(session, config, dir, expected);
      if (vocabulary.size() > dims[3]) {
        throw new ModelException("the reward model " + dir + " has " + vocabulary.size() + " token ids in tokenizer.json but "
            + "scores only " + dims[3]);
      }
      return new RewardOnnxSession(dir, expected, env, session, vocabulary, dims[0], dims[1], dims[2], dims[3], dims[4],
          dims[5] == 1);
    } catch (OrtException e) {
      closeQuietly(session);
      throw new ModelException("ONNX Runtime could not load the reward model " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession s) {
    if (s != null) {
      try {
        s.close();
      } catch (OrtException ignored) {
        // the first error is the one reported
      }
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

  static Map<String, Object> readJson(Path p) {
    try {
      return JSON.readValue(p.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new ModelException("could not read " + p + ": " + e.getMessage(), e);
    }
  }

  private static int intOf(Map<String, Object> config, String... keys) {
    for (String k : keys) {
      if (config.get(k) instanceof Number n) {
        return n.intValue();
      }
    }
    return -1;
  }

  /**
   * Checks the graph against the reward layout; returns {layers, kvHeads, headDim, vocab, maxPositions,
   * takesCandidates (1 or 0)}.
   */
  private static int[] checkLayout(OrtSession session, Map<String, Object> config, Path dir, RewardModel.Kind kind)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    List<String> problems = new ArrayList<>();
    int layers = 0;
    while (inputs.containsKey("past_key_values." + layers + ".key")) {
      layers++;
    }
    int heads = intOf(config, "num_attention_heads", "n_head");
    int kvHeads = intOf(config, "num_key_value_heads");
    if (kvHeads < 0) {
      kvHeads = heads;
    }
    int hidden = intOf(config, "hidden_size", "n_embd");
    int headDim = intOf(config, "head_dim");
    if (headDim < 0 && hidden > 0 && heads > 0) {
      headDim = hidden / heads;
    }
    int vocab = intOf(config, "vocab_size");
    int maxPos = Math.max(0, intOf(config, "max_position_embeddings", "n_positions"));
    String out = outputName(kind);
    List<String> expectedIn = new ArrayList<>(List.of("input_ids", "attention_mask", "position_ids", "attention_bias"));
    boolean candidates = kind == RewardModel.Kind.ARM && inputs.containsKey(CANDIDATES);
    if (candidates) {
      expectedIn.add(CANDIDATES);
    }
    List<String> expectedOut = new ArrayList<>(List.of(out));
    for (int i = 0; i < layers; i++) {
      expectedIn.add("past_key_values." + i + ".key");
      expectedIn.add("past_key_values." + i + ".value");
      expectedOut.add("present." + i + ".key");
      expectedOut.add("present." + i + ".value");
    }
    if (layers == 0) {
      problems.add("the graph has no past_key_values.0.key input (a reward model runs with a key/value cache)");
    }
    if (kvHeads <= 0 || headDim <= 0) {
      problems.add("config.json does not give the key/value heads and head size");
    }
    for (String n : expectedIn) {
      if (!inputs.containsKey(n)) {
        problems.add("missing input " + n);
      }
    }
    for (String n : inputs.keySet()) {
      if (!expectedIn.contains(n)) {
        problems.add("unexpected input " + n);
      }
    }
    for (String n : expectedOut) {
      if (!outputs.containsKey(n)) {
        problems.add("missing output " + n);
      }
    }
    NodeInfo info = outputs.get(out);
    if (info != null && info.getInfo() instanceof TensorInfo t) {
      long[] shape = t.getShape();
      if (t.type != OnnxJavaType.FLOAT) {
        problems.add(out + " is " + t.type + ", expected float32");
      }
      int rank = kind == RewardModel.Kind.ARM ? 3 : 2;
      if (shape.length != rank) {
        problems.add(out + " has rank " + shape.length + ", expected " + rank
            + (kind == RewardModel.Kind.ARM ? " [batch, seq, vocab]" : " [batch, seq]"));
      } else if (kind == RewardModel.Kind.ARM && shape[2] > 0 && !candidates) {
        if (vocab > 0 && shape[2] != vocab) {
          problems.add(out + " scores " + shape[2] + " tokens, config.json vocab_size says " + vocab);
        }
        vocab = (int) shape[2];
      }
    }
    if (vocab <= 0) {
      problems.add("the vocabulary size is unknown (config.json has no vocab_size)");
    }
    if (!problems.isEmpty()) {
      throw new ModelException("the " + kind.id() + " reward model in " + dir + " does not fit the reward layout:\n  - "
          + String.join("\n  - ", problems) + "\nexpected inputs: " + expectedIn + "\nfound inputs: " + inputs.keySet()
          + "\nexpected outputs: " + expectedOut + "\nfound outputs: " + outputs.keySet());
    }
    return new int[] {layers, kvHeads, headDim, vocab, maxPos, candidates ? 1 : 0};
  }

  /**
   * One forward over {@code tokens} on top of {@code cache}, which then holds {@code past + tokens.length}
   * slots. Positions are given per token; the additive bias is {@code [1, 1, s, past+s]}.
   *
   * @return the flat reward output's values {@code [from, from + count)}
   */
  float[] forward(RewardCache cache, int[] tokens, long[] positions, float[] bias, int from, int count) {
    return forward(cache, tokens, positions, bias, null, 0, from, count);
  }

  /**
   * As {@link #forward(RewardCache, int[], long[], float[], int, int)}, feeding the first {@code candidateCount}
   * of {@code candidates} as {@code candidate_ids} (a graph that takes them; null otherwise).
   */
  float[] forward(RewardCache cache, int[] tokens, long[] positions, float[] bias, int[] candidates, int candidateCount,
      int from, int count) {
    if ((candidates != null) != takesCandidates) {
      throw new IllegalStateException(takesCandidates ? "this reward model needs candidate ids" : "this reward model takes no candidate ids");
    }
    int s = tokens.length;
    int past = cache.length();
    int total = past + s;
    if (maxPositions > 0 && total > maxPositions) {
      throw new ModelException("the reward model takes at most " + maxPositions + " tokens, the sequence would have " + total);
    }
    long[] ids = new long[s];
    for (int i = 0; i < s; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabSize) {
        throw new ModelException("token id " + tokens[i] + " is outside the reward model's vocabulary of " + vocabSize);
      }
      ids[i] = tokens[i];
    }
    long[] mask = new long[total];
    java.util.Arrays.fill(mask, 1L);
    Map<String, OnnxTensor> feed = new HashMap<>();
    List<OnnxTensor> created = new ArrayList<>();
    OrtSession.Result result = null;
    boolean advanced = false;
    try {
      created.add(put(feed, "input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, s})));
      created.add(put(feed, "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total})));
      created.add(put(feed, "position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, s})));
      created.add(put(feed, "attention_bias", OnnxTensor.createTensor(env, FloatBuffer.wrap(bias), new long[] {1, 1, s, total})));
      if (candidates != null) {
        long[] cand = new long[candidateCount];
        for (int i = 0; i < candidateCount; i++) {
          if (candidates[i] < 0 || candidates[i] >= vocabSize) {
            throw new ModelException("candidate token id " + candidates[i] + " is outside the reward model's vocabulary of " + vocabSize);
          }
          cand[i] = candidates[i];
        }
        created.add(put(feed, CANDIDATES, OnnxTensor.createTensor(env, LongBuffer.wrap(cand), new long[] {candidateCount})));
      }
      for (int l = 0; l < layers; l++) {
        feed.put(pastKeys[l], cache.key(l));
        feed.put(pastValues[l], cache.value(l));
      }
      result = session.run(feed, outputs);
      OnnxTensor out = (OnnxTensor) result.get(outputName).orElseThrow();
      FloatBuffer buf = out.getFloatBuffer();
      float[] values = new float[count];
      buf.get(from, values, 0, count);
      OnnxTensor[] keys = new OnnxTensor[layers];
      OnnxTensor[] vals = new OnnxTensor[layers];
      for (int l = 0; l < layers; l++) {
        keys[l] = (OnnxTensor) result.get(presentKeys[l]).orElseThrow();
        vals[l] = (OnnxTensor) result.get(presentValues[l]).orElseThrow();
      }
      out.close();
      cache.advance(keys, vals, total);
      advanced = true;
      return values;
    } catch (OrtException e) {
      throw new ModelException("the reward model's forward pass failed: " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : created) {
        t.close();
      }
      if (!advanced && result != null) {
        for (Map.Entry<String, OnnxValue> e : result) {
          e.getValue().close();
        }
      }
    }
  }

  private static OnnxTensor put(Map<String, OnnxTensor> feed, String name, OnnxTensor t) {
    feed.put(name, t);
    return t;
  }

  RewardCache newCache() {
    return new RewardCache(env, layers, kvHeads, headDim);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException("could not close the reward model's session: " + e.getMessage(), e);
    }
  }
}
