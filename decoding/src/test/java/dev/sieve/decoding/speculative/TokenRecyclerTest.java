package dev.sieve.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sieve.decoding.model.Logits;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenRecyclerTest {
  /** The top-k by sorting: higher score first, lower id on ties, NaN never. */
  private static int[] sortedTopK(float[] scores, int k) {
    int[] ids = IntStream.range(0, scores.length).filter(i -> !Float.isNaN(scores[i])).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(k).mapToInt(Integer::intValue).toArray();
    int[] out = new int[k];
    Arrays.fill(out, -1);
    System.arraycopy(ids, 0, out, 0, ids.length);
    return out;
  }

  @Test
  void aRowHoldsTheTopKOfTheLogitsWhereItsTokenWasFed() {
    SplittableRandom r = new SplittableRandom(3);
    TokenRecycler rec = new TokenRecycler(500);
    for (int trial = 0; trial < 200; trial++) {
      float[] scores = new float[500];
      for (int i = 0; i < scores.length; i++) {
        // few distinct values make ties common; some -inf and NaN
        scores[i] = switch (r.nextInt(20)) {
          case 0 -> Float.NEGATIVE_INFINITY;
          case 1 -> Float.NaN;
          default -> r.nextInt(trial % 3 == 0 ? 6 : 1000) / 7f;
        };
      }
      int token = r.nextInt(500);
      rec.update(token, scores, 0);
      assertArrayEquals(sortedTopK(scores, 8), rec.candidates(token), "trial " + trial);
    }
  }

  @Test
  void rowsNeverWrittenHaveNoCandidatesAndResetForgets() {
    TokenRecycler rec = new TokenRecycler(16, 4);
    assertArrayEquals(new int[] {-1, -1, -1, -1}, rec.candidates(3));
    float[] scores = new float[16];
    scores[5] = 3;
    scores[9] = 2;
    Arrays.fill(scores, 10, 16, Float.NaN);
    rec.update(3, scores, 0);
    assertArrayEquals(new int[] {5, 9, 0, 1}, rec.candidates(3));
    rec.reset();
    assertEquals(-1, rec.candidate(3, 0));
    assertEquals(16 * 5 * 4, rec.memoryBytes());
    assertEquals(8192L * 9 * 4, new TokenRecycler(8192).memoryBytes(), "288 KiB for the bundled model: under 2 MB");
  }

  @Test
  void theChosenSuccessorMovesToTheFront() {
    TokenRecycler rec = new TokenRecycler(16, 4);
    rec.promote(2, 9);
    assertArrayEquals(new int[] {9, -1, -1, -1}, rec.candidates(2));
    float[] scores = new float[16];
    for (int i = 0; i < 16; i++) {
      scores[i] = -i;
    }
    rec.update(2, scores, 0);
    assertArrayEquals(new int[] {9, 0, 1, 2}, rec.candidates(2), "a forward rewrites the row; the chosen one stays first");
    rec.promote(2, 2);
    assertArrayEquals(new int[] {2, 9, 0, 1}, rec.candidates(2));
    rec.update(2, scores, 0);
    assertArrayEquals(new int[] {2, 0, 1, 3}, rec.candidates(2));
    rec.promote(2, 11);
    assertArrayEquals(new int[] {11, 2, 0, 1}, rec.candidates(2), "a new successor pushes the last out");
    rec.promote(2, 11);
    assertArrayEquals(new int[] {11, 2, 0, 1}, rec.candidates(2));
  }

  @Test
  void aForwardUpdatesTheRowOfEveryFedTokenFromItsOwnPosition() {
    int v = 10;
    float[] values = new float[3 * v];
    values[7] = 1; // position 0: best 7
    values[v + 2] = 1; // position 1: best 2
    values[2 * v + 4] = 1; // position 2: best 4
    TokenRecycler rec = new TokenRecycler(v, 1);
    rec.update(new int[] {1, 8, 1}, new Logits(1, 3, v, values));
    assertEquals(2, rec.candidate(8, 0));
    assertEquals(4, rec.candidate(1, 0), "the later position of a token fed twice wins");
    // logits of the last position only update the last token's row
    rec.update(new int[] {3, 5}, new Logits(1, 1, v, Arrays.copyOf(values, v)));
    assertEquals(7, rec.candidate(5, 0));
    assertEquals(-1, rec.candidate(3, 0));
    assertThrows(IllegalArgumentException.class, () -> rec.update(new int[] {1}, new Logits(1, 1, 4, new float[4])));
  }

  @Test
  void draftsFollowTheMatrixThroughTheTemplateAndThePruner() {
    // 1 -> {2, 3}, 2 -> {4, 5}, 3 -> {6, 7}, 4 -> {8, 9}
    TokenRecycler rec = recyclerOf(new int[][] {{1, 2, 3}, {2, 4, 5}, {3, 6, 7}, {4, 8, 9}});
    TreeTemplate t = TreeTemplate.ofPaths(new int[][] {{0}, {1}, {0, 0}, {0, 1}, {1, 0}, {0, 0, 0}, {1, 1}});
    DraftTree tree = new DraftTree(4);
    rec.draft(1, t, 5, DraftFilter.NONE, tree);
    // breadth first: root 1; depth 1: 2, 3; depth 2: 4, 5 (under 2), 6, 7 (under 3); depth 3: 8 (under 4)
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, tree.tokens());
    assertArrayEquals(new int[] {-1, 0, 0, 1, 1, 2, 2, 3}, IntStream.range(0, tree.size()).map(tree::parent).toArray());
    assertArrayEquals(new int[] {0, 1, 1, 2, 2, 2, 2, 3}, IntStream.range(0, tree.size()).map(tree::depth).toArray());
    assertEquals(2, tree.child(0, 3), "3 is the root's second child");
    assertEquals(7, tree.child(3, 8));
    assertEquals(-1, tree.child(1, 6), "6 hangs under 3, not under 2");
    // depth limit
    rec.draft(1, t, 1, DraftFilter.NONE, tree);
    assertArrayEquals(new int[] {1, 2, 3}, tree.tokens());
    // a filter that forbids 5 and never expands 2's subtree beyond what it allows
    rec.draft(1, t, 5, new DraftFilter() {
      int depth;

      @Override
      public boolean allows(int token) {
        return token != 5;
      }

      @Override
      public boolean expands(int token) {
        return token != 3;
      }

      @Override
      public void enter(int token) {
        depth++;
      }

      @Override
      public void leave() {
        depth--;
        assertEquals(true, depth >= 0);
      }
    }, tree);
    assertArrayEquals(new int[] {1, 2, 3, 4, 8}, tree.tokens());
    // a template wider than the recycler's k is refused
    assertThrows(IllegalArgumentException.class, () -> rec.draft(1, TreeTemplate.ofPaths(new int[][] {{2}}), 3, DraftFilter.NONE, tree));
    // a root with no candidates drafts nothing
    rec.draft(15, t, 5, DraftFilter.NONE, tree);
    assertEquals(1, tree.size());
  }

  @Test
  void aDraftedChainComesFirstAndTheTemplateMergesIntoIt() {
    // 1 -> {2, 3}, 2 -> {4, 5}, 9 -> {10, 11}
    TokenRecycler rec = recyclerOf(new int[][] {{1, 2, 3}, {2, 4, 5}, {9, 10, 11}});
    TreeTemplate t = TreeTemplate.ofPaths(new int[][] {{0}, {1}, {0, 0}});
    DraftTree tree = new DraftTree(4);
    // the chain 2 9 10 under root 1: the template's 2 (rank 0) merges into the chain's 2, and its child 4
    // hangs beside the chain's 9; the template's 3 is a new sibling
    rec.draft(1, new int[] {2, 9, 10}, 3, t, 5, DraftFilter.NONE, tree);
    assertArrayEquals(new int[] {1, 2, 3, 9, 4, 10}, tree.tokens());
    assertArrayEquals(new int[] {-1, 0, 0, 1, 1, 3}, IntStream.range(0, tree.size()).map(tree::parent).toArray());
    assertEquals(3, tree.templateId(tree.child(3, 10)), "chain node i + 1 deep has template id i + 1");
    // a chain is cut at the first token the filter rejects, and at the depth limit
    rec.draft(1, new int[] {2, 9, 10}, 3, TreeTemplate.chain(0), 5, token -> token != 10, tree);
    assertArrayEquals(new int[] {1, 2, 9}, tree.tokens());
    rec.draft(1, new int[] {2, 9, 10}, 3, TreeTemplate.chain(0), 1, DraftFilter.NONE, tree);
    assertArrayEquals(new int[] {1, 2}, tree.tokens());
  }

  /** A recycler over 20 tokens with k = 2 whose row of {@code r[0]} is {@code r[1]} then {@code r[2]}, for each row r. */
  private static TokenRecycler recyclerOf(int[][] rows) {
    int v = 20;
    TokenRecycler rec = new TokenRecycler(v, 2);
    for (int[] n : rows) {
      float[] s = new float[v];
      Arrays.fill(s, -5);
      s[n[1]] = 2;
      s[n[2]] = 1;
      rec.update(n[0], s, 0);
    }
    return rec;
  }
}
