package dev.sieve.decoding.tokenizer;

import java.util.Random;

/** Seeded random Unicode text: ASCII words, accents, CJK, emoji (with ZWJ sequences), other scripts, whitespace runs. */
final class RandomText {
  private static final String[] WORDS = {"the", "JSON", "record", "Hello", "world", "it's", "don't", "42", "3.14",
      "x_y", "{\"a\": 1}", "<tag>", "SELECT", "naïve", "café", "Ünïcödé", "Straße", "jalapeño"};

  private RandomText() {}

  static String next(Random r, int maxPieces) {
    StringBuilder sb = new StringBuilder();
    int pieces = 1 + r.nextInt(maxPieces);
    for (int i = 0; i < pieces; i++) {
      switch (r.nextInt(10)) {
        case 0, 1 -> sb.append(WORDS[r.nextInt(WORDS.length)]);
        case 2 -> { // ASCII printable run
          int n = 1 + r.nextInt(8);
          for (int k = 0; k < n; k++) sb.append((char) (0x20 + r.nextInt(0x5F)));
        }
        case 3 -> { // accented Latin
          int n = 1 + r.nextInt(5);
          for (int k = 0; k < n; k++) sb.append((char) (0xC0 + r.nextInt(0x17F - 0xC0)));
        }
        case 4 -> { // CJK
          int n = 1 + r.nextInt(5);
          for (int k = 0; k < n; k++) sb.append((char) (0x4E00 + r.nextInt(0x9FFF - 0x4E00)));
        }
        case 5 -> { // emoji, sometimes joined or with a skin tone
          sb.appendCodePoint(0x1F600 + r.nextInt(0x50));
          if (r.nextBoolean()) {
            sb.append('\u200D').appendCodePoint(0x1F466 + r.nextInt(4));
          } else if (r.nextBoolean()) {
            sb.appendCodePoint(0x1F3FB + r.nextInt(5));
          }
        }
        case 6 -> { // whitespace runs
          String[] ws = {" ", "  ", "    ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0", "\u3000"};
          int n = 1 + r.nextInt(3);
          for (int k = 0; k < n; k++) sb.append(ws[r.nextInt(ws.length)]);
        }
        case 7 -> { // Cyrillic, Greek, Arabic, Devanagari, Hangul
          int[][] ranges = {{0x0410, 0x044F}, {0x0391, 0x03C9}, {0x0627, 0x064A}, {0x0905, 0x0939}, {0xAC00, 0xD7A3}};
          int[] g = ranges[r.nextInt(ranges.length)];
          int n = 1 + r.nextInt(6);
          for (int k = 0; k < n; k++) sb.appendCodePoint(g[0] + r.nextInt(g[1] - g[0]));
        }
        case 8 -> sb.append(' ');
        default -> sb.appendCodePoint(0x10000 + r.nextInt(0x20000)); // astral planes (assigned or not)
      }
    }
    return sb.toString();
  }
}
