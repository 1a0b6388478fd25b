package dev.sieve.grammars;

import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The grammars-v4 test material (grammars from the public ANTLR collection with their example inputs),
 * found through the system property {@code sieve.shared}: its {@code testdata/grammars-v4/manifest.tsv}
 * lists each grammar's folder, files and start rule.
 */
final class GrammarsV4 {
  private GrammarsV4() {}

  /** One grammar of the manifest (an entry point: kotlin's {@code script} examples make a second one). */
  record Entry(String folder, Path dir, List<String> files, String startRule, List<Path> examples) {
    String id() {
      return folder + (startRule.equals("script") ? " (script)" : "");
    }

    List<AntlrGrammarLoader.Source> sources() {
      List<AntlrGrammarLoader.Source> out = new ArrayList<>();
      for (String f : files) {
        Path p = dir.resolve(f);
        try {
          out.add(new AntlrGrammarLoader.Source(f, Files.readString(p, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return out;
    }
  }

  /** The corpus folder, or empty (with the reason) when the test material is absent. */
  static Optional<Path> root() {
    String shared = System.getProperty("sieve.shared");
    if (shared == null || shared.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(shared, "testdata", "grammars-v4");
    return Files.isRegularFile(p.resolve("manifest.tsv")) ? Optional.of(p) : Optional.empty();
  }

  static String absentMessage() {
    return "grammars-v4 test material not found (system property sieve.shared="
        + System.getProperty("sieve.shared") + "); skipping";
  }

  /** Every manifest entry, in manifest order. */
  static List<Entry> entries(Path root) {
    List<Entry> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(root.resolve("manifest.tsv"), StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        Path dir = root.resolve(f[0]);
        List<String> files = List.of(f[1].split(","));
        Path ex = dir.resolve("examples");
        if (f[0].equals("kotlin/kotlin")) {
          out.add(new Entry(f[0], dir, files, f[2], examples(ex.resolve("kotlinFile"))));
          out.add(new Entry(f[0], dir, files, "script", examples(ex.resolve("script"))));
        } else {
          out.add(new Entry(f[0], dir, files, f[2], examples(ex)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Example inputs under a folder (recursively), sorted; ANTLR's .tree and .errors companions left out. */
  static List<Path> examples(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().endsWith(".tree") && !p.toString().endsWith(".errors"))
          .sorted()
          .toList();
    }
  }

  /** Whether ANTLR's collection marks the example as one that is expected to fail. */
  static boolean expectedToFail(Path example) {
    return Files.exists(example.resolveSibling(example.getFileName() + ".errors"));
  }
}
