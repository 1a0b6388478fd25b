package dev.sieve.decoding.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.ChatTemplate;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptLayoutTest {
  private static int[] ids(int... a) {
    return a;
  }

  /** prefix [10 11] · set {[20 21 22], [30]} · suffix [40 41] · set {[50], [60 61]} · suffix [70]. */
  private static PromptLayout example() {
    return PromptLayout.builder()
        .text(10, 11)
        .set(List.of(ids(30), ids(20, 21, 22)))
        .text(40, 41)
        .set(List.of(ids(60, 61), ids(50)))
        .text(70)
        .build();
  }

  @Test
  void membersStartAtTheSamePositionAndWhatFollowsStartsAfterTheLongest() {
    PromptLayout l = example();
    // members in canonical (token id) order: [20 21 22] before [30]; [50] before [60 61]
    assertArrayEquals(ids(10, 11, 20, 21, 22, 30, 40, 41, 50, 60, 61, 70), l.tokens());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 2, 5, 6, 7, 7, 8, 9}, l.positions());
    assertEquals(10, l.nextPosition());
    assertEquals(12, l.length());
    assertEquals(2, l.setCount());
  }

  @Test
  void membersSeeWhatCameBeforeAndThemselvesOnlyAndTextAfterASetSeesEverything() {
    PromptLayout l = example();
    int n = l.length();
    for (int q = 0; q < n; q++) {
      for (int k = q + 1; k < n; k++) {
        assertFalse(l.attends(q, k), "no token sees a later slot: " + q + " -> " + k);
      }
    }
    // member [30] (slot 5) does not see member [20 21 22] (slots 2-4) but sees the prefix
    for (int k = 2; k <= 4; k++) {
      assertFalse(l.attends(5, k));
      assertFalse(l.attends(4, 5));
    }
    assertTrue(l.attends(5, 0) && l.attends(5, 1) && l.attends(5, 5));
    assertTrue(l.attends(4, 2) && l.attends(4, 3) && l.attends(4, 4));
    // the suffix (slots 6, 7) sees every earlier slot
    for (int k = 0; k <= 7; k++) {
      assertTrue(l.attends(7, k));
    }
    // the second set's members see the first set entirely and not each other
    for (int k = 0; k <= 7; k++) {
      assertTrue(l.attends(8, k) && l.attends(9, k) && l.attends(10, k));
    }
    assertFalse(l.attends(9, 8));
    assertFalse(l.attends(10, 8));
    assertTrue(l.attends(10, 9));
    for (int k = 0; k < n; k++) {
      assertTrue(l.attends(11, k));
    }
    float[] bias = l.attentionBias();
    assertEquals(n * n, bias.length);
    for (int q = 0; q < n; q++) {
      for (int k = 0; k < n; k++) {
        assertEquals(l.attends(q, k) ? 0f : PromptLayout.BLOCKED, bias[q * n + k]);
      }
    }
  }

  @Test
  void withoutSetsItIsThePlainCausalPrompt() {
    PromptLayout l = PromptLayout.builder().text(5, 6).text(7).build();
    assertArrayEquals(ids(5, 6, 7), l.tokens());
    assertArrayEquals(new long[] {0, 1, 2}, l.positions());
    for (int q = 0; q < 3; q++) {
      for (int k = 0; k < 3; k++) {
        assertEquals(k <= q, l.attends(q, k));
      }
    }
  }

  @Test
  void anyOrderOfTheMembersGivesTheSameLayout() {
    PromptLayout a = PromptLayout.builder().text(1).set(List.of(ids(9, 2), ids(3), ids(9, 1, 4), ids(3))).text(2).build();
    PromptLayout b = PromptLayout.builder().text(1).set(List.of(ids(3), ids(9, 1, 4), ids(3), ids(9, 2))).text(2).build();
    assertArrayEquals(a.tokens(), b.tokens());
    assertArrayEquals(a.positions(), b.positions());
    assertArrayEquals(a.attentionBias(), b.attentionBias());
    assertArrayEquals(ids(1, 3, 3, 9, 1, 4, 9, 2, 2), a.tokens());
  }

  @Test
  void badLayoutsGetOneClearError() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptLayout.builder().build())
        .getMessage().contains("empty"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PromptLayout.builder().text(1).set(List.of(ids(2), ids(3))).build()).getMessage().contains("must end with text"));
    assertThrows(IllegalArgumentException.class, () -> PromptLayout.builder().set(List.of()));
    assertThrows(IllegalArgumentException.class, () -> PromptLayout.builder().set(List.of(ids(1), ids())));
    Tokenizer tok = TestModels.bundled().tokenizer();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptLayout.encode(
        List.of(PromptSegment.text("a"), PromptSegment.set("x", ""), PromptSegment.text("b")), tok));
    assertEquals("member 2 of set 1 is empty", e.getMessage());
  }

  @Test
  void segmentsAreEncodedAsPlainTextPieceByPiece() {
    Tokenizer tok = TestModels.bundled().tokenizer();
    PromptLayout l = PromptLayout.encode(List.of(PromptSegment.text("Pick one:"), PromptSegment.set(" red", " <|user|>"),
        PromptSegment.text(" Answer:")), tok);
    int[] prefix = tok.encode("Pick one:");
    int[] red = tok.encode(" red");
    int[] user = tok.encode(" <|user|>"); // special-token text stays text
    int[] suffix = tok.encode(" Answer:");
    assertEquals(prefix.length + red.length + user.length + suffix.length, l.length());
    assertEquals(prefix.length + Math.max(red.length, user.length) + suffix.length, l.nextPosition());
    for (int id : l.tokens()) {
      assertFalse(tok.vocabulary().isSpecial(id));
    }
  }

  /** A set inside a user message stands where the chat template puts the message's content. */
  @Test
  void chatMessagesCarrySetsThroughTheTemplate() {
    OnnxLanguageModel model = TestModels.bundled();
    Tokenizer tok = model.tokenizer();
    ChatTemplate template = new ChatTemplate(model.chatTemplate().orElseThrow(), Map.of());
    List<PromptMessage> messages = List.of(new PromptMessage("user",
        List.of(PromptSegment.text("Which is a fruit?\n"), PromptSegment.set("- apple\n", "- chair\n"), PromptSegment.text("Answer:"))));
    PromptLayout l = PromptLayout.encodeChat(messages, template, tok);
    String rendered = template.render(List.of(ChatMessage.user("Which is a fruit?\n\uE0000\uE001Answer:")), true);
    int cut = rendered.indexOf('\uE000');
    int[] before = tok.encodeWithSpecialTokens(rendered.substring(0, cut));
    int[] after = tok.encodeWithSpecialTokens(rendered.substring(rendered.indexOf('\uE001') + 1));
    int[] apple = tok.encode("- apple\n");
    int[] chair = tok.encode("- chair\n");
    assertEquals(before.length + apple.length + chair.length + after.length, l.length());
    int[] got = l.tokens();
    assertArrayEquals(before, java.util.Arrays.copyOf(got, before.length));
    assertArrayEquals(after, java.util.Arrays.copyOfRange(got, got.length - after.length, got.length));
    assertTrue(tok.vocabulary().isSpecial(got[0]), "the template's <|user|> is a special token");
    assertEquals(before.length + Math.max(apple.length, chair.length) + after.length, l.nextPosition());
    assertThrows(IllegalArgumentException.class, () -> PromptLayout.encodeChat(
        List.of(PromptMessage.of("user", "a \uE000 b")), template, tok));
  }
}
