package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fork and rollback give exactly the masks of a fresh matcher fed the same tokens. Token paths are
 * random walks through the mask (seeded, so repeatable) on the bundled vocabulary.
 */
class ForkRollbackTest {
  private static Vocabulary vocabulary() throws IOException {
    return HuggingFaceTokenizer.load(BundledModel.path()).vocabulary();
  }

  /** A random walk of up to {@code steps} allowed tokens (never end of sequence), with the mask before each. */
  private static List<int[]> walk(GrammarMatcher m, SplittableRandom rnd, int steps, List<long[]> masks) {
    Vocabulary v = m.compiled().vocabulary();
    TokenMask mask = new TokenMask(v.size());
    List<int[]> tokens = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      m.fillMask(mask);
      masks.add(mask.words().clone());
      int[] allowed = allowedNonEos(mask, v);
      if (allowed.length == 0) {
        assertTrue(m.isComplete(), "no token allowed and not complete: a dead end");
        break;
      }
      int id = allowed[rnd.nextInt(allowed.length)];
      assertTrue(m.acceptToken(id), "a token the mask allows is accepted");
      tokens.add(new int[] {id});
    }
    m.fillMask(mask);
    masks.add(mask.words().clone());
    return tokens;
  }

  private static int[] allowedNonEos(TokenMask mask, Vocabulary v) {
    int n = 0;
    int[] out = new int[mask.cardinality()];
    for (int id = 0; id < v.size(); id++) {
      if (mask.isAllowed(id) && !v.isEos(id)) {
        out[n++] = id;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static long[] maskOf(GrammarMatcher m) {
    TokenMask mask = new TokenMask(m.compiled().vocabulary().size());
    m.fillMask(mask);
    return mask.words().clone();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "csv", "arithmetic", "sql"})
  void rollbackAndForkMatchAFreshMatcher(String name) throws IOException {
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load(name), vocabulary());
    for (long seed = 1; seed <= 6; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed * 7919 + name.hashCode());
      GrammarMatcher m = cg.newMatcher();
      List<long[]> masks = new ArrayList<>();
      List<int[]> path = walk(m, rnd, 40, masks);
      int n = path.size();
      // A fresh matcher fed the same tokens: the same masks at every step.
      GrammarMatcher fresh = cg.newMatcher();
      for (int i = 0; i < n; i++) {
        assertArrayEquals(masks.get(i), maskOf(fresh), "fresh matcher, step " + i + ", seed " + seed);
        assertTrue(fresh.acceptToken(path.get(i)[0]));
      }
      assertArrayEquals(masks.get(n), maskOf(fresh));
      // Forks taken at every fifth step, then driven elsewhere, leave the original and each other alone.
      GrammarMatcher original = cg.newMatcher();
      List<GrammarMatcher> forks = new ArrayList<>();
      List<Integer> forkAt = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        if (i % 5 == 0) {
          GrammarMatcher f = original.fork();
          walk(f, new SplittableRandom(seed + i), 10, new ArrayList<>());
          forks.add(f);
          forkAt.add(i);
        }
        if (i < n) {
          assertTrue(original.acceptToken(path.get(i)[0]));
        }
      }
      assertArrayEquals(masks.get(n), maskOf(original), "the original after its forks moved on");
      // Rolling a fork back to where it was taken gives that step's mask.
      for (int k = 0; k < forks.size(); k++) {
        GrammarMatcher f = forks.get(k);
        f.rollback(f.length() - forkAt.get(k));
        assertEquals(forkAt.get(k), f.length());
        assertArrayEquals(masks.get(forkAt.get(k)), maskOf(f), "fork rolled back to step " + forkAt.get(k));
      }
      // Random rollbacks along the path and replays.
      for (int r = 0; r < 5 && n > 0; r++) {
        int back = 1 + rnd.nextInt(original.length());
        original.rollback(back);
        int at = original.length();
        assertArrayEquals(masks.get(at), maskOf(original), "rolled back " + back + " to step " + at);
        for (int i = at; i < n; i++) {
          assertTrue(original.acceptToken(path.get(i)[0]), "replay after rollback, step " + i);
        }
        assertArrayEquals(masks.get(n), maskOf(original));
      }
    }
  }
}
