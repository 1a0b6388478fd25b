package dev.sieve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.model.BundledModel;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code sieve info}: checked against the bundled model's own config.json and tokenizer_config.json. */
class InfoCommandTest {
  private final Path model = BundledModel.path();

  @Test
  void textListsLayoutCapabilitiesVocabularyAndSpecialTokens() throws IOException {
    JsonNode config = Cli.JSON.readTree(model.resolve("config.json").toFile());
    JsonNode tokConfig = Cli.JSON.readTree(model.resolve("tokenizer_config.json").toFile());
    Cli.Run run = Cli.run("info", "--model", model.toString());
    assertEquals(0, run.exitCode(), run::toString);
    String out = run.out();
    assertTrue(out.contains(config.get("num_hidden_layers").asInt() + " layers"), out);
    assertTrue(out.contains(config.get("num_key_value_heads").asInt() + " kv heads x " + config.get("head_dim").asInt()), out);
    assertTrue(out.contains("vocabulary:     " + config.get("vocab_size").asInt() + " tokens"), out);
    assertTrue(out.contains("attention_bias yes"), out);
    assertTrue(out.contains("max positions:  " + config.get("max_position_embeddings").asInt()), out);
    for (JsonNode special : tokConfig.get("additional_special_tokens")) {
      assertTrue(out.contains(special.asText()), special + " in\n" + out);
    }
    assertTrue(out.contains("chat template:  yes"), out);
  }

  @Test
  void jsonHasTheSameFactsAsFields() throws IOException {
    JsonNode config = Cli.JSON.readTree(model.resolve("config.json").toFile());
    JsonNode gen = Cli.JSON.readTree(model.resolve("generation_config.json").toFile());
    Cli.Run run = Cli.run("info", "--json");
    assertEquals(0, run.exitCode(), run::toString);
    JsonNode o = run.json();
    assertEquals(config.get("vocab_size").asInt(), o.get("vocab_size").asInt());
    assertEquals(config.get("num_hidden_layers").asInt(), o.get("layers").asInt());
    assertTrue(o.get("attention_bias").asBoolean());
    assertTrue(o.get("position_ids").asBoolean());
    assertEquals(gen.get("eos_token_id"), o.get("eos_token_ids"));
    assertEquals(0, o.get("special_tokens").get("<|endoftext|>").asInt());
    assertEquals(3 + 2 * config.get("num_hidden_layers").asInt() + 1, o.get("inputs").size(),
        "input_ids, attention_mask, position_ids, a key and a value per layer, attention_bias: " + o.get("inputs"));
  }
}
