package dev.sieve.decoding.prompt;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.ChatTemplate;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.ModelCapabilities;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set-based prompt laid out for one prefill (McIlroy-Young et al., 2024): token ids in cache order, the
 * position id of every token, and the additive attention bias that keeps the members of a set from seeing
 * each other.
 *
 * <ul>
 *   <li>Ordinary text continues at the next position and sees every token before it.
 *   <li>Every member of a set starts at the same position id (one past the end of what came before) and
 *       sees what came before the set and itself (causally), never another member.
 *   <li>What follows a set starts at the set's start + its longest member and sees everything, every
 *       member of every earlier set included. Generation continues from there on the KV cache
 *       ({@link #nextPosition()}); the runtime's default causal pattern then lets every generated token see
 *       the whole prompt.
 * </ul>
 *
 * <p><b>Order independence, bit for bit.</b> The members of a set are laid out in a canonical order, by their
 * token ids (lexicographically), whatever order they were given in. Permuting a set therefore yields the
 * very same tokens, positions and bias, so the model runs the same floating-point operations in the same
 * order: logits and output cannot differ in a single bit. (Without the canonical order, the masking alone
 * makes the result equal only up to summation order.)
 *
 * <p>Immutable; the bias is {@code [1, 1, n, n]} flattened, {@code 0} where a token may attend and
 * {@code -1e9} where it may not (the runtime's contract for {@code attention_bias}).
 */
public final class PromptLayout {
  /** The bias value that blocks attention, as the runtime's own causal pattern uses it. */
  public static final float BLOCKED = -1e9f;

  private final int[] tokens;
  private final long[] positions;
  /** Per token: the set it belongs to (-1 for text) and its member index in canonical order. */
  private final int[] setOf;
  private final int[] memberOf;
  private final int sets;
  private final long nextPosition;

  private PromptLayout(int[] tokens, long[] positions, int[] setOf, int[] memberOf, int sets) {
    this.tokens = tokens;
    this.positions = positions;
    this.setOf = setOf;
    this.memberOf = memberOf;
    this.sets = sets;
    long next = 0;
    for (long p : positions) {
      next = Math.max(next, p + 1);
    }
    this.nextPosition = next;
  }

  /** A builder over token ids (segments already encoded). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Encodes segments as plain text (special-token text stays text, as for a text prompt) and lays them out.
   *
   * @throws IllegalArgumentException when a member encodes to no tokens, the prompt is empty, or it does not
   *     end with text after its last set
   */
  public static PromptLayout encode(List<PromptSegment> segments, Tokenizer tokenizer) {
    Builder b = builder();
    int setIndex = 0;
    for (PromptSegment s : segments) {
      switch (s) {
        case PromptSegment.Text t -> b.text(tokenizer.encode(t.text()));
        case PromptSegment.Set set -> b.set(encodeMembers(set, tokenizer, setIndex++));
      }
    }
    return b.build();
  }

  private static List<int[]> encodeMembers(PromptSegment.Set set, Tokenizer tokenizer, int setIndex) {
    List<int[]> members = new ArrayList<>();
    for (int m = 0; m < set.members().size(); m++) {
      int[] ids = tokenizer.encode(set.members().get(m));
      if (ids.length == 0) {
        throw new IllegalArgumentException("member " + (m + 1) + " of set " + (setIndex + 1) + " is empty");
      }
      members.add(ids);
    }
    return members;
  }

  // Placeholders for the sets while the chat template renders: private-use characters that no template adds.
  private static final char OPEN = '\uE000';
  private static final char CLOSE = '\uE001';
  private static final Pattern PLACEHOLDER = Pattern.compile(OPEN + "(\\d+)" + CLOSE);

  /**
   * Renders chat messages through the model's chat template (with the generation prompt) and lays them out:
   * each set stands in the rendered text where its message put it. Text (the template's and the messages')
   * is encoded with special tokens, as a chat prompt is; members as plain text.
   */
  public static PromptLayout encodeChat(List<PromptMessage> messages, ChatTemplate template, Tokenizer tokenizer) {
    List<PromptSegment.Set> setList = new ArrayList<>();
    List<ChatMessage> rendered = new ArrayList<>();
    for (PromptMessage m : messages) {
      StringBuilder content = new StringBuilder();
      for (PromptSegment s : m.segments()) {
        switch (s) {
          case PromptSegment.Text t -> content.append(checkNoPlaceholder(t.text()));
          case PromptSegment.Set set -> {
            set.members().forEach(PromptLayout::checkNoPlaceholder);
            content.append(OPEN).append(setList.size()).append(CLOSE);
            setList.add(set);
          }
        }
      }
      rendered.add(new ChatMessage(m.role(), content.toString()));
    }
    String text = template.render(rendered, true);
    Builder b = builder();
    Matcher matcher = PLACEHOLDER.matcher(text);
    boolean[] seen = new boolean[setList.size()];
    int from = 0;
    while (matcher.find()) {
      int index = Integer.parseInt(matcher.group(1));
      if (index >= seen.length || seen[index]) {
        throw new IllegalArgumentException("the chat template repeated a set of the prompt; set-based chat prompts need a "
            + "template that writes each message's content once");
      }
      seen[index] = true;
      b.text(tokenizer.encodeWithSpecialTokens(text.substring(from, matcher.start())));
      b.set(encodeMembers(setList.get(index), tokenizer, index));
      from = matcher.end();
    }
    b.text(tokenizer.encodeWithSpecialTokens(text.substring(from)));
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        throw new IllegalArgumentException("the chat template dropped set " + (i + 1) + " of the prompt (its message's content "
            + "is not in the rendered text)");
      }
    }
    return b.build();
  }

  private static String checkNoPlaceholder(String s) {
    if (s.indexOf(OPEN) >= 0 || s.indexOf(CLOSE) >= 0) {
      throw new IllegalArgumentException("prompt text may not contain U+E000 or U+E001 (they mark sets in chat prompts)");
    }
    return s;
  }

  /**
   * Fails with a clear message when the model cannot take a set-based prompt: it needs the additive
   * {@code attention_bias} input and {@code position_ids}.
   */
  public static void requireSupport(ModelCapabilities caps) {
    if (!caps.hasAttentionBias() || !caps.hasPositionIds()) {
      throw new ModelException("set-based prompts need a model with " + (caps.hasAttentionBias() ? "" : "an attention_bias input")
          + (!caps.hasAttentionBias() && !caps.hasPositionIds() ? " and " : "") + (caps.hasPositionIds() ? "" : "a position_ids input")
          + " (members of a set share positions and must not see each other); this model has inputs "
          + caps.inputNames() + ". Use an ordinary prompt, or export the model with attention_bias [batch, 1, query, past+query]");
    }
  }

  /** Number of tokens (cache slots the prefill fills). */
  public int length() {
    return tokens.length;
  }

  /** Token ids in cache order (members of a set in canonical order). */
  public int[] tokens() {
    return tokens.clone();
  }

  /** Position id of every token. */
  public long[] positions() {
    return positions.clone();
  }

  /** The position the first generated token gets: one past the largest position of the prompt. */
  public long nextPosition() {
    return nextPosition;
  }

  /** Number of sets. */
  public int setCount() {
    return sets;
  }

  /** Whether token {@code query} may attend token {@code key} (both cache slots of this prompt). */
  public boolean attends(int query, int key) {
    if (key > query) {
      return false;
    }
    return setOf[query] < 0 || setOf[query] != setOf[key] || memberOf[query] == memberOf[key];
  }

  /** The additive bias, {@code [1, 1, length, length]} flattened row-major (a fresh array). */
  public float[] attentionBias() {
    int n = tokens.length;
    float[] bias = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        bias[i * n + j] = attends(i, j) ? 0f : BLOCKED;
      }
    }
    return bias;
  }

  /**
   * The prefill: every token with its position and the bias, logits of the last token only. Fed to an
   * empty cache (the bias covers exactly this prompt).
   */
  public ForwardInput forwardInput() {
    return ForwardInput.of(tokens).withPositions(positions).withAttentionBias(attentionBias());
  }

  @Override
  public String toString() {
    return "PromptLayout[" + tokens.length + " tokens, " + sets + " sets, next position " + nextPosition + "]";
  }

  /** Collects encoded segments in order; {@link #build()} lays them out. */
  public static final class Builder {
    private final List<int[]> texts = new ArrayList<>();
    private final List<List<int[]>> segments = new ArrayList<>(); // null entry list for text, else the members
    private boolean lastIsText;
    private boolean any;

    private Builder() {}

    /** Ordinary tokens (may be empty: nothing is added). */
    public Builder text(int... ids) {
      if (ids.length > 0) {
        texts.add(ids.clone());
        segments.add(null);
        lastIsText = true;
        any = true;
      }
      return this;
    }

    /** A set of members, each at least one token; their order does not matter. */
    public Builder set(List<int[]> members) {
      if (members.isEmpty()) {
        throw new IllegalArgumentException("a set needs at least one member");
      }
      List<int[]> copy = new ArrayList<>(members.size());
      for (int[] m : members) {
        if (m.length == 0) {
          throw new IllegalArgumentException("a member of a set needs at least one token");
        }
        copy.add(m.clone());
      }
      // The canonical order: by token ids, so any permutation of the input lays out identically.
      copy.sort(Arrays::compare);
      segments.add(copy);
      lastIsText = false;
      any = true;
      return this;
    }

    public PromptLayout build() {
      if (!any) {
        throw new IllegalArgumentException("the prompt is empty: there is nothing to continue");
      }
      if (!lastIsText) {
        throw new IllegalArgumentException("a set-based prompt must end with text after its last set: the first generated "
            + "token is predicted from the last prompt token, which must see every member");
      }
      int n = 0;
      int textIndex = 0;
      for (List<int[]> s : segments) {
        if (s == null) {
          n += texts.get(textIndex++).length;
        } else {
          for (int[] m : s) {
            n += m.length;
          }
        }
      }
      int[] tokens = new int[n];
      long[] positions = new long[n];
      int[] setOf = new int[n];
      int[] memberOf = new int[n];
      int slot = 0;
      long position = 0;
      int set = 0;
      textIndex = 0;
      for (List<int[]> s : segments) {
        if (s == null) {
          for (int id : texts.get(textIndex++)) {
            tokens[slot] = id;
            positions[slot] = position++;
            setOf[slot] = -1;
            slot++;
          }
        } else {
          int longest = 0;
          for (int m = 0; m < s.size(); m++) {
            int[] member = s.get(m);
            for (int k = 0; k < member.length; k++) {
              tokens[slot] = member[k];
              positions[slot] = position + k;
              setOf[slot] = set;
              memberOf[slot] = m;
              slot++;
            }
            longest = Math.max(longest, member.length);
          }
          position += longest;
          set++;
        }
      }
      return new PromptLayout(tokens, positions, setOf, memberOf, set);
    }
  }
}
