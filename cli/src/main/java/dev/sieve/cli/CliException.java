package dev.sieve.cli;

/** A user error the CLI reports as one line on stderr (no stack trace) before exiting non-zero. */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
