package dev.sieve.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sieve.decoding.logits.TokenHistory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NgramDrafterTest {
  private static int[] draft(int max, int... history) {
    int[] out = new int[16];
    int n = new NgramDrafter().draft(new TokenHistory(history), max, out);
    return Arrays.copyOf(out, n);
  }

  @Test
  void whatFollowedTheLatestEarlierOccurrenceOfTheLastTokensIsDrafted() {
    // ... 7 8 | 9 1 ... 7 8 | 5 6 ... 7 8: the latest occurrence of "7 8" was followed by 5 6
    assertArrayEquals(new int[] {9, 1, 2}, draft(3, 7, 8, 9, 1, 2, 3, 7, 8));
    assertArrayEquals(new int[] {5, 6, 0}, draft(3, 7, 8, 9, 1, 2, 3, 7, 8, 5, 6, 0, 7, 8));
    // the longest context wins over a later, shorter one: "3 7 8" occurred first, then "4 7 8"
    assertArrayEquals(new int[] {9, 1}, draft(2, 3, 7, 8, 9, 1, 4, 7, 8, 5, 3, 7, 8));
    assertArrayEquals(new int[] {5}, draft(1, 3, 7, 8, 9, 1, 4, 7, 8, 5, 6, 4, 7, 8));
  }

  @Test
  void aRecentMatchContinuesItsOwnPeriod() {
    // period 2: "1 2 1 2 1" -> the match "2 1" ends at index 2, followed by 2 (index 3), 1 (index 4), then itself
    assertArrayEquals(new int[] {2, 1, 2, 1, 2, 1, 2}, draft(7, 1, 2, 1, 2, 1));
    // period 1
    assertArrayEquals(new int[] {4, 4, 4, 4}, draft(4, 4, 4, 4));
  }

  @Test
  void noRepeatedContextNoDraft() {
    assertEquals(0, draft(5, 1, 2, 3, 4, 5).length);
    assertEquals(0, draft(5, 1, 2).length, "too short to hold a repeated pair");
    assertEquals(0, draft(0, 1, 2, 1, 2).length, "nothing asked");
    // one shared token is not context enough: that is what the recycler's matrix holds
    assertEquals(0, draft(5, 1, 2, 3, 9, 3).length);
  }

  @Test
  void longHistoriesAreSearchedWithinTheWindow() {
    int[] h = new int[NgramDrafter.WINDOW + 50];
    for (int i = 0; i < h.length; i++) {
      h[i] = 100 + i; // all distinct
    }
    h[0] = 1;
    h[1] = 2;
    h[2] = 3; // "1 2" -> 3, too far back
    h[h.length - 2] = 1;
    h[h.length - 1] = 2;
    assertEquals(0, draft(3, h).length);
    h[60] = 1;
    h[61] = 2;
    h[62] = 7; // within the window (the last 1024 tokens before the end)
    assertArrayEquals(new int[] {7, 163}, draft(2, h));
  }
}
