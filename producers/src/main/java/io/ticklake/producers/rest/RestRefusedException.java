package io.ticklake.producers.rest;

/** A REST answer that retrying cannot fix, or a call given up after too many failures. */
public final class RestRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public RestRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
