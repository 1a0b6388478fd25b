package dev.sieve.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DraftTreeTest {
  private final OnnxLanguageModel model = TestModels.bundled();

  private static DraftTree sample() {
    // root 10; children 11, 12; 11 -> 13, 14; 12 -> 15; 13 -> 16
    DraftTree t = new DraftTree(2);
    t.reset(10);
    int a = t.add(11, 0, 1);
    int b = t.add(12, 0, 2);
    int c = t.add(13, a, 3);
    t.add(14, a, 4);
    t.add(15, b, 5);
    t.add(16, c, 6);
    return t;
  }

  @Test
  void positionsAreThePrefixLengthPlusDepthAndTheBiasShowsAncestorsOnly() {
    DraftTree t = sample();
    assertArrayEquals(new long[] {7, 8, 8, 9, 9, 9, 10}, t.positions(7));
    int past = 3;
    float[] bias = t.attentionBias(past);
    int width = past + t.size();
    assertEquals(t.size() * width, bias.length);
    for (int q = 0; q < t.size(); q++) {
      for (int k = 0; k < width; k++) {
        boolean ancestor = false;
        if (k >= past) {
          for (int a = q; a >= 0; a = t.parent(a)) {
            ancestor |= a == k - past;
          }
        }
        assertEquals(k < past || ancestor ? 0f : DraftTree.BLOCKED, bias[q * width + k], "query " + q + " key " + k);
      }
    }
  }

  /**
   * What verification rests on: one forward over a tree gives, at every node, the logits a plain forward
   * of the prefix and that node's path gives; keeping the accepted path leaves the cache as if only it had
   * been fed.
   */
  @Test
  void oneTreeForwardScoresEveryPathAsIfItWereFedAlone() {
    int[] prefix = model.tokenizer().encode("Once upon a time, there was a little");
    int[] vocabTokens = model.tokenizer().encode(" girl who lived in the woods and a dog");
    DraftTree t = new DraftTree(8);
    t.reset(vocabTokens[0]);
    int a = t.add(vocabTokens[1], 0, 1);
    int b = t.add(vocabTokens[2], 0, 2);
    int c = t.add(vocabTokens[3], a, 3);
    int d = t.add(vocabTokens[4], b, 4);
    t.add(vocabTokens[5], c, 5);
    try (KvCache cache = model.newCache(1)) {
      model.forward(cache, ForwardInput.of(prefix));
      int past = cache.length();
      Logits all = model.forward(cache, ForwardInput.of(t.tokens()).withPositions(t.positions(past))
          .withAttentionBias(t.attentionBias(past)).allLogits());
      for (int node = 0; node < t.size(); node++) {
        List<Integer> path = new ArrayList<>();
        for (int n = node; n >= 0; n = t.parent(n)) {
          path.add(0, t.token(n));
        }
        int[] seq = new int[prefix.length + path.size()];
        System.arraycopy(prefix, 0, seq, 0, prefix.length);
        for (int i = 0; i < path.size(); i++) {
          seq[prefix.length + i] = path.get(i);
        }
        try (KvCache ref = model.newCache(1)) {
          float[] expected = model.forward(ref, ForwardInput.of(seq)).last(0);
          assertClose(expected, all.row(0, node), "node " + node);
        }
      }
      // keep the path root -> b -> d: the cache continues as if prefix, root, b, d had been fed
      cache.keep(slots(past, 0, b, d));
      assertEquals(past + 3, cache.length());
      assertEquals(past + 3, cache.nextPosition(0));
      float[] next = model.forward(cache, ForwardInput.of(vocabTokens[6])).last(0);
      try (KvCache ref = model.newCache(1)) {
        int[] seq = new int[prefix.length + 4];
        System.arraycopy(prefix, 0, seq, 0, prefix.length);
        seq[prefix.length] = t.token(0);
        seq[prefix.length + 1] = t.token(b);
        seq[prefix.length + 2] = t.token(d);
        seq[prefix.length + 3] = vocabTokens[6];
        assertClose(model.forward(ref, ForwardInput.of(seq)).last(0), next, "after keep");
      }
    }
  }

  private static int[] slots(int past, int... nodes) {
    int[] s = new int[past + nodes.length];
    for (int i = 0; i < past; i++) {
      s[i] = i;
    }
    for (int i = 0; i < nodes.length; i++) {
      s[past + i] = past + nodes[i];
    }
    return s;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4, what + " id " + i);
    }
  }
}
