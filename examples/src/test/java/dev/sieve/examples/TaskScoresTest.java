package dev.sieve.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The task scores: gold outputs score 1, empty outputs 0, partial outputs in between. */
class TaskScoresTest {
  @Test
  void goldOutputsScoreOneAndEmptyOutputsZero() {
    assertScores(new ClosedInformationExtraction());
    assertScores(new EntityDisambiguation());
    assertScores(new ConstituencyParsing());
  }

  private static <I> void assertScores(StructuredTask<I> task) {
    StructuredTask.Score<I> gold = task.newScore();
    StructuredTask.Score<I> empty = task.newScore();
    for (I item : task.items()) {
      gold.add(item, task.goldOutput(item));
      empty.add(item, "");
    }
    assertEquals(1.0, gold.value(), 1e-12, task.name() + " " + gold.summary());
    assertEquals(0.0, empty.value(), task.name() + " " + empty.summary());
    assertTrue(task.items().size() >= 20, "a data set of 20 items or more");
    assertEquals(2, task.demos().size());
  }

  @Test
  void tripleF1CountsExactTriples() {
    ClosedInformationExtraction task = new ClosedInformationExtraction();
    ClosedInformationExtraction.Item item = task.items().stream().filter(i -> i.triples().size() == 2).findFirst().orElseThrow();
    StructuredTask.Score<ClosedInformationExtraction.Item> s = task.newScore();
    ClosedInformationExtraction.Triple t = item.triples().get(0);
    s.add(item, t + " [s] " + t.subject() + " [r] wrote [o] " + t.object() + " [e]");
    // Two triples predicted, one right; both have the first gold triple's pair, one of the two gold pairs.
    assertEquals("F1 0.500 (P 0.500, R 0.500), pairs F1 0.667", s.summary());
    StructuredTask.Score<ClosedInformationExtraction.Item> reversed = task.newScore();
    reversed.add(item, "[s] " + t.object() + " [r] " + t.relation() + " [o] " + t.subject() + " [e]");
    assertEquals("F1 0.000 (P 0.000, R 0.000), pairs F1 0.000", reversed.summary(), "a pair counts in its order");
    assertEquals(Set.of(t), ClosedInformationExtraction.parse("noise " + t + " noise"));
  }

  @Test
  void wellTypedTriplesFollowTheSchemaAndTheEntitiesTypes() {
    ClosedInformationExtraction task = new ClosedInformationExtraction();
    ClosedInformationExtraction.Item curie = task.items().get(0); // Marie Curie (person), Warsaw (city)
    assertEquals(Map.of("Marie Curie", "person", "Warsaw", "city"), curie.types());
    assertEquals(Set.of(new ClosedInformationExtraction.Triple("Marie Curie", "born in", "Warsaw")),
        ClosedInformationExtraction.wellTypedTriples(curie), "a city is born nowhere; a person is nobody's capital");
    // Bill Gates and Paul Allen (people) and Microsoft (a company): founded and works for from either
    // person, and married to between the two people but never from one to himself.
    ClosedInformationExtraction.Item gates = task.items().stream().filter(i -> i.entities().contains("Microsoft")).findFirst()
        .orElseThrow();
    Set<String> expected = new java.util.HashSet<>();
    for (String p : List.of("Bill Gates", "Paul Allen")) {
      expected.add("[s] " + p + " [r] founded [o] Microsoft [e]");
      expected.add("[s] " + p + " [r] works for [o] Microsoft [e]");
    }
    expected.add("[s] Bill Gates [r] married to [o] Paul Allen [e]");
    expected.add("[s] Paul Allen [r] married to [o] Bill Gates [e]");
    assertEquals(expected, ClosedInformationExtraction.wellTypedTriples(gates).stream().map(Object::toString)
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void theTypeReportSplitsItemsByTheirNumberOfWellTypedTriples() {
    ClosedInformationExtraction task = new ClosedInformationExtraction();
    List<ClosedInformationExtraction.Item> items = task.items();
    List<TaskComparison.Output> gold = items.stream()
        .map(i -> new TaskComparison.Output(task.goldOutput(i), true, dev.sieve.decoding.generate.FinishReason.STOP)).toList();
    List<TaskComparison.Output> empty = items.stream()
        .map(i -> new TaskComparison.Output("", false, dev.sieve.decoding.generate.FinishReason.STOP)).toList();
    TaskComparison.Table table = new TaskComparison.Table(task.name(), items.size(), 0, List.of(
        new TaskComparison.Row(TaskComparison.Decoding.CONSTRAINED_GREEDY, items.size(), items.size(), 1, "", 0),
        new TaskComparison.Row(TaskComparison.Decoding.UNCONSTRAINED_GREEDY, items.size(), 0, 0, "", 0)),
        Map.of(TaskComparison.Decoding.CONSTRAINED_GREEDY, gold, TaskComparison.Decoding.UNCONSTRAINED_GREEDY, empty));
    long single = items.stream().filter(i -> ClosedInformationExtraction.wellTypedTriples(i).size() == 1).count();
    String report = ClosedInformationExtraction.typeReport(items, table);
    assertTrue(report.startsWith("items with exactly one well-typed triple: " + single + " of " + items.size() + ";"), report);
    assertTrue(report.contains("  constrained, greedy      1.000 | 1.000"), report);
    assertTrue(report.contains("  unconstrained, greedy    0.000 | 0.000"), report);
    // A blind pick is always right where the schema leaves one triple, and scores less elsewhere.
    assertTrue(report.lines().anyMatch(l -> l.startsWith("  a blind well-typed pick  1.000 | 0.")), report);
  }

  @Test
  void bracketF1IsOverSpansOfTwoOrMoreWordsAndNeedsTheSentencesWords() {
    ConstituencyParsing.Tree tree = ConstituencyParsing.Tree.parse("(S (NP the cat) (VP (VBD sat) (ADVP very still)))");
    assertEquals(List.of("the", "cat", "sat", "very", "still"), tree.leaves());
    assertEquals(Set.of("S 0 5", "NP 0 2", "VP 2 5", "ADVP 3 5"), tree.brackets());
    assertNull(ConstituencyParsing.Tree.parse("(S (NP the cat) sat"), "unbalanced");
    assertNull(ConstituencyParsing.Tree.parse("(S the cat) sat"), "text after the tree");
    assertNull(ConstituencyParsing.Tree.parse("the cat"), "no bracket");

    ConstituencyParsing task = new ConstituencyParsing();
    ConstituencyParsing.Item item = task.items().get(0); // (S (NP the dog) barked): brackets S 0 3, NP 0 2
    StructuredTask.Score<ConstituencyParsing.Item> s = task.newScore();
    s.add(item, "(S the (VP dog barked))");
    assertEquals("F1 0.500 (P 0.500, R 0.500), leaves exact 1/1", s.summary());
    StructuredTask.Score<ConstituencyParsing.Item> wrongWords = task.newScore();
    wrongWords.add(item, "(S (NP the cat) barked)");
    assertEquals("F1 0.000 (P 0.000, R 0.000), leaves exact 0/1", wrongWords.summary());
  }

  @Test
  void aMalformedDataRowIsReportedWithItsLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskData.list("a;;b", "x.tsv:3"));
    assertEquals("x.tsv:3: an empty item in 'a;;b'", e.getMessage());
  }
}
