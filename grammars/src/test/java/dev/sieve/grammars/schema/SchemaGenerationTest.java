package dev.sieve.grammars.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.grammars.Constraints;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarConstraint;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on the bundled model: constrained outputs are valid for an independent validator and end cleanly. */
class SchemaGenerationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PERSON = """
      {"$schema":"https://json-schema.org/draft/2020-12/schema",
       "type":"object",
       "properties":{
         "name":{"type":"string","minLength":1,"maxLength":12},
         "age":{"type":"integer","minimum":0,"maximum":120},
         "email":{"type":"string","format":"email","maxLength":40},
         "tags":{"type":"array","items":{"enum":["a","b","c"]},"maxItems":3},
         "score":{"type":"number","exclusiveMinimum":0,"maximum":1},
         "active":{"type":"boolean"},
         "kind":{"oneOf":[{"const":"user"},{"const":"admin"}]}},
       "required":["name","age","kind"],
       "additionalProperties":false}""";
  static OnnxLanguageModel model;
  static Generator generator;

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model);
  }

  @AfterAll
  static void close() throws Exception {
    if (model instanceof AutoCloseable c) {
      c.close();
    }
  }

  private GenerationResult generate(Grammar g, long seed, String prompt) {
    GrammarConstraint c = Constraints.constraint(g, model.tokenizer().vocabulary());
    GenerationConfig config = GenerationConfig.builder().doSample(true).temperature(1.0).seed(seed)
        .maxNewTokens(300).build();
    return generator.generate(GenerationRequest.text(prompt).withConfig(config).withProcessors(List.of(c)));
  }

  @Test
  void schemaConstrainedOutputsValidateAndFinish() throws Exception {
    Grammar g = Constraints.jsonSchema(PERSON);
    var validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(JSON.readTree(PERSON), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    for (long seed = 1; seed <= 12; seed++) {
      GenerationResult r = generate(g, seed, "A person as JSON: ");
      assertTrue(Set.of(FinishReason.CONSTRAINT, FinishReason.EOS).contains(r.finishReason()),
          "seed " + seed + " ended with " + r.finishReason() + ": " + r.text());
      assertEquals(Set.of(), validator.validate(JSON.readTree(r.text())), "seed " + seed + ": " + r.text());
    }
  }

  @Test
  void choiceAndRegexConstrainTheWholeOutput() {
    Grammar colours = Constraints.choice("red", "green", "blue", "light blue");
    Grammar date = Constraints.regex("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    for (long seed = 1; seed <= 6; seed++) {
      GenerationResult c = generate(colours, seed, "My favourite colour is ");
      assertTrue(List.of("red", "green", "blue", "light blue").contains(c.text()), c.text());
      assertTrue(Set.of(FinishReason.CONSTRAINT, FinishReason.EOS).contains(c.finishReason()));
      GenerationResult d = generate(date, seed, "Today is ");
      assertTrue(d.text().matches("[0-9]{4}-[0-9]{2}-[0-9]{2}"), d.text());
      assertEquals(FinishReason.CONSTRAINT, d.finishReason());
    }
  }
}
