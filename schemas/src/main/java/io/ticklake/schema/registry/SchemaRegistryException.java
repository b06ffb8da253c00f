package io.ticklake.schema.registry;

/**
 * A failed call to a schema registry: either the registry answered with an error (HTTP status,
 * Confluent {@code error_code} and {@code message}), or no registry could be reached (status and
 * error code {@value #NO_RESPONSE}).
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Status and error code used when no registry answered at all. */
  public static final int NO_RESPONSE = -1;

  private final int status;
  private final int errorCode;

  /** An error the registry answered with. */
  public SchemaRegistryException(int status, int errorCode, String message) {
    super(message + " (HTTP " + status + ", error code " + errorCode + ")");
    this.status = status;
    this.errorCode = errorCode;
  }

  /** No registry answered (I/O failure on every URL, or the call was interrupted). */
  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = NO_RESPONSE;
    this.errorCode = NO_RESPONSE;
  }

  /** The HTTP status, or {@value #NO_RESPONSE}. */
  public int status() {
    return status;
  }

  /** The Confluent error code ({@code 40401}, {@code 409}, ...), or {@value #NO_RESPONSE}. */
  public int errorCode() {
    return errorCode;
  }
}
