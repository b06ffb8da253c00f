package io.ticklake.connect.s3.storage;

/** An object-store call failed; {@link #retriable()} says whether trying again may help. */
public class StorageException extends RuntimeException {
  private final boolean retriable;

  public StorageException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
