package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class MaskWalkTest {
  /**
   * The mask is the hot path of constrained decoding: once a position's lexer contexts and Earley
   * successors are known (the first mask there), filling it again allocates nothing, through every kind
   * of frontier node (lexemes emitted inside tokens, numbers flushed before punctuation, whitespace runs,
   * escapes). Measured with the JVM's per-thread allocation counter.
   */
  @Test
  void aMaskAtAKnownPositionAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
        && mx.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    mx.setThreadAllocatedMemoryEnabled(true);
    Tokenizer tokenizer = TiktokenTokenizer.named("o200k");
    CompiledGrammar json = GrammarCompiler.compile(BundledGrammars.load("json"), tokenizer.vocabulary());
    int[] ids = tokenizer.encode("{\n    \"id\": 12, \"ok\" :true,\n\t\"xs\": [ -3.5e2 ,null,0],\n"
        + "  \"name\": \"Zo\\u00eb caf\u00e9\"}");
    GrammarMatcher[] positions = new GrammarMatcher[ids.length];
    GrammarMatcher m = json.newMatcher();
    for (int i = 0; i < ids.length; i++) {
      positions[i] = m.fork();
      assertTrue(m.acceptToken(ids[i]));
    }
    TokenMask mask = new TokenMask(tokenizer.vocabulary().size());
    for (int round = 0; round < 3; round++) {
      for (GrammarMatcher p : positions) {
        p.fillMask(mask);
      }
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < positions.length; i++) {
        positions[i].fillMask(mask);
      }
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 1024, allocated + " bytes allocated by " + 20 * positions.length + " masks");
  }
}
