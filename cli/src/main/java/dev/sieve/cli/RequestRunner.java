package dev.sieve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationListener;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.Timings;
import dev.sieve.decoding.generate.TokenLogprob;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs requests for {@code sieve generate} once the model is loaded: asks every {@link RequestOptions}
 * group for fresh processors, generates, and turns results into JSON objects.
 */
final class RequestRunner {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Generator generator;
  private final Path modelDir;
  private final List<RequestOptions> options;

  RequestRunner(Generator generator, Path modelDir, List<RequestOptions> options) {
    this.generator = generator;
    this.modelDir = modelDir;
    this.options = List.copyOf(options);
  }

  Generator generator() {
    return generator;
  }

  /** Generates {@code request} with {@code config}, the option groups' processors and {@code listener} (may be null). */
  GenerationResult run(GenerationRequest request, GenerationConfig config, GenerationListener listener) {
    LanguageModel model = generator.model();
    Tokenizer tokenizer = model.tokenizer();
    GenerateContext ctx = new GenerateContext(modelDir, model, tokenizer, config);
    List<LogitsProcessor> processors = new ArrayList<>(request.processors());
    for (RequestOptions o : options) {
      processors.addAll(o.processors(ctx));
    }
    GenerationRequest r = request.withConfig(config).withProcessors(processors);
    if (listener != null) {
      r = r.withListener(listener);
    }
    return generator.generate(r);
  }

  /**
   * The result as one JSON object: {@code id}, {@code text}, {@code finish_reason}, {@code tokens} (how many
   * were generated), {@code prompt_tokens}, {@code token_ids}, {@code timings}, then {@code logprobs} and
   * {@code measurements} when there are any, then each option group's own fields.
   */
  ObjectNode json(JsonNode id, GenerationResult r) {
    ObjectNode o = JSON.createObjectNode();
    o.set("id", id);
    o.put("text", r.text());
    o.put("finish_reason", r.finishReason().wireName());
    int[] tokens = r.tokens();
    o.put("tokens", tokens.length);
    o.put("prompt_tokens", r.promptTokens().length);
    ArrayNode ids = o.putArray("token_ids");
    for (int t : tokens) {
      ids.add(t);
    }
    Timings t = r.timings();
    ObjectNode timings = o.putObject("timings");
    timings.put("prefill_ms", round(t.prefillMs()));
    timings.put("decode_ms", round(t.decodeMs()));
    timings.put("tokens_per_second", round(t.tokensPerSecond()));
    timings.put("forward_ms", round(t.forwardMs()));
    timings.put("total_ms", round(t.totalMs()));
    if (!r.logprobs().isEmpty()) {
      ArrayNode lps = o.putArray("logprobs");
      Tokenizer tok = generator.model().tokenizer();
      for (TokenLogprob lp : r.logprobs()) {
        ObjectNode e = lps.addObject();
        e.put("token", lp.token());
        e.put("text", tok.decode(new int[] {lp.token()}));
        e.put("logprob", lp.logprob());
        if (!lp.top().isEmpty()) {
          ArrayNode top = e.putArray("top");
          for (TokenLogprob.Alternative a : lp.top()) {
            ObjectNode alt = top.addObject();
            alt.put("token", a.token());
            alt.put("text", tok.decode(new int[] {a.token()}));
            alt.put("logprob", a.logprob());
          }
        }
      }
    }
    if (!r.measurements().isEmpty()) {
      ObjectNode m = o.putObject("measurements");
      for (Map.Entry<String, Object> e : new java.util.TreeMap<>(r.measurements()).entrySet()) {
        m.set(e.getKey(), JSON.valueToTree(e.getValue()));
      }
    }
    for (RequestOptions opt : options) {
      opt.describe(r, o);
    }
    return o;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
