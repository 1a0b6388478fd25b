package dev.sieve.decoding.model;

import dev.sieve.decoding.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A causal language model with a key/value cache: the one thing the decoding core runs.
 *
 * <p>Implementations are thread-safe: one model is shared by many concurrent generations, each with its
 * own {@link KvCache}.
 *
 * <pre>{@code
 * try (LanguageModel model = OnnxLanguageModel.load(dir);
 *      KvCache cache = model.newCache(1)) {
 *   Logits first = model.forward(cache, ForwardInput.of(promptIds));   // prefill
 *   Logits next = model.forward(cache, ForwardInput.of(chosenToken));   // one decode step
 * }
 * }</pre>
 */
public interface LanguageModel extends AutoCloseable {
  /** The layout and sizes detected at load. */
  ModelCapabilities capabilities();

  /** The model's tokenizer (and through it the vocabulary). */
  Tokenizer tokenizer();

  /** config.json as plain maps, lists, strings and numbers (empty when absent). */
  Map<String, Object> config();

  /** generation_config.json as plain values (empty when absent). */
  Map<String, Object> generationConfig();

  /** tokenizer_config.json's {@code chat_template}, if there is one. */
  Optional<String> chatTemplate();

  /** The directory the model was loaded from, if any. */
  Optional<Path> directory();

  /** An empty cache for {@code batchSize} rows. */
  KvCache newCache(int batchSize);

  /**
   * Runs the model over {@code input}, appending its tokens to {@code cache}.
   *
   * @return logits of the last position of every row, or of every position ({@link ForwardInput#allLogits()})
   * @throws ModelException when the input does not fit the model or the cache (batch size, bias shape,
   *     a custom bias or positions on a model without the input for them)
   */
  Logits forward(KvCache cache, ForwardInput input);

  @Override
  void close();
}
