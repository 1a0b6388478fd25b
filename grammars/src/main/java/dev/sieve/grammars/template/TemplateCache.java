package dev.sieve.grammars.template;

import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.GrammarCompiler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled grammars of filled templates, by content: (template, bindings, vocabulary, options). A request
 * whose holes hold what an earlier one's did gets the same {@link CompiledGrammar} without compiling
 * (nor hashing automata: the key is the bindings' strings and expressions). Bounded LRU; thread-safe.
 */
public final class TemplateCache {
  private final int capacity;
  private final Map<Key, CompiledGrammar> cache = new LinkedHashMap<>(16, 0.75f, true);

  /** What a compiled grammar depends on; the bindings' part is compared by structure. */
  private record Key(String template, Object bindings, String vocabulary, GrammarCompiler.Options options) {}
  private long hits;
  private long misses;

  public TemplateCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  /** With default compile options. */
  public CompiledGrammar compile(GrammarTemplate template, GrammarTemplate.Bindings bindings, Vocabulary vocabulary) {
    return compile(template, bindings, vocabulary, GrammarCompiler.Options.defaults());
  }

  /** The compiled grammar of the filled template, compiling on a miss. */
  public CompiledGrammar compile(GrammarTemplate template, GrammarTemplate.Bindings bindings, Vocabulary vocabulary,
      GrammarCompiler.Options options) {
    Key key = new Key(template.fingerprint(), bindings.key(), vocabulary.fingerprint(), options);
    synchronized (cache) {
      CompiledGrammar c = cache.get(key);
      if (c != null) {
        hits++;
        return c;
      }
      misses++;
    }
    CompiledGrammar built = GrammarCompiler.compileUncached(template.fill(bindings), vocabulary, options);
    synchronized (cache) {
      CompiledGrammar c = cache.putIfAbsent(key, built);
      while (cache.size() > capacity) {
        cache.remove(cache.keySet().iterator().next());
      }
      return c != null ? c : built;
    }
  }

  /** Requests answered from the cache. */
  public long hits() {
    synchronized (cache) {
      return hits;
    }
  }

  /** Requests that compiled. */
  public long misses() {
    synchronized (cache) {
      return misses;
    }
  }

  public int size() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
