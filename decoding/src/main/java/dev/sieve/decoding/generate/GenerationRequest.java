package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.prompt.PromptLayout;
import dev.sieve.decoding.prompt.PromptMessage;
import dev.sieve.decoding.prompt.PromptSegment;
import dev.sieve.decoding.sampling.Sampler;
import java.util.List;
import java.util.Objects;

/**
 * One generation to run: a prompt (text, token ids, or chat messages), how to generate, the request's own
 * processors (constraints, guidance), and optionally a sampler and a listener. Immutable; the
 * {@code with...} methods return changed copies.
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.chat(List.of(ChatMessage.user("Name a colour.")))
 *     .withConfig(GenerationConfig.builder().maxNewTokens(32).build())
 *     .withProcessors(List.of(myConstraint));
 * }</pre>
 */
public final class GenerationRequest {
  /** How the prompt was given. */
  public enum PromptKind {
    /** Plain text, encoded without special tokens. */
    TEXT,
    /** Token ids, fed as they are. */
    TOKENS,
    /** Chat messages rendered through the model's chat template (with the generation prompt). */
    CHAT,
    /**
     * A set-based prompt ({@link dev.sieve.decoding.prompt}): segments, chat messages made of segments, or a
     * ready {@link PromptLayout}; needs a model with {@code attention_bias}.
     */
    SET_BASED
  }

  /** A set-based prompt in one of its three forms (exactly one is non-null). */
  private record SetBased(List<PromptSegment> segments, List<PromptMessage> messages, PromptLayout layout) {}

  private final PromptKind kind;
  private final String text;
  private final int[] tokens;
  private final List<ChatMessage> messages;
  private final SetBased setBased;
  private final GenerationConfig config;
  private final List<LogitsProcessor> processors;
  private final Sampler sampler;
  private final GenerationListener listener;

  private GenerationRequest(PromptKind kind, String text, int[] tokens, List<ChatMessage> messages,
      GenerationConfig config, List<LogitsProcessor> processors, Sampler sampler, GenerationListener listener) {
    this(kind, text, tokens, messages, null, config, processors, sampler, listener);
  }

  private GenerationRequest(PromptKind kind, String text, int[] tokens, List<ChatMessage> messages, SetBased setBased,
      GenerationConfig config, List<LogitsProcessor> processors, Sampler sampler, GenerationListener listener) {
    this.kind = kind;
    this.text = text;
    this.tokens = tokens;
    this.messages = messages;
    this.setBased = setBased;
    this.config = config;
    this.processors = processors;
    this.sampler = sampler;
    this.listener = listener;
  }

  /** A plain-text prompt (special-token text in it stays ordinary text). */
  public static GenerationRequest text(String prompt) {
    Objects.requireNonNull(prompt, "prompt");
    return new GenerationRequest(PromptKind.TEXT, prompt, null, null, null, List.of(), null, null);
  }

  /** A prompt of token ids. */
  public static GenerationRequest tokens(int... ids) {
    if (ids.length == 0) {
      throw new IllegalArgumentException("a prompt needs at least one token");
    }
    return new GenerationRequest(PromptKind.TOKENS, null, ids.clone(), null, null, List.of(), null, null);
  }

  /** A chat, rendered with the model's chat template and the assistant's generation prompt. */
  public static GenerationRequest chat(List<ChatMessage> messages) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
    return new GenerationRequest(PromptKind.CHAT, null, null, List.copyOf(messages), null, List.of(), null, null);
  }

  /**
   * A set-based prompt of segments, encoded as plain text: the members of each set share positions and do
   * not see each other, so their order cannot change the output. Needs a model with {@code attention_bias}.
   */
  public static GenerationRequest setBased(List<PromptSegment> segments) {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a set-based prompt needs at least one segment");
    }
    return new GenerationRequest(PromptKind.SET_BASED, null, null, null, new SetBased(List.copyOf(segments), null, null),
        null, List.of(), null, null);
  }

  /** A set-based chat: messages made of segments, rendered with the model's chat template. */
  public static GenerationRequest setBasedChat(List<PromptMessage> messages) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
    return new GenerationRequest(PromptKind.SET_BASED, null, null, null, new SetBased(null, List.copyOf(messages), null),
        null, List.of(), null, null);
  }

  /** A prompt already laid out over token ids. */
  public static GenerationRequest layout(PromptLayout layout) {
    return new GenerationRequest(PromptKind.SET_BASED, null, null, null, new SetBased(null, null, Objects.requireNonNull(layout)),
        null, List.of(), null, null);
  }

  /** The generation settings; without them the model's generation_config.json defaults apply. */
  public GenerationRequest withConfig(GenerationConfig c) {
    return new GenerationRequest(kind, text, tokens, messages, setBased, Objects.requireNonNull(c), processors, sampler, listener);
  }

  /** The request's own processors (constraints, guidance, steering), placed into the chain by the factory. */
  public GenerationRequest withProcessors(List<LogitsProcessor> p) {
    return new GenerationRequest(kind, text, tokens, messages, setBased, config, List.copyOf(p), sampler, listener);
  }

  /** A sampler to use instead of the one the chain factory would make. */
  public GenerationRequest withSampler(Sampler s) {
    return new GenerationRequest(kind, text, tokens, messages, setBased, config, processors, Objects.requireNonNull(s), listener);
  }

  /** Receives streaming token events. */
  public GenerationRequest withListener(GenerationListener l) {
    return new GenerationRequest(kind, text, tokens, messages, setBased, config, processors, sampler, Objects.requireNonNull(l));
  }

  public PromptKind kind() { return kind; }
  public String promptText() { return text; }
  public int[] promptTokens() { return tokens == null ? null : tokens.clone(); }
  public List<ChatMessage> messages() { return messages; }
  /** A set-based prompt's segments, or {@code null}. */
  public List<PromptSegment> segments() { return setBased == null ? null : setBased.segments(); }
  /** A set-based chat's messages, or {@code null}. */
  public List<PromptMessage> segmentedMessages() { return setBased == null ? null : setBased.messages(); }
  /** A set-based prompt given as a ready layout, or {@code null}. */
  public PromptLayout layout() { return setBased == null ? null : setBased.layout(); }
  /** The config, or {@code null} for the model's defaults. */
  public GenerationConfig config() { return config; }
  public List<LogitsProcessor> processors() { return processors; }
  /** The sampler, or {@code null} for the chain factory's. */
  public Sampler sampler() { return sampler; }
  /** The listener, or {@code null}. */
  public GenerationListener listener() { return listener; }
}
