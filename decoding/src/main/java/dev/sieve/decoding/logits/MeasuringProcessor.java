package dev.sieve.decoding.logits;

import java.util.Map;

/**
 * A processor that reports what it measured during a generation (e.g. how often a constraint had to
 * mask, time spent in a reward model). The generator asks every processor of its chain that implements
 * this once, at the end, and puts the entries into the result's measurements.
 */
public interface MeasuringProcessor {
  /** Adds this processor's measurements to {@code into}; keys should be prefixed by the processor's name. */
  void contributeMeasurements(Map<String, Object> into);
}
