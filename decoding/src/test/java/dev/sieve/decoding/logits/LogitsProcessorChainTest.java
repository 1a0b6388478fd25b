package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogitsProcessorChainTest {
  /** A small stateful processor: the token accepted last may not come again right away. */
  static final class NoImmediateRepeat implements LogitsProcessor {
    final Deque<Integer> accepted = new ArrayDeque<>();

    @Override
    public void process(TokenHistory history, float[] logits) {
      if (!accepted.isEmpty()) {
        logits[accepted.peekLast()] = NEG;
      }
    }

    @Override
    public void accept(int token) {
      accepted.addLast(token);
    }

    @Override
    public void rollback(int n) {
      for (int i = 0; i < n; i++) {
        accepted.removeLast();
      }
    }

    @Override
    public NoImmediateRepeat fork() {
      NoImmediateRepeat copy = new NoImmediateRepeat();
      copy.accepted.addAll(accepted);
      return copy;
    }
  }

  @Test
  void appliesProcessorsInOrder() {
    // bias first, then top-1: the biased token wins
    float[] a = {3f, 1f, 2f};
    new LogitsProcessorChain(new LogitBiasProcessor(Map.of(1, 5f)), new TopKProcessor(1)).process(empty(), a);
    assertLogits(new float[] {NEG, 6f, NEG}, a);
    // top-1 first, then bias: the bias lands on a removed token
    float[] b = {3f, 1f, 2f};
    new LogitsProcessorChain(new TopKProcessor(1), new LogitBiasProcessor(Map.of(1, 5f))).process(empty(), b);
    assertLogits(new float[] {3f, NEG, NEG}, b);
  }

  @Test
  void acceptAndRollbackReachEveryMember() {
    NoImmediateRepeat first = new NoImmediateRepeat();
    NoImmediateRepeat second = new NoImmediateRepeat();
    LogitsProcessorChain chain = new LogitsProcessorChain(first, new TemperatureProcessor(2f), second);
    chain.accept(4);
    chain.accept(7);
    assertEquals(List.of(4, 7), List.copyOf(first.accepted));
    assertEquals(List.of(4, 7), List.copyOf(second.accepted));
    chain.rollback(1);
    assertEquals(List.of(4), List.copyOf(first.accepted));
    assertEquals(List.of(4), List.copyOf(second.accepted));
    float[] logits = {2f, 2f, 2f, 2f, 2f};
    chain.process(empty(), logits);
    assertLogits(new float[] {1f, 1f, 1f, 1f, NEG}, logits);
  }

  @Test
  void forkForksEveryMemberAndIsIndependent() {
    NoImmediateRepeat stateful = new NoImmediateRepeat();
    TemperatureProcessor stateless = new TemperatureProcessor(2f);
    TopKProcessor scratchHolder = new TopKProcessor(2);
    LogitsProcessorChain chain = new LogitsProcessorChain(stateful, stateless, scratchHolder);
    chain.accept(1);
    LogitsProcessorChain fork = chain.fork();
    assertNotSame(stateful, fork.processors().get(0));
    assertSame(stateless, fork.processors().get(1));
    assertNotSame(scratchHolder, fork.processors().get(2));
    fork.accept(2);
    assertEquals(List.of(1), List.copyOf(stateful.accepted));
    assertEquals(List.of(1, 2), List.copyOf(((NoImmediateRepeat) fork.processors().get(0)).accepted));
  }

  @Test
  void anEmptyChainChangesNothing() {
    float[] logits = {1f, 2f};
    new LogitsProcessorChain().process(empty(), logits);
    assertLogits(new float[] {1f, 2f}, logits);
  }
}
