package dev.sieve.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.examples.TaskComparison.Decoding;
import dev.sieve.examples.TaskComparison.Output;
import dev.sieve.grammars.CompiledGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.antlr.v4.runtime.ParserRuleContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every constrained output of the three task examples (greedy and 4-beam, on a few items of each data set,
 * on the bundled model) is accepted by ANTLR's interpreter running the item's grammar written as .g4 text;
 * parse trees' leaves are the sentence's words in order. The oracle itself accepts the gold outputs and
 * rejects outputs outside the item's grammar.
 */
class ConstrainedOutputsAreAcceptedByAntlrTest {
  private static final int ITEMS = 3;
  private static OnnxLanguageModel model;
  private static TaskComparison comparison;

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    comparison = new TaskComparison(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static AntlrTaskOracle typedOracle(ClosedInformationExtraction.Item item) {
    return AntlrTaskOracle.typedClosedInformationExtraction(item.types(), ClosedInformationExtraction.RELATIONS,
        ClosedInformationExtraction.SCHEMA::allows, ClosedInformationExtraction.MAX_TRIPLES);
  }

  @Test
  void closedInformationExtraction() {
    ClosedInformationExtraction task = new ClosedInformationExtraction();
    List<String> outputs = constrainedOutputs(task, ConstrainedOutputsAreAcceptedByAntlrTest::typedOracle);
    for (int i = 0; i < outputs.size(); i++) {
      // The grammar and the parse agree: every triple names two different entities of the item and a
      // relation that the schema allows between their types.
      ClosedInformationExtraction.Item item = task.items().get(i / 2);
      String out = outputs.get(i);
      for (ClosedInformationExtraction.Triple t : ClosedInformationExtraction.parse(out)) {
        assertTrue(ClosedInformationExtraction.wellTypedTriples(item).contains(t), "not well-typed: " + t + " in " + out);
      }
    }
    ClosedInformationExtraction.Item first = task.items().get(0); // Marie Curie (person), Warsaw (city)
    AntlrTaskOracle o = typedOracle(first);
    String one = "[s] Marie Curie [r] born in [o] Warsaw [e]";
    assertTrue(o.accepts(one));
    assertTrue(o.accepts(one + " " + one), "a second triple, the same");
    assertFalse(o.accepts(one + " " + one + " " + one), "more triples than the grammar allows");
    assertFalse(o.accepts("[s] Warsaw [r] born in [o] Marie Curie [e]"), "a city is not born");
    assertFalse(o.accepts("[s] Marie Curie [r] directed [o] Warsaw [e]"), "a city is not a film");
    assertFalse(o.accepts("[s] Marie Curie [r] invented [o] Warsaw [e]"), "a relation outside the list");
    assertFalse(o.accepts("[s] Nobody [r] born in [o] Warsaw [e]"), "an entity outside the input");
    // The item with a person on both sides of "married to": no self-relation.
    ClosedInformationExtraction.Item married = task.items().stream().filter(it -> it.entities().contains("Michelle Obama"))
        .findFirst().orElseThrow();
    AntlrTaskOracle m = typedOracle(married);
    assertTrue(m.accepts("[s] Barack Obama [r] married to [o] Michelle Obama [e]"));
    assertFalse(m.accepts("[s] Barack Obama [r] married to [o] Barack Obama [e]"), "the subject as its own object");
  }

  @Test
  void everyItemsTypedGrammarIsExactlyItsWellTypedTriples() {
    // Every (subject, relation, object) over each item's entities and the relations, with the engine's
    // matcher on the template-built grammar and with ANTLR on the hand-written one.
    ClosedInformationExtraction task = new ClosedInformationExtraction();
    for (ClosedInformationExtraction.Item item : task.items()) {
      CompiledGrammar g = comparison.compile(task, item);
      AntlrTaskOracle o = typedOracle(item);
      java.util.Set<ClosedInformationExtraction.Triple> wellTyped = ClosedInformationExtraction.wellTypedTriples(item);
      assertTrue(wellTyped.containsAll(item.triples()), "a gold triple outside the schema in " + item);
      for (String s : item.entities()) {
        for (String r : ClosedInformationExtraction.RELATIONS) {
          for (String obj : item.entities()) {
            ClosedInformationExtraction.Triple t = new ClosedInformationExtraction.Triple(s, r, obj);
            assertEquals(wellTyped.contains(t), TaskComparison.accepts(g, t.toString()), "engine on " + t);
            assertEquals(wellTyped.contains(t), o.accepts(t.toString()), "ANTLR on " + t);
          }
        }
      }
    }
  }

  @Test
  void closedInformationExtractionUntyped() {
    ClosedInformationExtraction task = new ClosedInformationExtraction(false);
    Function<ClosedInformationExtraction.Item, AntlrTaskOracle> oracle = item -> AntlrTaskOracle.closedInformationExtraction(
        item.entities(), ClosedInformationExtraction.RELATIONS, ClosedInformationExtraction.MAX_TRIPLES);
    List<String> outputs = constrainedOutputs(task, oracle);
    ClosedInformationExtraction.Item first = task.items().get(0);
    AntlrTaskOracle o = oracle.apply(first);
    for (int i = 0; i < outputs.size(); i++) {
      // The grammar and the parse agree: every triple names two different entities of the item and a
      // listed relation.
      ClosedInformationExtraction.Item item = task.items().get(i / 2);
      String out = outputs.get(i);
      for (ClosedInformationExtraction.Triple t : ClosedInformationExtraction.parse(out)) {
        assertTrue(item.entities().contains(t.subject()) && item.entities().contains(t.object()), out);
        assertNotEquals(t.subject(), t.object(), "a self-relation in " + out);
        assertTrue(ClosedInformationExtraction.RELATIONS.contains(t.relation()), out);
      }
    }
    String e = first.entities().get(0);
    String other = first.entities().get(1);
    assertFalse(o.accepts("[s] " + e + " [r] invented [o] " + other + " [e]"), "a relation outside the list");
    assertFalse(o.accepts("[s] Nobody [r] born in [o] " + e + " [e]"), "an entity outside the input");
    assertFalse(o.accepts("[s] " + e + " [r] born in [o] " + e + " [e]"), "the subject as its own object");
    String one = "[s] " + e + " [r] born in [o] " + other + " [e]";
    String back = "[s] " + other + " [r] born in [o] " + e + " [e]";
    assertTrue(o.accepts(one + " " + back), "untyped, a city may be born in a person");
    assertFalse(o.accepts(one + " " + back + " " + one), "more triples than the grammar allows");
  }

  @Test
  void entityDisambiguation() {
    EntityDisambiguation task = new EntityDisambiguation();
    Function<EntityDisambiguation.Item, AntlrTaskOracle> oracle = item -> AntlrTaskOracle.entityDisambiguation(item.candidates());
    List<String> outputs = constrainedOutputs(task, oracle);
    for (int i = 0; i < outputs.size(); i++) {
      assertTrue(task.items().get(i / 2).candidates().contains(outputs.get(i)), outputs.get(i));
    }
    AntlrTaskOracle o = oracle.apply(task.items().get(0));
    assertFalse(o.accepts("Paris Hilton Paris"), "text after a candidate");
    assertFalse(o.accepts("Paris (city)"), "not a candidate");
  }

  @Test
  void constituencyParsing() {
    ConstituencyParsing task = new ConstituencyParsing();
    Function<ConstituencyParsing.Item, AntlrTaskOracle> oracle =
        item -> AntlrTaskOracle.constituencyParsing(item.words(), ConstituencyParsing.LABELS);
    List<String> outputs = constrainedOutputs(task, oracle);
    for (int i = 0; i < outputs.size(); i++) {
      ConstituencyParsing.Item item = task.items().get(i / 2);
      AntlrTaskOracle o = oracle.apply(item);
      ParserRuleContext tree = o.parse(outputs.get(i));
      assertNotNull(tree, outputs.get(i));
      assertEquals(item.words(), o.leaves(tree), "the leaves of " + outputs.get(i));
    }
    ConstituencyParsing.Item item = task.items().get(0); // (S (NP the dog) barked)
    AntlrTaskOracle o = oracle.apply(item);
    assertEquals(List.of("the", "dog", "barked"), o.leaves(o.parse("(S (NP the dog) barked)")));
    assertNotEquals(item.words(), o.leaves(o.parse("(S (NP dog the) barked)")), "words out of order");
    assertFalse(o.accepts("(S (NP the dog barked))"), "a bracket over several words with one child");
    assertFalse(o.accepts("(S (NP the cat) barked)"), "a word not in the sentence");
  }

  /**
   * The constrained greedy and 4-beam outputs of the first items, each checked by ANTLR (item by item,
   * greedy then beam); the gold outputs are checked too, so that the oracle is known to accept right answers.
   */
  private static <I> List<String> constrainedOutputs(StructuredTask<I> task, Function<I, AntlrTaskOracle> oracle) {
    List<String> texts = new ArrayList<>();
    for (I item : task.items().subList(0, ITEMS)) {
      AntlrTaskOracle o = oracle.apply(item);
      assertTrue(o.accepts(task.goldOutput(item)), "ANTLR rejects the gold output " + task.goldOutput(item) + "\n" + o.g4());
      CompiledGrammar g = comparison.compile(task, item);
      for (Decoding d : List.of(Decoding.CONSTRAINED_GREEDY, Decoding.CONSTRAINED_BEAM)) {
        Output out = comparison.decode(task, item, g, d);
        assertNotEquals(FinishReason.LENGTH, out.finishReason(), d.label() + " ran out of tokens: " + out.text());
        assertTrue(out.wellFormed(), d.label() + ": the engine's own matcher rejects " + out.text());
        assertTrue(o.accepts(out.text()), d.label() + ": ANTLR rejects the constrained output " + out.text() + "\n" + o.g4());
        texts.add(out.text());
      }
    }
    return texts;
  }
}
