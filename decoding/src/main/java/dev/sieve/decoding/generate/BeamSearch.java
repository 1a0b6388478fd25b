package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.sampling.GreedySampler;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search under the processor chain: keeps the {@code numBeams} best partial outputs by the sum of
 * the log-probabilities of the processed scores (so a constraint's mask rules tokens out of every beam).
 * Each beam is a {@link SequenceDecoder}; a beam that is extended by several tokens is
 * {@link SequenceDecoder#fork() forked}, which forks its KV cache and every processor's state (a grammar
 * matcher per beam). A beam ends at an end-of-sequence token or when a constraint is finished; search
 * stops when no live beam can beat the best ended one (scores only fall) or at {@code maxNewTokens}.
 * With one beam it is greedy decoding.
 */
public final class BeamSearch {
  /**
   * One output.
   *
   * @param tokens generated tokens, end of sequence left out
   * @param score the sum of the log-probabilities of the chosen tokens (end of sequence included)
   * @param finishReason {@code EOS}, {@code CONSTRAINT}, {@code STOP} (a stop string, whose last token is
   *     kept in {@code tokens}) or {@code LENGTH}
   */
  public record Beam(int[] tokens, double score, FinishReason finishReason) {}

  /**
   * A search's ended beams, best first, with the time spent in the prompt's forward pass and in all
   * forward passes (the prompt's included).
   */
  public record Outcome(List<Beam> beams, long prefillNanos, long forwardNanos) {}

  private final LanguageModel model;
  private final int numBeams;
  private final int maxNewTokens;

  public BeamSearch(LanguageModel model, int numBeams, int maxNewTokens) {
    if (numBeams < 1 || maxNewTokens < 1) {
      throw new IllegalArgumentException("numBeams and maxNewTokens must be at least 1");
    }
    this.model = model;
    this.numBeams = numBeams;
    this.maxNewTokens = maxNewTokens;
  }

  private static final class Live {
    final SequenceDecoder seq;
    final float[] logits;
    final double score;
    final int[] tokens;
    /** The output's bytes so far, when stop strings are watched (else empty). */
    final byte[] bytes;

    Live(SequenceDecoder seq, float[] logits, double score, int[] tokens, byte[] bytes) {
      this.seq = seq;
      this.logits = logits;
      this.score = score;
      this.tokens = tokens;
      this.bytes = bytes;
    }
  }

  private record Candidate(int parent, int token, double score) {}

  /**
   * Searches from a prompt. {@code chain} gives each beam's processors (forked per beam; the chain's own
   * instances are used by the first beam). Returns the ended beams, best first, at most {@code numBeams}.
   */
  public List<Beam> search(int[] prompt, List<LogitsProcessor> chain, int[] eosTokenIds) {
    return search(prompt, chain, eosTokenIds, List.of(), null).beams();
  }

  /**
   * Searches from a prompt, also ending a beam when its output holds one of {@code stopStrings} (matched
   * on the output's UTF-8 bytes, so {@code vocabulary} gives each token's bytes; it may be null when there
   * are no stop strings).
   */
  public Outcome search(int[] prompt, List<LogitsProcessor> chain, int[] eosTokenIds, List<String> stopStrings,
      Vocabulary vocabulary) {
    byte[][] stops = new byte[stopStrings.size()][];
    for (int i = 0; i < stops.length; i++) {
      stops[i] = stopStrings.get(i).getBytes(StandardCharsets.UTF_8);
    }
    if (stops.length > 0 && vocabulary == null) {
      throw new IllegalArgumentException("stop strings need the vocabulary");
    }
    List<Beam> ended = new ArrayList<>();
    List<Live> live = new ArrayList<>();
    long[] forward = {0}; // forward time of every decoder, added as each closes (a fork counts only its own)
    SequenceDecoder first = new SequenceDecoder(model, prompt, chain, GreedySampler.INSTANCE, true);
    float[] firstLogits = first.prefill();
    long prefillNanos = first.forwardNanos();
    live.add(new Live(first, firstLogits, 0, new int[0], new byte[0]));
    try {
      for (int step = 0; step < maxNewTokens && !live.isEmpty(); step++) {
        List<Candidate> candidates = new ArrayList<>();
        for (int b = 0; b < live.size(); b++) {
          Live l = live.get(b);
          float[] scores = l.logits.clone();
          l.seq.processAll(scores);
          logSoftmax(scores);
          for (int t : topTokens(scores, numBeams)) {
            candidates.add(new Candidate(b, t, l.score + scores[t]));
          }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> chosen = candidates.subList(0, Math.min(numBeams, candidates.size()));
        int[] children = new int[live.size()];
        for (Candidate c : chosen) {
          children[c.parent]++;
        }
        List<Live> next = new ArrayList<>();
        for (Candidate c : chosen) {
          Live parent = live.get(c.parent);
          // The last child takes the parent's decoder; the others fork it first.
          SequenceDecoder seq = --children[c.parent] == 0 ? parent.seq : parent.seq.fork();
          if (children[c.parent] == 0) {
            children[c.parent] = -1; // taken
          }
          seq.accept(c.token);
          if (contains(eosTokenIds, c.token)) {
            ended.add(new Beam(parent.tokens, c.score, FinishReason.EOS));
            retire(seq, forward);
            continue;
          }
          int[] tokens = Arrays.copyOf(parent.tokens, parent.tokens.length + 1);
          tokens[tokens.length - 1] = c.token;
          byte[] bytes = parent.bytes;
          if (stops.length > 0) {
            byte[] add = vocabulary.tokenBytes(c.token);
            bytes = Arrays.copyOf(parent.bytes, parent.bytes.length + add.length);
            System.arraycopy(add, 0, bytes, parent.bytes.length, add.length);
            if (endsAStop(bytes, parent.bytes.length, stops)) {
              ended.add(new Beam(tokens, c.score, FinishReason.STOP));
              retire(seq, forward);
              continue;
            }
          }
          if (seq.constraintFinished()) {
            ended.add(new Beam(tokens, c.score, FinishReason.CONSTRAINT));
            retire(seq, forward);
            continue;
          }
          if (step + 1 == maxNewTokens) {
            ended.add(new Beam(tokens, c.score, FinishReason.LENGTH));
            retire(seq, forward);
            continue;
          }
          next.add(new Live(seq, seq.feed(c.token), c.score, tokens, bytes));
        }
        for (int b = 0; b < live.size(); b++) {
          if (children[b] == 0) {
            retire(live.get(b).seq, forward); // no child: pruned
          }
        }
        live = next;
        // Scores only fall: once numBeams ended beams beat every live one, no live beam can get in.
        double bestLive = live.stream().mapToDouble(l -> l.score).max().orElse(Double.NEGATIVE_INFINITY);
        if (ended.size() >= numBeams) {
          double kth = ended.stream().mapToDouble(Beam::score).boxed().sorted(Comparator.reverseOrder())
              .skip(numBeams - 1).findFirst().orElseThrow();
          if (kth >= bestLive) {
            break;
          }
        }
      }
    } finally {
      for (Live l : live) {
        retire(l.seq, forward);
      }
    }
    // Beams still live here were cut off by the check above (at the last step every beam ended).
    ended.sort(Comparator.comparingDouble(Beam::score).reversed());
    return new Outcome(List.copyOf(ended.subList(0, Math.min(numBeams, ended.size()))), prefillNanos,
        forward[0]);
  }

  private static void retire(SequenceDecoder seq, long[] forward) {
    forward[0] += seq.forwardNanos();
    seq.close();
  }

  /** Whether a stop string occurs in {@code bytes} ending after {@code from} (the newly added bytes). */
  private static boolean endsAStop(byte[] bytes, int from, byte[][] stops) {
    for (byte[] stop : stops) {
      for (int start = Math.max(0, from - stop.length + 1); start + stop.length <= bytes.length; start++) {
        if (Arrays.equals(bytes, start, start + stop.length, stop, 0, stop.length)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void logSoftmax(float[] x) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      if (v != Float.NEGATIVE_INFINITY) {
        sum += Math.exp(v - max);
      }
    }
    float log = (float) (max + Math.log(sum));
    for (int i = 0; i < x.length; i++) {
      x[i] -= log;
    }
  }

  /** The (at most) k best finite scores' ids, best first; ties to the lower id, as argmax. */
  private static int[] topTokens(float[] scores, int k) {
    int[] best = new int[k];
    int n = 0;
    for (int i = 0; i < scores.length; i++) {
      float v = scores[i];
      if (v == Float.NEGATIVE_INFINITY || Float.isNaN(v)) {
        continue;
      }
      if (n < k) {
        int j = n++;
        while (j > 0 && scores[best[j - 1]] < v) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = i;
      } else if (v > scores[best[k - 1]]) {
        int j = k - 1;
        while (j > 0 && scores[best[j - 1]] < v) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = i;
      }
    }
    return Arrays.copyOf(best, n);
  }

  private static boolean contains(int[] ids, int id) {
    for (int e : ids) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }
}
