package dev.sieve.decoding.logits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Processors applied in order, as one processor: {@link #process} runs each in turn on the same logits;
 * {@link #accept}, {@link #rollback} and {@link #fork} go to every member, so a chain is as stateful as
 * its most stateful member. Thread-safety is that of its members (a forked chain holds forked members).
 */
public final class LogitsProcessorChain implements LogitsProcessor {
  private final LogitsProcessor[] processors;

  public LogitsProcessorChain(List<? extends LogitsProcessor> processors) {
    this.processors = processors.toArray(new LogitsProcessor[0]);
    for (LogitsProcessor p : this.processors) {
      if (p == null) {
        throw new IllegalArgumentException("null processor in chain");
      }
    }
  }

  public LogitsProcessorChain(LogitsProcessor... processors) {
    this(Arrays.asList(processors));
  }

  /** The members, in order. */
  public List<LogitsProcessor> processors() {
    return Collections.unmodifiableList(Arrays.asList(processors));
  }

  public boolean isEmpty() {
    return processors.length == 0;
  }

  /** A new chain with {@code next} appended. */
  public LogitsProcessorChain with(LogitsProcessor next) {
    List<LogitsProcessor> all = new ArrayList<>(Arrays.asList(processors));
    all.add(next);
    return new LogitsProcessorChain(all);
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    for (LogitsProcessor p : processors) {
      p.process(history, logits);
    }
  }

  @Override
  public void accept(int token) {
    for (LogitsProcessor p : processors) {
      p.accept(token);
    }
  }

  @Override
  public void rollback(int n) {
    for (LogitsProcessor p : processors) {
      p.rollback(n);
    }
  }

  @Override
  public LogitsProcessorChain fork() {
    LogitsProcessor[] forked = new LogitsProcessor[processors.length];
    for (int i = 0; i < processors.length; i++) {
      forked[i] = processors[i].fork();
    }
    return new LogitsProcessorChain(forked);
  }

  @Override
  public String toString() {
    return "chain" + Arrays.toString(processors);
  }
}
