package dev.sieve.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The examples' labelled data: tab-separated rows in a resource next to this class. A row's first column is
 * {@code demo} (a demonstration in the prompt) or {@code eval} (a scored item); {@code #} starts a comment line.
 */
final class TaskData {
  /** One row: its kind, its other columns, and where it is (for messages). */
  record Row(boolean demo, List<String> columns, String where) {}

  private TaskData() {}

  /** Reads a resource's rows, each with exactly {@code columns} columns after the kind. */
  static List<Row> read(String resource, int columns) {
    return read(resource, columns, true);
  }

  /** Reads a resource's rows without a kind column (a table of facts), each with exactly {@code columns} columns. */
  static List<Row> readTable(String resource, int columns) {
    return read(resource, columns, false);
  }

  private static List<Row> read(String resource, int columns, boolean kinds) {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = TaskData.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the examples' classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String where = resource + ":" + number;
        String[] parts = line.split("\t", -1);
        if (!kinds) {
          if (parts.length != columns) {
            throw new IllegalArgumentException(where + ": expected " + columns + " tab-separated columns, got: " + line);
          }
          rows.add(new Row(false, List.of(parts), where));
          continue;
        }
        if (parts.length != columns + 1 || !(parts[0].equals("demo") || parts[0].equals("eval"))) {
          throw new IllegalArgumentException(where + ": expected 'demo' or 'eval' and " + columns
              + " tab-separated columns, got: " + line);
        }
        rows.add(new Row(parts[0].equals("demo"), List.of(Arrays.copyOfRange(parts, 1, parts.length)), where));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Splits a {@code ;}-separated list, trimming each part; empty parts are an error. */
  static List<String> list(String column, String where) {
    List<String> out = new ArrayList<>();
    for (String part : column.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException(where + ": an empty item in '" + column + "'");
      }
      out.add(p);
    }
    return out;
  }
}
