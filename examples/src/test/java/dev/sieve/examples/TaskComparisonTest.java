package dev.sieve.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.examples.TaskComparison.Decoding;
import dev.sieve.examples.TaskComparison.Row;
import dev.sieve.examples.TaskComparison.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison of unconstrained and constrained decoding produces its table. */
class TaskComparisonTest {
  @Test
  void theComparisonTabulatesEveryDecoding() {
    EntityDisambiguation task = new EntityDisambiguation();
    List<EntityDisambiguation.Item> items = task.items().subList(0, 3);
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Table table = new TaskComparison(model).run(task, items);
      assertEquals(Decoding.DEFAULT, table.rows().stream().map(Row::decoding).toList());
      for (Row r : table.rows()) {
        assertEquals(3, r.items());
        List<TaskComparison.Output> outs = table.outputs().get(r.decoding());
        assertEquals(3, outs.size());
        assertEquals(outs.stream().filter(TaskComparison.Output::wellFormed).count(), r.wellFormed());
        // The row's score is the task's score of exactly these outputs.
        StructuredTask.Score<EntityDisambiguation.Item> score = task.newScore();
        for (int i = 0; i < 3; i++) {
          score.add(items.get(i), outs.get(i).text());
        }
        assertEquals(score.value(), r.score());
        assertEquals(score.summary(), r.scoreSummary());
      }
      assertEquals(3, table.row(Decoding.CONSTRAINED_GREEDY).wellFormed(), "every constrained output is well-formed");
      assertEquals(3, table.row(Decoding.CONSTRAINED_BEAM).wellFormed());
      String printed = table.format();
      for (Decoding d : Decoding.DEFAULT) {
        assertTrue(printed.contains(d.label()), printed);
      }
      assertTrue(printed.startsWith("entity disambiguation (accuracy): 3 items"), printed);
      String greedyLine = printed.lines().filter(l -> l.startsWith("constrained, greedy")).findFirst().orElseThrow();
      assertTrue(greedyLine.contains(" 3/3 ") && greedyLine.contains(" 100.0% "), printed);
      assertTrue(printed.contains(table.row(Decoding.CONSTRAINED_BEAM).scoreSummary()), printed);

      // All four decodings, unconstrained 4-beam search included, on one item.
      Table all = new TaskComparison(model).run(task, items.subList(0, 1), Decoding.ALL);
      assertEquals(Decoding.ALL, all.rows().stream().map(Row::decoding).toList());
      assertTrue(all.format().contains("unconstrained, 4 beams"), all.format());
      assertEquals(table.outputs().get(Decoding.CONSTRAINED_BEAM).get(0), all.outputs().get(Decoding.CONSTRAINED_BEAM).get(0),
          "a decoding's output does not depend on the others run beside it");
    }
  }
}
