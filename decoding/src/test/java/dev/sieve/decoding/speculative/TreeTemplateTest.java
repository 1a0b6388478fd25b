package dev.sieve.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TreeTemplateTest {
  /** The probability that a node's whole path is accepted under the template's prior. */
  private static double value(TreeTemplate t, int node) {
    double v = 1;
    for (int n = node; n > 0; n = t.parent(n)) {
      v *= TreeTemplate.PRIOR[t.rank(n)];
    }
    return v;
  }

  @Test
  void theStandardTemplateHasEightyNodesSixDeepAndEveryPrefixIsATree() {
    TreeTemplate t = TreeTemplate.standard();
    assertEquals(80, t.size());
    assertEquals(6, t.maxDepth());
    assertEquals(TokenRecycler.DEFAULT_K, t.candidatesNeeded());
    for (int i = 1; i < t.size(); i++) {
      assertTrue(t.parent(i) < i, "a parent comes before its child");
      assertTrue(value(t, i) <= value(t, i - 1) + 1e-15, "nodes come in order of value");
      assertEquals(t.depth(t.parent(i)) + 1, t.depth(i));
    }
    for (int n : new int[] {1, 8, 16, 32, 80, 500}) {
      TreeTemplate p = t.prefix(n);
      assertEquals(Math.min(n, 80), p.size());
      for (int i = 1; i < p.size(); i++) {
        assertEquals(t.parent(i), p.parent(i));
        assertEquals(t.rank(i), p.rank(i));
      }
    }
  }

  /** Best-first is optimal: no node outside the tree is worth more than a node inside it. */
  @Test
  void theBestTreeLeavesOutNothingWorthMoreThanWhatItHolds() {
    TreeTemplate t = TreeTemplate.best(24, 4, 4);
    double weakest = value(t, t.size() - 1);
    for (int parent = 0; parent < t.size(); parent++) {
      if (t.depth(parent) == 4) {
        continue;
      }
      for (int rank = 0; rank < 4; rank++) {
        boolean present = false;
        for (int c = 1; c < t.size(); c++) {
          present |= t.parent(c) == parent && t.rank(c) == rank;
        }
        if (!present) {
          double v = (parent == 0 ? 1 : value(t, parent)) * TreeTemplate.PRIOR[rank];
          assertTrue(v <= weakest + 1e-15, "missing (" + parent + ", " + rank + ") worth " + v + " > " + weakest);
        }
      }
    }
  }

  @Test
  void chainsAndPathsAndBadShapes() {
    TreeTemplate c = TreeTemplate.chain(5);
    assertEquals(6, c.size());
    assertEquals(5, c.maxDepth());
    assertEquals(1, c.candidatesNeeded());
    TreeTemplate p = TreeTemplate.ofPaths(new int[][] {{0}, {1}, {0, 0}, {0, 3}});
    assertEquals(5, p.size());
    assertEquals(1, p.parent(3));
    assertEquals(3, p.rank(4));
    assertEquals(4, p.candidatesNeeded());
    assertThrows(IllegalArgumentException.class, () -> TreeTemplate.ofPaths(new int[][] {{0, 0}}));
    assertThrows(IllegalArgumentException.class, () -> TreeTemplate.ofPaths(new int[][] {{0}, {0}}));
    assertThrows(IllegalArgumentException.class, () -> TreeTemplate.ofPaths(new int[][] {{}}));
    assertThrows(IllegalArgumentException.class, () -> TreeTemplate.best(0, 3, 3));
    assertThrows(IllegalArgumentException.class, () -> TreeTemplate.best(10, 3, 99));
    assertEquals(1, TreeTemplate.best(10, 0, 8).size(), "depth 0 is the root alone");
  }
}
