package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.model.ModelCapabilities;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sieve info}: what a model directory holds (layout, capabilities, vocabulary, special tokens, defaults). */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Show a model's layout, capabilities, vocabulary, special tokens and generation defaults.")
public final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() {
    Path dir = modelOptions.directory();
    PrintWriter out = spec.commandLine().getOut();
    try (OnnxLanguageModel model = OnnxLanguageModel.load(dir)) {
      ModelCapabilities c = model.capabilities();
      Vocabulary v = model.tokenizer().vocabulary();
      GenerationConfig defaults = GenerationConfig.fromGenerationConfig(model.generationConfig());
      Map<Integer, String> specials = new TreeMap<>();
      v.specialTokens().forEach((text, id) -> specials.put(id, text));
      StringBuilder eos = new StringBuilder();
      int[] eosIds = defaults.eosTokenIds() != null ? defaults.eosTokenIds() : v.eosTokenIds();
      for (int id : eosIds) {
        eos.append(eos.isEmpty() ? "" : ", ").append(id).append(' ').append(name(v, id));
      }
      if (json) {
        ObjectNode o = RequestRunner.JSON.createObjectNode();
        o.put("model", dir.toAbsolutePath().normalize().toString());
        o.put("model_type", c.modelType());
        o.put("layers", c.layers());
        o.put("kv_heads", c.kvHeads());
        o.put("head_dim", c.headDim());
        o.put("vocab_size", c.vocabSize());
        o.put("tokenizer_vocab_size", v.size());
        o.put("max_positions", c.maxPositions());
        o.put("position_ids", c.hasPositionIds());
        o.put("attention_bias", c.hasAttentionBias());
        o.put("chat_template", model.chatTemplate().isPresent());
        ArrayNode in = o.putArray("inputs");
        c.inputNames().forEach(in::add);
        ArrayNode outs = o.putArray("outputs");
        c.outputNames().forEach(outs::add);
        ArrayNode e = o.putArray("eos_token_ids");
        for (int id : eosIds) {
          e.add(id);
        }
        ObjectNode s = o.putObject("special_tokens");
        specials.forEach((id, text) -> s.put(text, id));
        o.put("generation_defaults", defaults.toString());
        out.println(o.toString());
      } else {
        out.println("model:          " + dir.toAbsolutePath().normalize());
        out.println("layout:         " + c.describe());
        out.println("custom attention (tree verification, set-based prompts): "
            + (c.supportsCustomAttention() ? "yes (attention_bias input)" : "no (no attention_bias input)"));
        out.println("max positions:  " + (c.maxPositions() > 0 ? c.maxPositions() : "not stated"));
        out.println("inputs:         " + summarize(c.inputNames()));
        out.println("outputs:        " + summarize(c.outputNames()));
        out.println("vocabulary:     " + v.size() + " tokens (" + v.name() + "), model logits " + c.vocabSize());
        out.println("end of sequence: " + eos);
        out.println("special tokens: " + specials.size());
        specials.forEach((id, text) -> out.println(String.format("  %6d  %s", id, text)));
        out.println("chat template:  " + (model.chatTemplate().isPresent() ? "yes" : "no"));
        out.println("defaults:       " + defaults);
      }
      out.flush();
      return 0;
    }
  }

  private static String name(Vocabulary v, int id) {
    return v.exists(id) ? new String(v.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8) : "(not in vocabulary)";
  }

  /** Graph names with the per-layer cache names folded: {@code past_key_values.{0..3}.key}. */
  private static String summarize(java.util.List<String> names) {
    java.util.LinkedHashMap<String, java.util.List<Integer>> folded = new java.util.LinkedHashMap<>();
    java.util.regex.Pattern layer = java.util.regex.Pattern.compile("^(.*?)\\.(\\d+)\\.(.*)$");
    for (String n : names) {
      var m = layer.matcher(n);
      if (m.matches()) {
        folded.computeIfAbsent(m.group(1) + ".{i}." + m.group(3), k -> new java.util.ArrayList<>()).add(Integer.parseInt(m.group(2)));
      } else {
        folded.put(n, null);
      }
    }
    StringBuilder sb = new StringBuilder();
    folded.forEach((n, layers) -> {
      sb.append(sb.isEmpty() ? "" : ", ").append(n);
      if (layers != null) {
        sb.append(" (i = 0..").append(layers.size() - 1).append(')');
      }
    });
    return sb.toString();
  }
}
