package dev.sieve.decoding.model;

import java.util.List;

/**
 * What a loaded model offers, detected from its ONNX input and output names and its config.json.
 *
 * @param inputNames the graph's input names, in graph order
 * @param outputNames the graph's output names, in graph order
 * @param hasPositionIds the graph takes {@code position_ids}: explicit positions can be given
 * @param hasAttentionBias the graph takes the additive {@code attention_bias} [batch, 1, query, past+query]:
 *     custom attention patterns (tree verification, set-based prompts) can be given; without it the
 *     model applies its own causal mask and sees only {@code attention_mask}
 * @param layers transformer layers (one past key and value per layer)
 * @param kvHeads key/value heads per layer
 * @param headDim size of one head
 * @param vocabSize logits per position
 * @param maxPositions the longest sequence the model was built for (0 when the config does not say)
 * @param modelType config.json's {@code model_type}, or "" when absent
 */
public record ModelCapabilities(
    List<String> inputNames,
    List<String> outputNames,
    boolean hasPositionIds,
    boolean hasAttentionBias,
    int layers,
    int kvHeads,
    int headDim,
    int vocabSize,
    int maxPositions,
    String modelType) {

  public ModelCapabilities {
    inputNames = List.copyOf(inputNames);
    outputNames = List.copyOf(outputNames);
  }

  /** Custom attention patterns (tree attention, set-based prompting) need the attention_bias input. */
  public boolean supportsCustomAttention() {
    return hasAttentionBias;
  }

  /** A one-line description, e.g. for {@code sieve info}. */
  public String describe() {
    return String.format(
        "%s: %d layers, %d kv heads x %d, vocabulary %d, position_ids %s, attention_bias %s",
        modelType.isEmpty() ? "model" : modelType,
        layers,
        kvHeads,
        headDim,
        vocabSize,
        hasPositionIds ? "yes" : "no",
        hasAttentionBias ? "yes" : "no");
  }
}
