package dev.sieve.decoding.generate;

import java.util.ArrayList;
import java.util.List;

/** Log-softmax of processed logits: the chosen token's logprob and the top alternatives. */
final class Logprobs {
  private Logprobs() {}

  static TokenLogprob of(float[] logits, int token, int topN) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      if (v > max) {
        max = v;
      }
    }
    double sum = 0;
    for (float v : logits) {
      if (v != Float.NEGATIVE_INFINITY) {
        sum += Math.exp(v - max);
      }
    }
    double logZ = max + Math.log(sum);
    List<TokenLogprob.Alternative> top = new ArrayList<>(topN);
    if (topN > 0) {
      int[] best = new int[topN];
      int n = 0;
      for (int i = 0; i < logits.length; i++) {
        float v = logits[i];
        if (v == Float.NEGATIVE_INFINITY || Float.isNaN(v)) {
          continue;
        }
        if (n < topN) {
          int j = n++;
          while (j > 0 && logits[best[j - 1]] < v) {
            best[j] = best[j - 1];
            j--;
          }
          best[j] = i;
        } else if (v > logits[best[n - 1]]) {
          int j = n - 1;
          while (j > 0 && logits[best[j - 1]] < v) {
            best[j] = best[j - 1];
            j--;
          }
          best[j] = i;
        }
      }
      for (int k = 0; k < n; k++) {
        top.add(new TokenLogprob.Alternative(best[k], logits[best[k]] - logZ));
      }
    }
    return new TokenLogprob(token, logits[token] - logZ, top);
  }
}
