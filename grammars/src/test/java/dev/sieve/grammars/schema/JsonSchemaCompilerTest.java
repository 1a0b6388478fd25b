package dev.sieve.grammars.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.GrammarMatcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema compiler: which texts the compiled grammar allows, on the o200k vocabulary. */
class JsonSchemaCompilerTest {
  static final Tokenizer O200K = TiktokenTokenizer.named("o200k");

  /** Whether the whole text is accepted token by token with end of sequence allowed at the end. */
  static boolean accepts(Grammar g, String text) {
    CompiledGrammar cg = GrammarCompiler.compile(g, O200K.vocabulary());
    GrammarMatcher m = cg.newMatcher();
    for (int id : O200K.encode(text)) {
      if (!m.acceptToken(id)) {
        return false;
      }
    }
    return m.isComplete();
  }

  static Grammar schema(String json) {
    return JsonSchemaCompiler.compile(json, JsonSchemaCompiler.Options.defaults());
  }

  @Test
  void objectWithRequiredAndOptionalPropertiesInDeclaredOrder() {
    Grammar g = schema("""
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
         "required":["name"],"additionalProperties":false}""");
    assertTrue(accepts(g, "{\"name\":\"Ada\"}"));
    assertTrue(accepts(g, "{\"name\":\"Ada\",\"age\":36}"));
    assertFalse(accepts(g, "{\"age\":36}"), "name is required");
    assertFalse(accepts(g, "{\"name\":\"Ada\",\"age\":-1}"), "minimum 0");
    assertFalse(accepts(g, "{\"name\":\"Ada\",\"x\":1}"), "no additional properties");
    assertFalse(accepts(g, "{\"age\":36,\"name\":\"Ada\"}"), "declared order");
    assertFalse(accepts(g, "{\"name\": \"Ada\"}"), "compact whitespace");
  }

  @Test
  void additionalPropertiesAreAllowedUnlessFalseAndCannotReuseDeclaredNames() {
    Grammar g = schema("{\"properties\":{\"a\":{\"type\":\"integer\"}}}");
    assertTrue(accepts(g, "{\"a\":1,\"b\":\"anything\",\"c\":[null]}"));
    assertFalse(accepts(g, "{\"b\":1,\"a\":\"x\"}"), "a declared name is not an additional property");
    assertTrue(accepts(g, "{\"b\":1}"));
    Grammar strict = JsonSchemaCompiler.compile("{\"properties\":{\"a\":{\"type\":\"integer\"}}}",
        JsonSchemaCompiler.Options.defaults().withAdditionalPropertiesFalse(true));
    assertFalse(accepts(strict, "{\"a\":1,\"b\":2}"));
  }

  @Test
  void arraysWithPrefixItemsAndBounds() {
    Grammar g = schema("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"number\"},"
        + "\"minItems\":2,\"maxItems\":3}");
    assertTrue(accepts(g, "[\"a\",1]"));
    assertTrue(accepts(g, "[\"a\",1,2.5]"));
    assertFalse(accepts(g, "[\"a\"]"));
    assertFalse(accepts(g, "[\"a\",1,2,3]"));
    assertFalse(accepts(g, "[1,2]"));
  }

  @Test
  void numberBoundsAreExact() {
    Grammar g = schema("{\"type\":\"number\",\"exclusiveMinimum\":-1.5,\"maximum\":10}");
    for (String ok : List.of("-1.49", "-1", "0", "0.0", "10", "10.000", "9.99", "-0.5")) {
      assertTrue(accepts(g, ok), ok);
    }
    for (String bad : List.of("-1.5", "-1.50", "-2", "10.01", "11", "100")) {
      assertFalse(accepts(g, bad), bad);
    }
    Grammar i = schema("{\"type\":\"integer\",\"minimum\":-20,\"exclusiveMaximum\":300,\"multipleOf\":7}");
    List<String> accepted = new ArrayList<>();
    for (int x = -40; x < 320; x++) {
      if (accepts(i, Integer.toString(x))) {
        accepted.add(Integer.toString(x));
      }
    }
    List<String> expected = new ArrayList<>();
    for (int x = -14; x < 300; x += 7) {
      expected.add(Integer.toString(x));
    }
    assertEquals(expected, accepted);
  }

  @Test
  void decimalMultiplesAreExact() {
    Grammar g = schema("{\"type\":\"number\",\"multipleOf\":0.25,\"minimum\":-1,\"maximum\":1}");
    for (String ok : List.of("0", "0.25", "-0.75", "1", "1.00", "0.5", "-1")) {
      assertTrue(accepts(g, ok), ok);
    }
    for (String bad : List.of("0.2", "0.251", "1.25", "-1.25", "0.125")) {
      assertFalse(accepts(g, bad), bad);
    }
    Grammar i = schema("{\"type\":\"integer\",\"multipleOf\":1.5}");
    assertTrue(accepts(i, "3"));
    assertTrue(accepts(i, "-9"));
    assertFalse(accepts(i, "1"));
    assertFalse(accepts(i, "4"));
  }

  @Test
  void propertyNamesConstrainDeclaredAndAdditionalNames() {
    Grammar g = schema("{\"propertyNames\":{\"pattern\":\"^[a-z]+$\",\"maxLength\":3},"
        + "\"properties\":{\"Big\":{},\"ok\":{\"type\":\"integer\"}}}");
    assertTrue(accepts(g, "{\"ok\":1,\"abc\":true}"));
    assertFalse(accepts(g, "{\"Big\":1}"), "a declared name that propertyNames forbids");
    assertFalse(accepts(g, "{\"abcd\":1}"));
    assertFalse(accepts(g, "{\"A\":1}"));
  }

  @Test
  void stringsWithLengthPatternAndFormat() {
    Grammar g = schema("{\"type\":\"string\",\"minLength\":2,\"maxLength\":4,\"pattern\":\"^[a-z\\\"]+$\"}");
    assertTrue(accepts(g, "\"ab\""));
    assertTrue(accepts(g, "\"a\\\"\""), "an escaped quote counts as one character");
    assertFalse(accepts(g, "\"a\""));
    assertFalse(accepts(g, "\"abcde\""));
    assertFalse(accepts(g, "\"aB\""));
    Grammar d = schema("{\"type\":\"string\",\"format\":\"date\"}");
    assertTrue(accepts(d, "\"2024-02-29\""));
    assertFalse(accepts(d, "\"2023-02-29\""));
    assertFalse(accepts(d, "\"2023-13-01\""));
    Grammar ip = schema("{\"format\":\"ipv6\",\"type\":\"string\"}");
    assertTrue(accepts(ip, "\"::1\""));
    assertTrue(accepts(ip, "\"fe80::1:2\""));
    assertFalse(accepts(ip, "\"1:::2\""));
  }

  @Test
  void recursiveReferencesAndAnyOf() {
    Grammar g = schema("""
        {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},
          "kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["v"],"additionalProperties":false}},
         "anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}""");
    assertTrue(accepts(g, "null"));
    assertTrue(accepts(g, "{\"v\":1,\"kids\":[{\"v\":2},{\"v\":3,\"kids\":[{\"v\":4}]}]}"));
    assertFalse(accepts(g, "{\"v\":1,\"kids\":[{\"w\":2}]}"));
  }

  @Test
  void allOfIsMergedAndEnumIsFiltered() {
    Grammar g = schema("""
        {"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},
                  {"properties":{"a":{"minimum":5},"b":{"enum":["x",1,null]}},"additionalProperties":false}]}""");
    assertTrue(accepts(g, "{\"a\":5}"));
    assertTrue(accepts(g, "{\"a\":7,\"b\":\"x\"}"));
    assertFalse(accepts(g, "{\"a\":4}"));
    assertFalse(accepts(g, "{\"a\":7,\"b\":2}"));
    assertFalse(accepts(g, "{\"a\":7,\"c\":2}"), "the second branch forbids additional properties");
  }

  @Test
  void indentedLayout() {
    Grammar g = JsonSchemaCompiler.compile("""
        {"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}},"b":{"type":"boolean"}}}""",
        JsonSchemaCompiler.Options.defaults().withIndent(2).withAdditionalPropertiesFalse(true));
    assertTrue(accepts(g, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": true\n}"));
    assertTrue(accepts(g, "{}"));
    assertTrue(accepts(g, "{\n  \"a\": []\n}"));
    assertFalse(accepts(g, "{\"a\":[1,2],\"b\":true}"));
  }

  @Test
  void flexibleWhitespace() {
    Grammar g = JsonSchemaCompiler.compile("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
        JsonSchemaCompiler.Options.defaults().withWhitespace(JsonSchemaCompiler.Whitespace.FLEXIBLE));
    assertTrue(accepts(g, "[ 1 ,\n 2 ]"));
    assertTrue(accepts(g, "[1,2]"));
  }

  @Test
  void unsupportedKeywordsNameTheKeywordAndPointer() {
    GrammarException e = assertThrows(GrammarException.class,
        () -> schema("{\"properties\":{\"a\":{\"not\":{\"type\":\"string\"}}}}"));
    assertEquals("schema: at /properties/a/not: unsupported keyword 'not'", e.getMessage());
    GrammarException f = assertThrows(GrammarException.class, () -> schema("{\"type\":\"string\",\"formatt\":1}"));
    assertTrue(f.getMessage().contains("/formatt") && f.getMessage().contains("unknown keyword"), f.getMessage());
    GrammarException o = assertThrows(GrammarException.class,
        () -> schema("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}"));
    assertTrue(o.getMessage().contains("/oneOf"), o.getMessage());
    List<String> warnings = new ArrayList<>();
    Grammar lenient = JsonSchemaCompiler.compile("{\"type\":\"string\",\"not\":{\"const\":\"x\"}}",
        JsonSchemaCompiler.Options.defaults().withLenient(true, warnings::add));
    assertTrue(accepts(lenient, "\"y\""));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("/not"), warnings.get(0));
  }

  @Test
  void oneOfWithDisjointBranchesIsAnyOf() {
    Grammar g = schema("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}");
    assertTrue(accepts(g, "\"s\""));
    assertTrue(accepts(g, "3"));
    assertFalse(accepts(g, "true"));
  }

  @Test
  void badJsonNamesLineAndColumn() {
    GrammarException e = assertThrows(GrammarException.class,
        () -> JsonSchemaCompiler.compile("{\n  \"type\": }", JsonSchemaCompiler.Options.defaults()));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("schema:2:"), e.getMessage());
  }

  @Test
  void unsatisfiableSchemaIsAnError() {
    assertThrows(GrammarException.class, () -> schema("{\"type\":\"integer\",\"minimum\":3,\"maximum\":2}"));
    assertThrows(GrammarException.class, () -> schema("false"));
  }
}
