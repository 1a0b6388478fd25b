package dev.sieve.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.examples.SetBasedMultipleChoice.Outcome;
import dev.sieve.examples.SetBasedMultipleChoice.Prompting;
import dev.sieve.examples.SetBasedMultipleChoice.Question;
import org.junit.jupiter.api.Test;

class SetBasedMultipleChoiceTest {
  /** Over all 24 orders of four options, the set-based prompt gives one answer, one of the options. */
  @Test
  void theSetBasedAnswerDoesNotDependOnTheOrder() {
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      SetBasedMultipleChoice mc = new SetBasedMultipleChoice(model);
      for (Question q : SetBasedMultipleChoice.QUESTIONS.subList(15, 17)) {
        Outcome set = mc.evaluate(q, Prompting.SET_BASED);
        assertEquals(24, set.orders());
        assertFalse(set.changes(), q.text() + " " + set.answers());
        assertTrue(q.options().containsAll(set.answers()));
        assertTrue(set.correct() == 0 || set.correct() == 24);
      }
    }
  }

  /** The ordinary prompt lists the options in the order given; the set-based one lays them out canonically. */
  @Test
  void layoutsListTheOptions() {
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      SetBasedMultipleChoice mc = new SetBasedMultipleChoice(model);
      Question q = SetBasedMultipleChoice.QUESTIONS.get(0);
      var forward = mc.layout(q, q.options(), Prompting.ORDINARY);
      var backward = mc.layout(q, q.options().reversed(), Prompting.ORDINARY);
      assertFalse(java.util.Arrays.equals(forward.tokens(), backward.tokens()));
      assertEquals(forward.length() - 1, forward.nextPosition() - 1);
      var set = mc.layout(q, q.options(), Prompting.SET_BASED);
      assertTrue(set.nextPosition() < set.length(), "the options share positions");
      assertTrue(java.util.Arrays.equals(set.tokens(), mc.layout(q, q.options().reversed(), Prompting.SET_BASED).tokens()));
    }
  }
}
