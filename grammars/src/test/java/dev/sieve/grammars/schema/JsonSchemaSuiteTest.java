package dev.sieve.grammars.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.GrammarMatcher;
import dev.sieve.grammars.GrammarSampler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema Test Suite (drafts 2020-12 and 7) against compiled schemas. For every group whose
 * schema compiles (strict mode): every valid instance, written in the canonical layout (compact,
 * properties in the order the grammar takes them, Jackson's string escapes, integral numbers without
 * fraction), is accepted token by token with the bundled vocabulary and with o200k and end of sequence
 * allowed at the end; no invalid instance is accepted in any member order. Then random sentences of
 * each compiled grammar must pass networknt's validator, format assertions on. Counts per keyword file
 * go to {@code target/schema-suite-DRAFT.md} (copied into grammars/README.md).
 */
class JsonSchemaSuiteTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path suite;
  static Tokenizer bundled;
  static Tokenizer o200k;

  /**
   * Valid instances the canonical grammar rejects by design, per "file/group description": format
   * keywords are asserted here, while the suite's main format.json treats format as an annotation only.
   */
  static final Map<String, String> BY_DESIGN = Map.of(
      "format.json", "format is asserted, so strings the format rejects are rejected (the suite treats format as an"
          + " annotation)");

  @BeforeAll
  static void setUp() throws IOException {
    String shared = System.getProperty("sieve.shared");
    Path p = shared == null ? null : Path.of(shared, "testdata", "json-schema-test-suite", "tests");
    Assumptions.assumeTrue(p != null && Files.isDirectory(p),
        "JSON Schema Test Suite not found (system property sieve.shared pointing at the shared test data); skipped");
    suite = p;
    bundled = HuggingFaceTokenizer.load(BundledModel.path());
    o200k = TiktokenTokenizer.named("o200k");
  }

  /** Counts for one keyword file. */
  static final class Counts {
    int groups;
    int compiled;
    int valid;
    int validAccepted;
    int invalid;
    int invalidRejected;
    int sampled;
    int samplesValid;
    final List<String> unsupported = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<String> oracleErrors = new ArrayList<>();
  }

  /** A number with more significant digits than a double holds exactly. */
  static final Pattern BEYOND_DOUBLE = Pattern.compile("[0-9]{16,}");

  @Test
  void draft2020_12() throws IOException {
    run("draft2020-12", false, SpecVersion.VersionFlag.V202012);
  }

  @Test
  void draft7() throws IOException {
    run("draft7", true, SpecVersion.VersionFlag.V7);
  }

  private void run(String draft, boolean draft7, SpecVersion.VersionFlag flag) throws IOException {
    Map<String, Counts> byFile = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(suite.resolve(draft))) {
      files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    // The oracle never fetches: remote references fail instead of calling out.
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(flag, b -> b.schemaLoaders(l -> l.values(list ->
        list.add(0, iri -> {
          if (iri.toString().startsWith("http")) {
            throw new IllegalStateException("remote schema " + iri + " is not fetched in tests");
          }
          return null;
        }))));
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (Path f : files) {
      String file = f.getFileName().toString();
      Counts c = byFile.computeIfAbsent(file, k -> new Counts());
      JsonNode groups = JSON.readTree(f.toFile());
      for (JsonNode group : groups) {
        c.groups++;
        String desc = group.get("description").asText();
        Grammar g;
        try {
          g = JsonSchemaCompiler.compile(group.get("schema"),
              JsonSchemaCompiler.Options.defaults().withDraft7(draft7).withSourceName(file));
        } catch (GrammarException e) {
          c.unsupported.add(desc + ": " + e.getMessage());
          continue;
        }
        c.compiled++;
        CompiledGrammar cgB = GrammarCompiler.compile(g, bundled.vocabulary());
        CompiledGrammar cgO = GrammarCompiler.compile(g, o200k.vocabulary());
        for (JsonNode test : group.get("tests")) {
          JsonNode data = test.get("data");
          boolean valid = test.get("valid").asBoolean();
          String text = canonicalText(cgB, data);
          String where = file + " / " + desc + " / " + test.get("description").asText() + ": " + data;
          if (valid) {
            c.valid++;
            if (text != null && acceptsTokens(cgB, bundled, text) && acceptsTokens(cgO, o200k, text)) {
              c.validAccepted++;
            } else if (!BY_DESIGN.containsKey(file)) {
              c.failures.add("valid instance rejected: " + where + (text == null ? "" : " as " + text));
            }
          } else {
            c.invalid++;
            if (text == null) {
              c.invalidRejected++;
            } else {
              c.failures.add("INVALID instance accepted: " + where + " as " + text);
            }
          }
        }
        // The validator as oracle for what the grammar generates.
        com.networknt.schema.JsonSchema validator;
        try {
          validator = factory.getSchema(group.get("schema"), config);
          validator.validate(JSON.nullNode());
        } catch (RuntimeException e) {
          c.oracleErrors.add(desc + ": " + e.getMessage());
          continue;
        }
        GrammarSampler sampler = new GrammarSampler(g);
        Random random = new Random(desc.hashCode() * 31L + file.hashCode());
        for (int i = 0; i < 10; i++) {
          String s = sampler.sample(cgB, random, 20);
          if (s == null) {
            continue;
          }
          if (BEYOND_DOUBLE.matcher(s).find()) {
            continue; // the validator computes multipleOf and bounds in double precision
          }
          c.sampled++;
          var errors = validator.validate(JSON.readTree(s));
          if (errors.isEmpty()) {
            c.samplesValid++;
          } else {
            c.failures.add("sample rejected by the validator: " + file + " / " + desc + ": " + s + " " + errors);
          }
        }
      }
    }
    report(draft, byFile);
    List<String> failures = new ArrayList<>();
    byFile.values().forEach(c -> failures.addAll(c.failures));
    assertEquals(List.of(), failures, "conformance failures in " + draft);
    assertTrue(byFile.values().stream().mapToInt(c -> c.compiled).sum() > 0, "some groups compile");
  }

  private static void report(String draft, Map<String, Counts> byFile) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("| file | groups compiled | valid accepted | invalid rejected | samples valid | unsupported (first reason) |\n");
    sb.append("| --- | --- | --- | --- | --- | --- |\n");
    int[] tot = new int[8];
    for (var e : byFile.entrySet()) {
      Counts c = e.getValue();
      String reason = c.unsupported.isEmpty() ? "" : c.unsupported.get(0).replaceAll("^.*?: (at [^:]*: )?", "")
          .replace("|", "\\|");
      if (reason.length() > 90) {
        reason = reason.substring(0, 90) + "…";
      }
      sb.append("| ").append(e.getKey()).append(" | ").append(c.compiled).append('/').append(c.groups)
          .append(" | ").append(c.validAccepted).append('/').append(c.valid)
          .append(BY_DESIGN.containsKey(e.getKey()) && c.validAccepted < c.valid ? " (by design)" : "")
          .append(" | ").append(c.invalidRejected).append('/').append(c.invalid)
          .append(" | ").append(c.samplesValid).append('/').append(c.sampled)
          .append(" | ").append(reason).append(" |\n");
      tot[0] += c.compiled;
      tot[1] += c.groups;
      tot[2] += c.validAccepted;
      tot[3] += c.valid;
      tot[4] += c.invalidRejected;
      tot[5] += c.invalid;
      tot[6] += c.samplesValid;
      tot[7] += c.sampled;
    }
    sb.append("| **total** | ").append(tot[0]).append('/').append(tot[1]).append(" | ").append(tot[2]).append('/')
        .append(tot[3]).append(" | ").append(tot[4]).append('/').append(tot[5]).append(" | ").append(tot[6])
        .append('/').append(tot[7]).append(" | |\n\nUnsupported groups:\n\n");
    for (var e : byFile.entrySet()) {
      for (String u : e.getValue().oracleErrors) {
        sb.append("- ").append(e.getKey()).append(": the validator (oracle) could not check samples: ").append(u)
            .append('\n');
      }
    }
    for (var e : byFile.entrySet()) {
      for (String u : e.getValue().unsupported) {
        sb.append("- ").append(e.getKey()).append(": ").append(u).append('\n');
      }
    }
    Path out = Path.of("target", "schema-suite-" + draft + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, sb.toString());
    System.out.println("JSON Schema Test Suite " + draft + ":\n" + sb.substring(0, sb.indexOf("\nUnsupported")));
  }

  /** Whether the text is accepted token by token, end of sequence allowed at the end. */
  static boolean acceptsTokens(CompiledGrammar cg, Tokenizer tok, String text) {
    GrammarMatcher m = cg.newMatcher();
    for (int id : tok.encode(text)) {
      if (!m.isAllowed(id) || !m.acceptToken(id)) {
        return false;
      }
    }
    return m.isAllowed(tok.vocabulary().eosTokenIds()[0]);
  }

  /**
   * The canonical text of {@code value} that the grammar accepts, trying member orders of objects, or
   * null when no order is accepted.
   */
  static String canonicalText(CompiledGrammar cg, JsonNode value) {
    GrammarMatcher m = cg.newMatcher();
    StringBuilder out = new StringBuilder();
    if (feed(m, value, out) && m.isComplete()) {
      return out.toString();
    }
    return null;
  }

  private static boolean feed(GrammarMatcher m, JsonNode v, StringBuilder out) {
    if (v.isObject()) {
      int mark = m.length();
      int len = out.length();
      List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        members.add(it.next());
      }
      if (step(m, "{", out) && members(m, members, true, out)) {
        return true;
      }
      m.rollback(m.length() - mark);
      out.setLength(len);
      return false;
    }
    if (v.isArray()) {
      int mark = m.length();
      int len = out.length();
      boolean ok = step(m, "[", out);
      for (int i = 0; ok && i < v.size(); i++) {
        ok = (i == 0 || step(m, ",", out)) && feed(m, v.get(i), out);
      }
      if (ok && step(m, "]", out)) {
        return true;
      }
      m.rollback(m.length() - mark);
      out.setLength(len);
      return false;
    }
    return step(m, scalar(v), out);
  }

  private static boolean members(GrammarMatcher m, List<Map.Entry<String, JsonNode>> rest, boolean first,
      StringBuilder out) {
    if (rest.isEmpty()) {
      return step(m, "}", out);
    }
    // Any order: the grammar writes declared properties in their order, then the others.
    int tries = rest.size() > 6 ? 1 : rest.size();
    for (int i = 0; i < tries; i++) {
      int mark = m.length();
      int len = out.length();
      var e = rest.get(i);
      String key = (first ? "" : ",") + scalar(JSON.getNodeFactory().textNode(e.getKey())) + ":";
      if (step(m, key, out) && feed(m, e.getValue(), out)) {
        List<Map.Entry<String, JsonNode>> next = new ArrayList<>(rest);
        next.remove(i);
        if (members(m, next, false, out)) {
          return true;
        }
      }
      m.rollback(m.length() - mark);
      out.setLength(len);
    }
    return false;
  }

  private static boolean step(GrammarMatcher m, String text, StringBuilder out) {
    if (m.acceptString(text)) {
      out.append(text);
      return true;
    }
    return false;
  }

  /** Canonical scalar text: Jackson's escapes for strings, integral numbers without fraction or exponent. */
  static String scalar(JsonNode v) {
    if (v.isNumber()) {
      BigDecimal d = v.decimalValue().stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.scale() <= 0 ? d.toBigIntegerExact().toString() : d.toPlainString();
    }
    try {
      return JSON.writeValueAsString(v);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static final Pattern KEYWORD = Pattern.compile("unsupported keyword '([^']+)'");

  static String keywordOf(String message) {
    Matcher mm = KEYWORD.matcher(message);
    return mm.find() ? mm.group(1) : message;
  }
}
