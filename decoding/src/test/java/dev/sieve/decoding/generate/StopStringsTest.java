package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopStringsTest {
  @Test
  void holdsBackAPossibleStartAndCutsAtTheStop() {
    StopStrings s = new StopStrings(List.of("</answer>", "\n\n"));
    assertEquals("The result", s.push("The result"));
    assertEquals(" is 4", s.push(" is 4</"));
    assertEquals("", s.push("ans"));
    assertFalse(s.stopped());
    assertEquals("", s.push("wer> trailing"));
    assertTrue(s.stopped());
    assertEquals("", s.push("more"));
    assertEquals("", s.flush());
  }

  @Test
  void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
    StopStrings s = new StopStrings(List.of("STOP"));
    assertEquals("a", s.push("aST"));
    assertEquals("STa", s.push("a"));
    assertEquals("", s.push("ST"));
    assertEquals("ST", s.flush());
  }

  @Test
  void theEarliestStopWins() {
    StopStrings s = new StopStrings(List.of("cd", "bc"));
    assertEquals("a", s.push("abcd"));
    assertTrue(s.stopped());
  }

  /** However text is split into deltas, the released text is the text up to the first stop. */
  @Test
  void splittingNeverChangesTheResult() {
    Random r = new Random(11);
    String alphabet = "ab\n";
    for (int c = 0; c < 500; c++) {
      StringBuilder t = new StringBuilder();
      int n = 1 + r.nextInt(30);
      for (int i = 0; i < n; i++) t.append(alphabet.charAt(r.nextInt(alphabet.length())));
      String text = t.toString();
      List<String> stops = List.of("ab\na", "\n\n", "bbb");
      int cut = text.length();
      for (String stop : stops) {
        int i = text.indexOf(stop);
        if (i >= 0) cut = Math.min(cut, i);
      }
      StopStrings s = new StopStrings(stops);
      StringBuilder out = new StringBuilder();
      int pos = 0;
      while (pos < text.length()) {
        int len = Math.min(text.length() - pos, 1 + r.nextInt(4));
        out.append(s.push(text.substring(pos, pos + len)));
        pos += len;
      }
      out.append(s.flush());
      assertEquals(text.substring(0, cut), out.toString(), text);
      assertEquals(cut < text.length(), s.stopped());
    }
  }
}
