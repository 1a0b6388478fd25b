package dev.sieve.decoding.model;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the bundled model directory {@code models/sieve-tiny}: the system property {@code sieve.model}
 * or the environment variable {@code SIEVE_MODEL} when set, else by walking up from the working
 * directory and from the location of this code (its jar or classes directory).
 */
public final class BundledModel {
  /** The bundled model's directory, relative to the project root. */
  public static final String RELATIVE = "models/sieve-tiny";

  private BundledModel() {}

  /** The bundled model's directory; a clear {@link ModelException} naming where it looked when not found. */
  public static Path path() {
    String prop = System.getProperty("sieve.model");
    String env = System.getenv("SIEVE_MODEL");
    String override = prop != null && !prop.isBlank() ? prop : env != null && !env.isBlank() ? env : null;
    if (override != null) {
      Path p = Path.of(override);
      if (!Files.isDirectory(p)) {
        throw new ModelException("the model directory " + p + " (from " + (prop != null ? "-Dsieve.model" : "SIEVE_MODEL")
            + ") does not exist");
      }
      return p;
    }
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      var src = BundledModel.class.getProtectionDomain().getCodeSource();
      if (src != null) {
        starts.add(Path.of(src.getLocation().toURI()).toAbsolutePath());
      }
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      // an unusual class loader: the working directory is still searched
    }
    for (Path start : starts) {
      for (Path d = start; d != null; d = d.getParent()) {
        Path candidate = d.resolve(RELATIVE);
        if (Files.isDirectory(candidate)) {
          return candidate;
        }
      }
    }
    throw new ModelException("the bundled model " + RELATIVE + " was not found above " + starts
        + "; pass --model DIR, set -Dsieve.model=DIR or SIEVE_MODEL=DIR");
  }
}
