package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.speculative.SpeculativeMode;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The speculative decoding flags of {@code sieve generate}: token recycling drafts tokens from the
 * candidates earlier forwards computed and verifies them in one forward pass. The output is the same as
 * without it; {@code --format jsonl} and batch results add a {@code speculative} object with what it did.
 */
public final class SpeculativeOptions implements RequestOptions {
  @Option(names = "--speculative", paramLabel = "MODE", description = "Speculative decoding by token recycling: "
      + "none, recycle (a fixed draft tree) or auto (the tree size, or none, that measures fastest). Default: none.")
  String mode;

  @Option(names = "--draft-tree-size", paramLabel = "N", description = "Draft tree nodes for recycle, largest tree for auto "
      + "(2 to 256; default " + GenerationConfig.DEFAULT_DRAFT_TREE_SIZE + ").")
  Integer treeSize;

  /** {@code base} with the flags applied; a bad value fails with a message naming the flag. */
  GenerationConfig apply(GenerationConfig base) {
    if (mode == null && treeSize == null) {
      return base;
    }
    GenerationConfig.Builder b = base.toBuilder();
    Settings.set("--speculative", () -> { if (mode != null) b.speculative(SpeculativeMode.parse(mode)); });
    Settings.set("--draft-tree-size", () -> { if (treeSize != null) b.draftTreeSize(treeSize); });
    if (treeSize != null && (mode == null || SpeculativeMode.parse(mode) == SpeculativeMode.NONE)) {
      throw new CliException("--draft-tree-size needs --speculative recycle or auto");
    }
    return Settings.build(b);
  }

  /** {@code speculative}: forwards, accepted_per_forward, drafted, accepted_drafts, acceptance_rate, ... */
  @Override
  public void describe(GenerationResult result, ObjectNode json) {
    Map<String, Object> m = result.measurements();
    if (!m.containsKey("speculative.forwards")) {
      return;
    }
    ObjectNode s = json.putObject("speculative");
    s.put("mode", mode == null ? "none" : SpeculativeMode.parse(mode).label());
    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(m).entrySet()) {
      if (e.getKey().startsWith("speculative.")) {
        s.set(e.getKey().substring("speculative.".length()), RequestRunner.JSON.valueToTree(e.getValue()));
      }
    }
  }
}
