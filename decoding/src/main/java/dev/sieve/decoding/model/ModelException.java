package dev.sieve.decoding.model;

/** A model could not be loaded or run: a bad directory, a layout that does not fit, or a request the model cannot serve. */
public class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
