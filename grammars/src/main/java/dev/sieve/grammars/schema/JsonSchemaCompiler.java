package dev.sieve.grammars.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.grammars.Expr;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.Lexeme;
import dev.sieve.grammars.regex.RegexCompiler;
import dev.sieve.grammars.regex.RegexSyntaxException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;

/**
 * Compiles a JSON Schema (draft 2020-12, draft 7; draft 4 documents are read as draft 7 with boolean
 * exclusive bounds) into the grammar {@link Grammar IR}: the outputs the grammar allows are JSON texts
 * the schema accepts, in a canonical layout.
 *
 * <p>Canon (what the grammar produces, a subset of what the schema accepts): properties in declared
 * order, then additional properties; strings with canonical escapes when they are constrained or are
 * property names; integers without fraction or exponent; bounded numbers without exponent; enum and
 * const values written compactly; whitespace as the {@link Whitespace} policy says.
 *
 * <p>Every keyword is either honoured exactly, ignored because it is an annotation (title, description,
 * default, examples, $comment, content*, deprecated, readOnly, writeOnly), or refused with a
 * {@link GrammarException} naming the keyword and the JSON pointer where it sits. With
 * {@link Options#lenient()} a refused keyword is dropped with a warning instead (the grammar may then
 * allow outputs the schema rejects). Known limits: duplicate additional property names are not
 * prevented; {@code oneOf} is supported only where its branches are provably disjoint.
 */
public final class JsonSchemaCompiler {
  /** How whitespace may appear between JSON tokens. */
  public enum Whitespace {
    /** None at all: the most compact text (the default). */
    COMPACT,
    /** Any JSON whitespace between tokens, capped by the grammar engine's skip limit. */
    FLEXIBLE,
    /** Newlines and {@link Options#indent()} spaces per level, like a pretty printer. */
    INDENTED
  }

  /**
   * Options.
   *
   * @param whitespace the whitespace policy
   * @param indent spaces per level when {@link Whitespace#INDENTED}
   * @param additionalPropertiesFalse treat a missing {@code additionalProperties} as false (the spec
   *     allows any additional property)
   * @param lenient drop unsupported keywords with a warning instead of failing
   * @param warnings receives warnings (lenient drops); may be null
   * @param sourceName names the schema in messages (a file name)
   * @param draft7 read a schema without {@code $schema} as draft 7 (else as 2020-12)
   */
  public record Options(Whitespace whitespace, int indent, boolean additionalPropertiesFalse,
      boolean lenient, Consumer<String> warnings, String sourceName, boolean draft7) {
    public Options {
      Objects.requireNonNull(whitespace, "whitespace");
      if (indent < 0 || indent > 16) {
        throw new IllegalArgumentException("indent must be 0 to 16, was " + indent);
      }
    }

    public static Options defaults() {
      return new Options(Whitespace.COMPACT, 2, false, false, null, "schema", false);
    }

    public Options withWhitespace(Whitespace w) {
      return new Options(w, indent, additionalPropertiesFalse, lenient, warnings, sourceName, draft7);
    }

    public Options withIndent(int n) {
      return new Options(Whitespace.INDENTED, n, additionalPropertiesFalse, lenient, warnings, sourceName, draft7);
    }

    public Options withAdditionalPropertiesFalse(boolean b) {
      return new Options(whitespace, indent, b, lenient, warnings, sourceName, draft7);
    }

    public Options withLenient(boolean b, Consumer<String> sink) {
      return new Options(whitespace, indent, additionalPropertiesFalse, b, sink, sourceName, draft7);
    }

    public Options withDraft7(boolean b) {
      return new Options(whitespace, indent, additionalPropertiesFalse, lenient, warnings, sourceName, b);
    }

    public Options withSourceName(String name) {
      return new Options(whitespace, indent, additionalPropertiesFalse, lenient, warnings, name, draft7);
    }
  }

  /** Beyond this nesting depth the indented layout writes nested values compactly. */
  static final int MAX_INDENT_DEPTH = 12;
  /** Most alternatives a distribution of anyOf/oneOf over allOf may make. */
  static final int MAX_BRANCHES = 256;
  /** Most patterns that patternProperties may combine (they split keys into 2^n regions). */
  static final int MAX_PATTERNS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEVER = "$never";
  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "id", "$anchor", "$comment", "title",
      "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions",
      "contentMediaType", "contentEncoding", "contentSchema", "$vocabulary");
  private static final Set<String> KNOWN_DIALECTS = Set.of("https://json-schema.org/draft/2020-12/schema",
      "https://json-schema.org/draft-07/schema", "https://json-schema.org/draft-06/schema",
      "https://json-schema.org/draft-04/schema");
  private static final List<String> TYPES = List.of("null", "boolean", "object", "array", "string", "integer", "number");

  private final Options options;
  private final boolean draft7;
  private final JsonNode root;
  private final URI rootBase;
  private final Map<String, Loc> ids = new HashMap<>();
  private final Grammar.Builder builder;
  private final Map<String, Expr> memo = new HashMap<>();
  private final Set<String> inProgress = new java.util.HashSet<>();
  private final Map<String, String> literalLexemes = new HashMap<>();
  private final Map<String, String> automatonLexemes = new HashMap<>();
  private int ruleCount;
  private int lexemeCount;

  /** A schema at a place in the document: its node, JSON pointer and base URI; {@code skip}: keywords already applied. */
  private record Loc(JsonNode node, String pointer, URI base, Set<String> skip, boolean d7) {
    String key() {
      return skip.isEmpty() ? pointer : pointer + skip;
    }

    Loc without(String keyword) {
      Set<String> s = new java.util.TreeSet<>(skip);
      s.add(keyword);
      return new Loc(node, pointer, base, s, d7);
    }

    Loc child(String... path) {
      JsonNode n = node;
      StringBuilder p = new StringBuilder(pointer);
      for (String k : path) {
        n = n.get(k);
        p.append('/').append(k.replace("~", "~0").replace("/", "~1"));
      }
      return new Loc(n, p.toString(), baseOf(n, base, d7), Set.of(), d7);
    }

    Loc item(String keyword, int i) {
      return new Loc(node.get(keyword).get(i), pointer + "/" + keyword + "/" + i,
          baseOf(node.get(keyword).get(i), base, d7), Set.of(), d7);
    }

    boolean has(String keyword) {
      return node.isObject() && node.has(keyword) && !skip.contains(keyword);
    }
  }

  private JsonSchemaCompiler(JsonNode root, Options options) {
    this.options = options;
    this.root = root;
    String schema = root.isObject() && root.has("$schema") ? root.get("$schema").asText("") : "";
    if (!schema.isEmpty() && !KNOWN_DIALECTS.contains(schema.replaceAll("#$", "").replace("http://", "https://"))) {
      throw new GrammarException(options.sourceName(), 0, 0, null, "at /$schema: unsupported dialect '" + schema
          + "'; supported: draft 2020-12, draft 7 (draft 6 and 4 read as draft 7)");
    }
    this.draft7 = schema.isEmpty() ? options.draft7()
        : schema.contains("draft-07") || schema.contains("draft-06") || schema.contains("draft-04");
    this.rootBase = baseOf(root, URI.create("https://sieve.invalid/root.json"), draft7);
    this.builder = Grammar.builder("json-schema:" + options.sourceName()).lexing(Grammar.Lexing.CONTEXTUAL);
    indexIds(new Loc(root, "", rootBase, Set.of(), draft7));
  }

  /** Compiles a schema document with default options. */
  public static Grammar compile(JsonNode schema) {
    return compile(schema, Options.defaults());
  }

  /** Compiles a schema given as JSON text. */
  public static Grammar compile(String schemaJson, Options options) {
    return compile(parse(schemaJson, options.sourceName()), options);
  }

  /** Compiles a schema file. */
  public static Grammar compile(Path file, Options options) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new GrammarException(file.toString(), 0, 0, null, "cannot read: " + e.getMessage());
    }
    Options o = options.sourceName().equals(Options.defaults().sourceName())
        ? options.withSourceName(file.toString()) : options;
    return compile(parse(text, o.sourceName()), o);
  }

  /** Parses JSON text; a syntax error names the source, line and column. */
  static JsonNode parse(String text, String sourceName) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      throw new GrammarException(sourceName, loc == null ? 0 : loc.getLineNr(),
          loc == null ? 0 : loc.getColumnNr(), null, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Compiles a schema document. */
  public static Grammar compile(JsonNode schema, Options options) {
    if (!schema.isObject() && !schema.isBoolean()) {
      throw new GrammarException(options.sourceName(), 0, 0, null, "a schema must be an object or a boolean");
    }
    JsonSchemaCompiler c = new JsonSchemaCompiler(schema, options);
    Loc top = new Loc(schema, "", c.rootBase, Set.of(), c.draft7);
    if (options.whitespace() == Whitespace.FLEXIBLE) {
      c.builder.lexeme(Lexeme.skipped("WS", RegexCompiler.fullMatch("[ \\t\\n\\r]+")));
    }
    Expr value = c.value(List.of(top), 0);
    if (value == null) {
      throw c.error("", "the schema accepts no JSON value");
    }
    c.builder.rule("start", value);
    if (!c.builder.hasRule(NEVER)) {
      c.builder.rule(NEVER, Expr.lexeme(NEVER));
    }
    return c.builder.build("start");
  }

  // ---------------------------------------------------------------- ids and references

  /** The base URI inside {@code n}; in draft 7 an $id beside $ref is ignored like every sibling of $ref. */
  private static URI baseOf(JsonNode n, URI parent, boolean draft7) {
    if (n != null && n.isObject() && n.has("$id") && n.get("$id").isTextual() && !(draft7 && n.has("$ref"))) {
      String id = n.get("$id").asText();
      if (!id.startsWith("#")) {
        try {
          return parent.resolve(new URI(id)).normalize();
        } catch (Exception e) {
          return parent;
        }
      }
    }
    return parent;
  }

  private void indexIds(Loc loc) {
    JsonNode n = loc.node();
    if (n.isObject()) {
      URI base = loc.base();
      ids.putIfAbsent(stripFragment(base), loc);
      if (n.has("$anchor") && n.get("$anchor").isTextual()) {
        ids.putIfAbsent(stripFragment(base) + "#" + n.get("$anchor").asText(), loc);
      }
      if (n.has("$id") && n.get("$id").isTextual() && n.get("$id").asText().startsWith("#")) {
        ids.putIfAbsent(stripFragment(base) + n.get("$id").asText(), loc); // draft 7 plain-name fragment
      }
      Iterator<String> it = n.fieldNames();
      while (it.hasNext()) {
        String k = it.next();
        if (k.equals("const") || k.equals("enum") || k.equals("examples") || k.equals("default")) {
          continue;
        }
        JsonNode v = n.get(k);
        if (v.isObject()) {
          indexIds(loc.child(k));
        } else if (v.isArray()) {
          for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isObject()) {
              indexIds(loc.item(k, i));
            }
          }
        }
      }
    }
  }

  private static String stripFragment(URI u) {
    String s = u.toString();
    int h = s.indexOf('#');
    return h < 0 ? s : s.substring(0, h);
  }

  private Loc resolveRef(Loc from) {
    String ref = from.node().get("$ref").asText();
    URI target;
    try {
      target = from.base().resolve(new URI(ref));
    } catch (Exception e) {
      throw error(from.pointer() + "/$ref", "malformed $ref '" + ref + "'");
    }
    String doc = stripFragment(target);
    String frag = target.getRawFragment();
    Loc base = ids.get(doc);
    if (base == null) {
      throw error(from.pointer() + "/$ref", "$ref '" + ref + "' points outside this schema (remote references are not"
          + " fetched)");
    }
    if (frag == null || frag.isEmpty()) {
      return base;
    }
    if (!frag.startsWith("/")) {
      Loc anchored = ids.get(doc + "#" + decode(frag));
      if (anchored == null) {
        throw error(from.pointer() + "/$ref", "$ref '" + ref + "': no anchor '" + frag + "'");
      }
      return anchored;
    }
    Loc cur = base;
    for (String raw : frag.substring(1).split("/", -1)) {
      String part = decode(raw).replace("~1", "/").replace("~0", "~");
      JsonNode n = cur.node();
      if (n.isObject() && n.has(part)) {
        cur = cur.child(part);
      } else if (n.isArray() && part.matches("\\d+") && Integer.parseInt(part) < n.size()) {
        int i = Integer.parseInt(part);
        cur = new Loc(n.get(i), cur.pointer() + "/" + i, baseOf(n.get(i), cur.base(), draft7), Set.of(), draft7);
      } else {
        throw error(from.pointer() + "/$ref", "$ref '" + ref + "' points to nothing");
      }
    }
    return cur;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- errors

  private GrammarException error(String pointer, String message) {
    return new GrammarException(options.sourceName(), 0, 0, null,
        "at " + (pointer.isEmpty() ? "/" : pointer) + ": " + message);
  }

  /** An unsupported keyword: an error, or a warning when lenient. */
  private void unsupported(Loc loc, String keyword, String why) {
    String msg = "unsupported keyword '" + keyword + "'" + (why.isEmpty() ? "" : " (" + why + ")");
    if (!options.lenient()) {
      throw error(loc.pointer() + "/" + keyword, msg);
    }
    if (options.warnings() != null) {
      options.warnings().accept(options.sourceName() + ": at " + loc.pointer() + "/" + keyword + ": " + msg
          + "; dropped");
    }
  }

  // ---------------------------------------------------------------- values

  /** The rule for values satisfying every schema in {@code conj}, or null when none does. */
  private Expr value(List<Loc> conj, int depth) {
    int d = Math.min(depth, MAX_INDENT_DEPTH + 1);
    StringBuilder k = new StringBuilder();
    for (Loc l : conj) {
      k.append(l.key()).append('&');
    }
    String key = k.append('@').append(d).toString();
    if (memo.containsKey(key)) {
      return memo.get(key);
    }
    String name = "v" + (ruleCount++);
    Expr ref = Expr.rule(name);
    memo.put(key, ref); // recursion: assume non-empty until known
    inProgress.add(key);
    Expr body = build(conj, d);
    inProgress.remove(key);
    if (body == null) {
      builder.rule(name, Expr.lexeme(NEVER));
      memo.put(key, null);
      return null;
    }
    builder.rule(name, body);
    return ref;
  }

  /** Expands $ref/allOf into a flat conjunction; distributes anyOf/oneOf. */
  private Expr build(List<Loc> conj, int depth) {
    List<Loc> flat = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<Loc> work = new java.util.ArrayDeque<>(conj);
    while (!work.isEmpty()) {
      Loc l = work.poll();
      if (!seen.add(l.key())) {
        continue;
      }
      JsonNode n = l.node();
      if (n.isBoolean()) {
        if (!n.booleanValue()) {
          return null;
        }
        continue;
      }
      if (!n.isObject()) {
        throw error(l.pointer(), "a schema must be an object or a boolean");
      }
      if (l.has("$ref")) {
        Loc target = resolveRef(l);
        work.add(target);
        if (draft7) {
          continue; // draft 7: siblings of $ref are ignored
        }
        l = l.without("$ref");
      }
      if (l.has("allOf")) {
        JsonNode all = n.get("allOf");
        for (int i = 0; i < all.size(); i++) {
          work.add(l.item("allOf", i));
        }
        l = l.without("allOf");
      }
      flat.add(l);
    }
    // Distribute the first disjunction found.
    for (int i = 0; i < flat.size(); i++) {
      Loc l = flat.get(i);
      for (String kw : List.of("anyOf", "oneOf")) {
        if (!l.has(kw)) {
          continue;
        }
        JsonNode branches = l.node().get(kw);
        List<Loc> rest = new ArrayList<>(flat);
        rest.set(i, l.without(kw));
        if (kw.equals("oneOf") && !disjoint(l, branches)) {
          unsupported(l, kw, "its branches may overlap, so 'exactly one' cannot be expressed as a grammar");
        }
        List<Expr> alts = new ArrayList<>();
        if (branches.size() > MAX_BRANCHES) {
          throw error(l.pointer() + "/" + kw, "too many branches (" + branches.size() + ")");
        }
        for (int b = 0; b < branches.size(); b++) {
          List<Loc> c = new ArrayList<>(rest);
          c.add(l.item(kw, b));
          Expr e = value(c, depth);
          if (e != null) {
            alts.add(e);
          }
        }
        if (ruleCount > 50_000) {
          throw error(l.pointer() + "/" + kw, "the schema expands to too many alternatives");
        }
        return alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
      }
    }
    return plain(flat, depth);
  }

  /** Whether oneOf's branches provably share no instance: their types or enum/const values are disjoint. */
  private boolean disjoint(Loc at, JsonNode branches) {
    List<Set<String>> types = new ArrayList<>();
    List<List<JsonNode>> values = new ArrayList<>();
    for (int b = 0; b < branches.size(); b++) {
      JsonNode s = branches.get(b);
      if (s.isBoolean() && !s.booleanValue()) {
        types.add(Set.of());
        values.add(List.of());
        continue;
      }
      if (!s.isObject()) {
        return false;
      }
      types.add(s.has("type") ? typeSet(s.get("type")) : Set.copyOf(TYPES));
      if (s.has("const")) {
        values.add(List.of(s.get("const")));
      } else if (s.has("enum") && s.get("enum").isArray()) {
        List<JsonNode> v = new ArrayList<>();
        s.get("enum").forEach(v::add);
        values.add(v);
      } else {
        values.add(null);
      }
    }
    for (int a = 0; a < types.size(); a++) {
      for (int b = a + 1; b < types.size(); b++) {
        Set<String> t = new java.util.HashSet<>(types.get(a));
        t.retainAll(types.get(b));
        if (t.isEmpty()) {
          continue;
        }
        if (values.get(a) != null && values.get(b) != null) {
          boolean shared = false;
          for (JsonNode x : values.get(a)) {
            for (JsonNode y : values.get(b)) {
              shared |= jsonEquals(x, y);
            }
          }
          if (!shared) {
            continue;
          }
        }
        return false;
      }
    }
    return true;
  }

  /** A type keyword's types, with "number" implying "integer". */
  private static Set<String> typeSet(JsonNode type) {
    Set<String> s = new java.util.HashSet<>();
    if (type.isTextual()) {
      s.add(type.asText());
    } else {
      type.forEach(t -> s.add(t.asText()));
    }
    if (s.contains("number")) {
      s.add("integer");
    }
    return s;
  }

  /** Merged constraints of a flat conjunction (no $ref, allOf, anyOf, oneOf left). */
  private static final class Merged {
    final Set<String> types = new LinkedHashSet<>(TYPES);
    List<JsonNode> values; // enum/const: allowed values, null for any
    Automaton string; // decoded strings, null for any
    BigDecimal lo;
    boolean loExcl;
    BigDecimal hi;
    boolean hiExcl;
    BigDecimal multipleOf; // exact, trailing zeros stripped
    // arrays
    final List<List<Loc>> prefix = new ArrayList<>();
    final List<Loc> items = new ArrayList<>();
    final List<Loc> arrayLocs = new ArrayList<>();
    boolean noItems; // items false
    int minItems;
    int maxItems = -1;
    // objects
    final List<Loc> objectSchemas = new ArrayList<>();
    final Set<String> required = new LinkedHashSet<>();
    Automaton keys; // propertyNames: the names allowed, null for any
    boolean stringConstrained;
    boolean arrayConstrained;
    boolean objectConstrained;
    boolean numberConstrained;
  }

  private Expr plain(List<Loc> flat, int depth) {
    Merged m = new Merged();
    for (Loc l : flat) {
      JsonNode n = l.node();
      Iterator<String> it = n.fieldNames();
      while (it.hasNext()) {
        String kw = it.next();
        if (l.skip().contains(kw) || ANNOTATIONS.contains(kw)) {
          continue;
        }
        JsonNode v = n.get(kw);
        switch (kw) {
          case "type" -> {
            Set<String> t = typeSet(v);
            for (String x : t) {
              if (!TYPES.contains(x)) {
                throw error(l.pointer() + "/type", "unknown type '" + x + "'");
              }
            }
            m.types.retainAll(t);
          }
          case "enum", "const" -> {
            List<JsonNode> vals = new ArrayList<>();
            if (kw.equals("const")) {
              vals.add(v);
            } else if (v.isArray()) {
              v.forEach(vals::add);
            } else {
              throw error(l.pointer() + "/enum", "enum must be an array");
            }
            if (m.values == null) {
              m.values = vals;
            } else {
              m.values.removeIf(x -> vals.stream().noneMatch(y -> jsonEquals(x, y)));
            }
          }
          case "minLength", "maxLength", "pattern", "format" -> stringKeyword(l, kw, v, m);
          case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf" -> numberKeyword(l, kw, v, m);
          case "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains",
               "minContains", "maxContains" -> arrayKeyword(l, kw, v, m);
          case "properties", "additionalProperties", "patternProperties" -> {
            m.objectConstrained = true;
            if (!m.objectSchemas.contains(l)) {
              m.objectSchemas.add(l);
            }
          }
          case "propertyNames" -> {
            m.objectConstrained = true;
            Automaton k = keyLanguage(l.child("propertyNames"));
            if (k != null) {
              m.keys = m.keys == null ? k : Operations.intersection(m.keys, k);
            }
          }
          case "required" -> {
            m.objectConstrained = true;
            v.forEach(r -> m.required.add(r.asText()));
          }
          case "minProperties", "maxProperties" -> {
            if (kw.equals("minProperties") && v.asInt() == 0) {
              continue;
            }
            unsupported(l, kw, "property counts are not tracked");
          }
          case "dependencies", "dependentRequired", "dependentSchemas" -> {
            if (v.isObject() && v.isEmpty()) {
              continue;
            }
            unsupported(l, kw, "");
          }
          case "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "not", "if", "then", "else",
               "unevaluatedProperties", "unevaluatedItems" -> {
            if (kw.equals("$dynamicAnchor") || kw.equals("$recursiveAnchor")) {
              continue; // an anchor alone changes nothing; $dynamicRef is refused where it is used
            }
            if ((kw.equals("then") || kw.equals("else")) && !n.has("if")) {
              continue; // without if, then/else have no effect
            }
            unsupported(l, kw, "");
          }
          default -> unsupported(l, kw, "unknown keyword");
        }
      }
    }
    if (m.types.contains("number")) {
      m.types.add("integer");
    }
    arrays(m);
    List<Expr> alts = new ArrayList<>();
    if (m.values != null) {
      for (JsonNode v : m.values) {
        if (admits(m, v, flat)) {
          alts.add(literal(serialize(v, depth)));
        }
      }
      return alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
    }
    for (String t : m.types) {
      Expr e = switch (t) {
        case "null" -> literal("null");
        case "boolean" -> Expr.alt(literal("true"), literal("false"));
        case "string" -> stringValue(m);
        case "integer" -> m.types.contains("number") ? null : numberValue(m, true);
        case "number" -> numberValue(m, false);
        case "array" -> arrayValue(m, depth);
        case "object" -> objectValue(m, depth);
        default -> null;
      };
      if (e != null) {
        alts.add(e);
      }
    }
    return alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
  }

  // ---------------------------------------------------------------- strings

  private void stringKeyword(Loc l, String kw, JsonNode v, Merged m) {
    Automaton a;
    switch (kw) {
      case "minLength" -> a = StringLanguages.length(intArg(l, kw, v), -1);
      case "maxLength" -> {
        int max = intArg(l, kw, v);
        if (max > 4096) {
          unsupported(l, kw, "bounds above 4096 are not compiled");
          return;
        }
        a = StringLanguages.length(0, max);
      }
      case "pattern" -> {
        try {
          a = RegexCompiler.search(v.asText(), RegexCompiler.Dialect.ECMASCRIPT);
        } catch (RegexSyntaxException e) {
          unsupported(l, kw, e.getMessage());
          return;
        }
      }
      default -> {
        a = StringLanguages.format(v.asText());
        if (a == null) {
          unsupported(l, "format", "format '" + v.asText() + "' is not supported; supported: "
              + new java.util.TreeSet<>(StringLanguages.FORMATS.keySet()));
          return;
        }
      }
    }
    m.stringConstrained = true;
    m.string = m.string == null ? a : Operations.intersection(m.string, a);
  }

  private int intArg(Loc l, String kw, JsonNode v) {
    if (!v.isNumber() || v.decimalValue().stripTrailingZeros().scale() > 0 || v.decimalValue().signum() < 0) {
      throw error(l.pointer() + "/" + kw, kw + " must be a non-negative integer");
    }
    BigInteger b = v.decimalValue().toBigInteger();
    return b.bitLength() > 31 ? Integer.MAX_VALUE : b.intValue();
  }

  private Expr stringValue(Merged m) {
    if (m.string == null) {
      return automatonLexeme("string", StringLanguages::anyJsonString);
    }
    Automaton dec = Operations.determinize(Operations.removeDeadStates(m.string), 200_000);
    if (Operations.isEmpty(dec)) {
      return null;
    }
    return newLexeme(StringLanguages.encode(dec));
  }

  /** The names a propertyNames schema allows (string keywords, type, enum/const, $ref), null for any. */
  private Automaton keyLanguage(Loc l) {
    JsonNode n = l.node();
    if (n.isBoolean()) {
      return n.booleanValue() ? null : Automata.makeEmpty();
    }
    if (n.has("$ref")) {
      Automaton target = keyLanguage(resolveRef(l));
      if (draft7 || n.size() == 1) {
        return target;
      }
      Automaton rest = keyLanguage(l.without("$ref"));
      return target == null ? rest : rest == null ? target : Operations.intersection(target, rest);
    }
    Merged m = new Merged();
    Automaton out = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String kw = it.next();
      JsonNode v = n.get(kw);
      if (l.skip().contains(kw) || ANNOTATIONS.contains(kw)) {
        continue;
      }
      Automaton a;
      switch (kw) {
        case "type" -> a = typeSet(v).contains("string") ? null : Automata.makeEmpty();
        case "minLength", "maxLength", "pattern", "format" -> {
          stringKeyword(l, kw, v, m);
          a = null;
        }
        case "const", "enum" -> {
          List<Automaton> names = new ArrayList<>();
          for (JsonNode x : kw.equals("const") ? List.of(v) : (Iterable<JsonNode>) v::elements) {
            if (x.isTextual()) {
              names.add(Automata.makeString(x.asText()));
            }
          }
          a = names.isEmpty() ? Automata.makeEmpty() : Operations.union(names);
        }
        default -> {
          // numbers, arrays and objects constrain nothing about a name (always a string) ...
          if (Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items",
              "prefixItems", "minItems", "maxItems", "properties", "required", "additionalProperties",
              "minProperties", "maxProperties", "patternProperties").contains(kw)) {
            a = null;
          } else {
            unsupported(l, kw, "inside propertyNames");
            a = null;
          }
        }
      }
      if (a != null) {
        out = out == null ? a : Operations.intersection(out, a);
      }
    }
    if (m.string != null) {
      out = out == null ? m.string : Operations.intersection(out, m.string);
    }
    return out == null ? null : Operations.determinize(Operations.removeDeadStates(out), 200_000);
  }

  // ---------------------------------------------------------------- numbers

  private void numberKeyword(Loc l, String kw, JsonNode v, Merged m) {
    if (draft7 && (kw.equals("exclusiveMinimum") || kw.equals("exclusiveMaximum")) && v.isBoolean()) {
      // draft 4: a boolean modifier of minimum/maximum
      if (v.booleanValue()) {
        if (kw.equals("exclusiveMinimum") && m.lo != null && l.node().has("minimum")) {
          applyLo(m, l.node().get("minimum").decimalValue(), true);
        } else if (kw.equals("exclusiveMaximum") && m.hi != null && l.node().has("maximum")) {
          applyHi(m, l.node().get("maximum").decimalValue(), true);
        }
      }
      return;
    }
    if (!v.isNumber()) {
      throw error(l.pointer() + "/" + kw, kw + " must be a number");
    }
    BigDecimal x = v.decimalValue();
    m.numberConstrained = true;
    switch (kw) {
      case "minimum" -> applyLo(m, x, draft4Exclusive(l, "exclusiveMinimum"));
      case "exclusiveMinimum" -> applyLo(m, x, true);
      case "maximum" -> applyHi(m, x, draft4Exclusive(l, "exclusiveMaximum"));
      case "exclusiveMaximum" -> applyHi(m, x, true);
      default -> {
        if (x.signum() <= 0) {
          throw error(l.pointer() + "/multipleOf", "multipleOf must be positive");
        }
        BigDecimal step = x.stripTrailingZeros();
        BigInteger digits = step.scale() <= 0 ? step.toBigIntegerExact() : step.unscaledValue();
        if (digits.bitLength() > 20) {
          unsupported(l, kw, "steps with more than 2^20 significant units are not compiled");
          return;
        }
        m.multipleOf = m.multipleOf == null ? step : lcm(m.multipleOf, step);
      }
    }
  }

  /** The least common multiple of two positive decimals. */
  static BigDecimal lcm(BigDecimal a, BigDecimal b) {
    int scale = Math.max(Math.max(a.scale(), b.scale()), 0);
    BigInteger x = a.movePointRight(scale).toBigIntegerExact();
    BigInteger y = b.movePointRight(scale).toBigIntegerExact();
    BigInteger l = x.divide(x.gcd(y)).multiply(y);
    return new BigDecimal(l).movePointLeft(scale).stripTrailingZeros();
  }

  private boolean draft4Exclusive(Loc l, String kw) {
    JsonNode e = l.node().get(kw);
    return draft7 && e != null && e.isBoolean() && e.booleanValue();
  }

  private static void applyLo(Merged m, BigDecimal x, boolean excl) {
    int c = m.lo == null ? 1 : x.compareTo(m.lo);
    if (c > 0 || (c == 0 && excl)) {
      m.lo = x;
      m.loExcl = excl;
    }
  }

  private static void applyHi(Merged m, BigDecimal x, boolean excl) {
    int c = m.hi == null ? -1 : x.compareTo(m.hi);
    if (c < 0 || (c == 0 && excl)) {
      m.hi = x;
      m.hiExcl = excl;
    }
  }

  private Expr numberValue(Merged m, boolean integer) {
    if (!m.numberConstrained) {
      return integer ? automatonLexeme("integer", NumberLanguages::anyInteger)
          : automatonLexeme("number", NumberLanguages::anyNumber);
    }
    BigDecimal step = m.multipleOf;
    boolean integralStep = step != null && step.scale() <= 0;
    if (integer || integralStep) {
      BigInteger k = null;
      if (step != null) {
        // An integer multiple of p/10^s is a multiple of p / gcd(p, 10^s).
        BigInteger p = integralStep ? step.toBigIntegerExact() : step.unscaledValue();
        k = integralStep ? p : p.divide(p.gcd(BigInteger.TEN.pow(step.scale())));
      }
      BigInteger lo = m.lo == null ? null
          : m.loExcl ? m.lo.setScale(0, RoundingMode.FLOOR).toBigIntegerExact().add(BigInteger.ONE)
          : m.lo.setScale(0, RoundingMode.CEILING).toBigIntegerExact();
      BigInteger hi = m.hi == null ? null
          : m.hiExcl ? m.hi.setScale(0, RoundingMode.CEILING).toBigIntegerExact().subtract(BigInteger.ONE)
          : m.hi.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
      if (lo != null && hi != null && lo.compareTo(hi) > 0) {
        return null;
      }
      Automaton a = NumberLanguages.integers(lo, hi, k);
      return Operations.isEmpty(a) ? null : newLexeme(a);
    }
    Automaton a = NumberLanguages.decimals(m.lo, m.loExcl, m.hi, m.hiExcl);
    if (step != null) {
      a = Operations.determinize(Operations.intersection(a, NumberLanguages.decimalMultiples(step)), 200_000);
    }
    return Operations.isEmpty(a) ? null : newLexeme(a);
  }

  // ---------------------------------------------------------------- arrays

  private void arrayKeyword(Loc l, String kw, JsonNode v, Merged m) {
    switch (kw) {
      case "minItems" -> m.minItems = Math.max(m.minItems, intArg(l, kw, v));
      case "maxItems" -> {
        int x = intArg(l, kw, v);
        m.maxItems = m.maxItems < 0 ? x : Math.min(m.maxItems, x);
      }
      case "uniqueItems" -> {
        if (v.isBoolean() && !v.booleanValue()) {
          return;
        }
        unsupported(l, kw, "uniqueness of items cannot be expressed as a grammar");
        return;
      }
      case "contains", "minContains", "maxContains" -> {
        unsupported(l, kw, "");
        return;
      }
      case "prefixItems", "items", "additionalItems" -> {
        if (kw.equals("items") && v.isArray() && !draft7) {
          throw error(l.pointer() + "/items", "items must be a schema in 2020-12 (use prefixItems)");
        }
        if (!m.arrayLocs.contains(l)) {
          m.arrayLocs.add(l);
        }
      }
      default -> throw new IllegalStateException(kw);
    }
    m.arrayConstrained = true;
  }

  /**
   * Element schemas from each schema object's own prefix (prefixItems, or draft 7's array items) and
   * rest (items, or draft 7's additionalItems): a rest schema applies past its own object's prefix only.
   * A false rest caps the length at that prefix.
   */
  private void arrays(Merged m) {
    List<Loc> rests = new ArrayList<>();
    List<Integer> restFrom = new ArrayList<>();
    for (Loc l : m.arrayLocs) {
      JsonNode n = l.node();
      String prefixKw = draft7 ? (n.has("items") && n.get("items").isArray() ? "items" : null)
          : (n.has("prefixItems") ? "prefixItems" : null);
      int own = 0;
      if (prefixKw != null && l.has(prefixKw)) {
        JsonNode arr = n.get(prefixKw);
        own = arr.size();
        for (int i = 0; i < own; i++) {
          while (m.prefix.size() <= i) {
            m.prefix.add(new ArrayList<>());
          }
          m.prefix.get(i).add(l.item(prefixKw, i));
        }
      }
      String restKw = draft7 ? (prefixKw != null ? "additionalItems" : "items") : "items";
      if (l.has(restKw) && !(draft7 && restKw.equals("items") && n.get("items").isArray())) {
        Loc rest = l.child(restKw);
        if (rest.node().isBoolean() && !rest.node().booleanValue()) {
          m.maxItems = m.maxItems < 0 ? own : Math.min(m.maxItems, own);
        }
        rests.add(rest);
        restFrom.add(own);
      }
    }
    for (int i = 0; i < m.prefix.size(); i++) {
      for (int r = 0; r < rests.size(); r++) {
        if (restFrom.get(r) <= i) {
          m.prefix.get(i).add(rests.get(r));
        }
      }
    }
    m.items.addAll(rests);
  }

  private Expr arrayValue(Merged m, int depth) {
    Layout lay = layout(depth);
    int k = m.prefix.size();
    int min = m.minItems;
    int max = m.maxItems;
    if (max >= 0 && min > max) {
      return null;
    }
    if (max > 2048 || min > 2048) {
      throw error("", "array bounds above 2048 items are not compiled");
    }
    // Element schemas.
    List<Expr> prefixValues = new ArrayList<>();
    for (List<Loc> c : m.prefix) {
      prefixValues.add(value(c, depth + 1));
    }
    Expr rest = m.noItems ? null : value(m.items, depth + 1);
    // tail(i): elements from position i on, i already written (a separator before each when i > 0).
    // Built from the back: tailAfterPrefix handles positions ≥ k with the rest schema.
    Expr[] tails = new Expr[k + 1];
    tails[k] = restTail(rest, k, min, max, lay);
    for (int i = k - 1; i >= 0; i--) {
      List<Expr> alts = new ArrayList<>();
      if (i >= min) {
        alts.add(close(i > 0, lay, ']'));
      }
      if ((max < 0 || i < max) && prefixValues.get(i) != null && tails[i + 1] != null) {
        alts.add(Expr.seq(literalOrEmpty(i > 0 ? lay.sep : lay.first), prefixValues.get(i), tails[i + 1]));
      }
      tails[i] = alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
    }
    if (tails[0] == null) {
      return null;
    }
    return Expr.seq(literal("["), namedRule(tails[0]));
  }

  /** Elements at positions ≥ start (start already written) from the rest schema, then the closing bracket. */
  private Expr restTail(Expr rest, int start, int min, int max, Layout lay) {
    int lo = Math.max(0, min - start);
    int hi = max < 0 ? -1 : Math.max(0, max - start);
    List<Expr> alts = new ArrayList<>();
    if (lo == 0) {
      alts.add(close(start > 0, lay, ']'));
    }
    if (rest != null && (hi < 0 || hi > 0)) {
      Expr sepItem = Expr.seq(literal(lay.sep), rest);
      if (start > 0) {
        int l = Math.max(lo, 1);
        alts.add(Expr.seq(new Expr.Repeat(sepItem, l, hi), literalOrEmpty(lay.closeAfter(']'))));
      } else {
        int l = Math.max(lo, 1) - 1;
        Expr first = Expr.seq(literalOrEmpty(lay.first), rest);
        alts.add(Expr.seq(first, new Expr.Repeat(sepItem, l, hi < 0 ? -1 : hi - 1),
            literalOrEmpty(lay.closeAfter(']'))));
      }
    }
    return alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
  }

  // ---------------------------------------------------------------- objects

  /** What one schema object says about a property name. */
  private List<Loc> schemasFor(Loc owner, String name) {
    List<Loc> out = new ArrayList<>();
    JsonNode n = owner.node();
    boolean matched = false;
    if (owner.has("properties") && n.get("properties").has(name)) {
      out.add(owner.child("properties", name));
      matched = true;
    }
    if (owner.has("patternProperties")) {
      Iterator<String> it = n.get("patternProperties").fieldNames();
      while (it.hasNext()) {
        String p = it.next();
        if (Operations.run(patternAutomaton(owner, p), name)) {
          out.add(owner.child("patternProperties", p));
          matched = true;
        }
      }
    }
    if (!matched) {
      out.add(additional(owner));
    }
    return out;
  }

  private Loc additional(Loc owner) {
    if (owner.has("additionalProperties")) {
      return owner.child("additionalProperties");
    }
    JsonNode b = options.additionalPropertiesFalse() ? com.fasterxml.jackson.databind.node.BooleanNode.FALSE
        : com.fasterxml.jackson.databind.node.BooleanNode.TRUE;
    return new Loc(b, owner.pointer() + "/additionalProperties", owner.base(), Set.of(), draft7);
  }

  private final Map<String, Automaton> patterns = new HashMap<>();

  private Automaton patternAutomaton(Loc owner, String p) {
    return patterns.computeIfAbsent(p, x -> {
      try {
        return Operations.determinize(RegexCompiler.search(x, RegexCompiler.Dialect.ECMASCRIPT), 200_000);
      } catch (RegexSyntaxException e) {
        throw error(owner.pointer() + "/patternProperties", "bad pattern: " + e.getMessage());
      }
    });
  }

  private Expr objectValue(Merged m, int depth) {
    Layout lay = layout(depth);
    // Declared names, in order of first declaration.
    List<String> names = new ArrayList<>();
    List<Loc> owners = m.objectSchemas;
    for (Loc o : owners) {
      if (o.has("properties")) {
        o.node().get("properties").fieldNames().forEachRemaining(x -> {
          if (!names.contains(x)) {
            names.add(x);
          }
        });
      }
    }
    for (String r : m.required) {
      if (!names.contains(r)) {
        names.add(r);
      }
    }
    // Property members: key literal then value.
    List<Expr> members = new ArrayList<>();
    List<Boolean> req = new ArrayList<>();
    for (String name : names) {
      List<Loc> c = new ArrayList<>();
      for (Loc o : owners) {
        c.addAll(schemasFor(o, name));
      }
      if (owners.isEmpty() && options.additionalPropertiesFalse()) {
        c.add(new Loc(com.fasterxml.jackson.databind.node.BooleanNode.FALSE, "/additionalProperties", rootBase,
            Set.of(), draft7));
      }
      Expr v = m.keys != null && !Operations.run(m.keys, name) ? null : value(c, depth + 1);
      boolean required = m.required.contains(name);
      if (v == null && required) {
        return null;
      }
      members.add(v == null ? null : Expr.seq(literal(StringLanguages.quote(name) + lay.colon), v));
      req.add(required);
    }
    // Additional members: keys not declared, split by which patterns they match.
    Expr extra = additionalMember(owners, names, m.keys, depth, lay);
    int n = names.size();
    // tail(i, after): members from i on; after: something was written (separator needed).
    Expr[] tailFirst = new Expr[n + 1];
    Expr[] tailAfter = new Expr[n + 1];
    tailFirst[n] = extraTail(extra, false, lay);
    tailAfter[n] = extraTail(extra, true, lay);
    for (int i = n - 1; i >= 0; i--) {
      for (boolean after : new boolean[] {false, true}) {
        List<Expr> alts = new ArrayList<>();
        Expr member = members.get(i);
        if (member != null && tailAfter[i + 1] != null) {
          alts.add(Expr.seq(literalOrEmpty(after ? lay.sep : lay.first), member, tailAfter[i + 1]));
        }
        if (!req.get(i)) {
          Expr skip = after ? tailAfter[i + 1] : tailFirst[i + 1];
          if (skip != null) {
            alts.add(skip);
          }
        }
        Expr t = alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
        t = t == null ? null : namedRule(t);
        if (after) {
          tailAfter[i] = t;
        } else {
          tailFirst[i] = t;
        }
      }
    }
    if (tailFirst[0] == null) {
      return null;
    }
    return Expr.seq(literal("{"), tailFirst[0]);
  }

  /** Additional properties then the closing brace. */
  private Expr extraTail(Expr extra, boolean after, Layout lay) {
    Expr close = close(after, lay, '}');
    if (extra == null) {
      return close;
    }
    Expr more = Expr.star(Expr.seq(literal(lay.sep), extra));
    Expr closeAfter = literalOrEmpty(lay.closeAfter('}'));
    if (after) {
      return namedRule(Expr.seq(more, closeAfter));
    }
    return namedRule(Expr.alt(close, Expr.seq(literalOrEmpty(lay.first), extra, more, closeAfter)));
  }

  /** One additional member (key and value), or null when none is allowed. */
  private Expr additionalMember(List<Loc> owners, List<String> names, Automaton allowedKeys, int depth, Layout lay) {
    List<Loc> pp = new ArrayList<>(); // owners with patternProperties
    List<String> pats = new ArrayList<>();
    List<Loc> patOwner = new ArrayList<>();
    for (Loc o : owners) {
      if (o.has("patternProperties")) {
        Iterator<String> it = o.node().get("patternProperties").fieldNames();
        while (it.hasNext()) {
          pats.add(it.next());
          patOwner.add(o);
        }
        pp.add(o);
      }
    }
    if (pats.size() > MAX_PATTERNS) {
      throw error(pp.get(0).pointer() + "/patternProperties", "more than " + MAX_PATTERNS
          + " property patterns are not compiled");
    }
    Automaton declared = names.isEmpty() ? Automata.makeEmpty()
        : Operations.union(names.stream().map(Automata::makeString).toList());
    List<Expr> alts = new ArrayList<>();
    for (int region = 0; region < (1 << pats.size()); region++) {
      Automaton keys = allowedKeys == null ? StringLanguages.anyString() : allowedKeys;
      List<Loc> c = new ArrayList<>();
      Set<Loc> matchedOwners = new java.util.HashSet<>();
      for (int i = 0; i < pats.size(); i++) {
        Automaton p = patternAutomaton(patOwner.get(i), pats.get(i));
        if ((region & (1 << i)) != 0) {
          keys = Operations.intersection(keys, p);
          c.add(patOwner.get(i).child("patternProperties", pats.get(i)));
          matchedOwners.add(patOwner.get(i));
        } else {
          keys = Operations.intersection(keys, Operations.complement(p, 200_000));
        }
      }
      for (Loc o : owners) {
        if (!matchedOwners.contains(o)) {
          c.add(additional(o));
        }
      }
      if (owners.isEmpty() && options.additionalPropertiesFalse()) {
        return null;
      }
      keys = Operations.determinize(Operations.minus(keys, declared, 200_000), 200_000);
      if (Operations.isEmpty(keys)) {
        continue;
      }
      Expr v = value(c, depth + 1);
      if (v == null) {
        continue;
      }
      Automaton keyText = NumberLanguages.cat(StringLanguages.encode(keys), Automata.makeString(lay.colon));
      alts.add(Expr.seq(newLexeme(keyText), v));
    }
    return alts.isEmpty() ? null : namedRule(alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts));
  }

  // ---------------------------------------------------------------- layout and lexemes

  /** Separators at one nesting depth. */
  private record Layout(String first, String sep, String colon, String indentClose) {
    String closeAfter(char bracket) {
      return indentClose + bracket;
    }
  }

  private Layout layout(int depth) {
    if (options.whitespace() != Whitespace.INDENTED || depth > MAX_INDENT_DEPTH) {
      return new Layout("", ",", ":", "");
    }
    String inner = "\n" + " ".repeat(options.indent() * (depth + 1));
    String outer = "\n" + " ".repeat(options.indent() * depth);
    return new Layout(inner, "," + inner, ": ", outer);
  }

  private Expr close(boolean after, Layout lay, char bracket) {
    return literal(after ? lay.closeAfter(bracket) : String.valueOf(bracket));
  }

  private Expr namedRule(Expr body) {
    String name = "r" + (ruleCount++);
    builder.rule(name, body);
    return Expr.rule(name);
  }

  private Expr literalOrEmpty(String text) {
    return text.isEmpty() ? Expr.empty() : literal(text);
  }

  private Expr literal(String text) {
    String name = literalLexemes.computeIfAbsent(text, t -> {
      String n = "L" + (lexemeCount++);
      builder.lexeme(Lexeme.literal(n, t));
      return n;
    });
    return Expr.lexeme(name);
  }

  private Expr automatonLexeme(String key, java.util.function.Supplier<Automaton> language) {
    String name = automatonLexemes.computeIfAbsent(key, k -> {
      String n = k.toUpperCase(java.util.Locale.ROOT);
      builder.lexeme(Lexeme.of(n, language.get()));
      return n;
    });
    return Expr.lexeme(name);
  }

  private Expr newLexeme(Automaton language) {
    String n = "T" + (lexemeCount++);
    builder.lexeme(Lexeme.of(n, language));
    return Expr.lexeme(n);
  }

  /** The layout's text of a JSON value (for enum and const). */
  private String serialize(JsonNode v, int depth) {
    Layout lay = layout(depth);
    if (v.isObject()) {
      if (v.isEmpty()) {
        return "{}";
      }
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        var e = it.next();
        sb.append(first ? lay.first : lay.sep).append(StringLanguages.quote(e.getKey())).append(lay.colon)
            .append(serialize(e.getValue(), depth + 1));
        first = false;
      }
      return sb.append(lay.closeAfter('}')).toString();
    }
    if (v.isArray()) {
      if (v.isEmpty()) {
        return "[]";
      }
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < v.size(); i++) {
        sb.append(i == 0 ? lay.first : lay.sep).append(serialize(v.get(i), depth + 1));
      }
      return sb.append(lay.closeAfter(']')).toString();
    }
    if (v.isTextual()) {
      return StringLanguages.quote(v.asText());
    }
    if (v.isNumber()) {
      return canonicalNumber(v.decimalValue());
    }
    return v.toString(); // true, false, null
  }

  /** The canonical text of a number: integral values without fraction or exponent. */
  public static String canonicalNumber(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    if (s.signum() == 0) {
      return "0";
    }
    if (s.scale() <= 0) {
      return s.toBigIntegerExact().toString();
    }
    return s.toPlainString();
  }

  /** Whether an enum/const value also satisfies the sibling keywords (types, strings, numbers). */
  private boolean admits(Merged m, JsonNode v, List<Loc> flat) {
    String type = typeOf(v);
    if (!m.types.contains(type) && !(type.equals("integer") && m.types.contains("number"))) {
      return false;
    }
    if (v.isTextual() && m.string != null) {
      return Operations.run(Operations.determinize(m.string, 200_000), v.asText());
    }
    if (v.isNumber() && m.numberConstrained) {
      BigDecimal x = v.decimalValue();
      if (m.lo != null && (m.loExcl ? x.compareTo(m.lo) <= 0 : x.compareTo(m.lo) < 0)) {
        return false;
      }
      if (m.hi != null && (m.hiExcl ? x.compareTo(m.hi) >= 0 : x.compareTo(m.hi) > 0)) {
        return false;
      }
      if (m.multipleOf != null) {
        return x.remainder(m.multipleOf).signum() == 0;
      }
      return true;
    }
    if ((v.isObject() && m.objectConstrained) || (v.isArray() && m.arrayConstrained)) {
      throw error(flat.get(0).pointer(), "enum/const values that are objects or arrays cannot be combined with"
          + " object or array keywords");
    }
    return true;
  }

  private static String typeOf(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return v.decimalValue().stripTrailingZeros().scale() <= 0 ? "integer" : "number";
    }
    return v.isArray() ? "array" : "object";
  }

  /** JSON equality: numbers by value, objects regardless of member order. */
  static boolean jsonEquals(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!b.has(k) || !jsonEquals(a.get(k), b.get(k))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!jsonEquals(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  static ObjectNode emptyObject() {
    return JSON.createObjectNode();
  }
}
