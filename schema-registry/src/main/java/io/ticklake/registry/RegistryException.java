package io.ticklake.registry;

/**
 * A refusal the REST API reports as a Confluent error body: {@code
 * {"error_code":40401,"message":"Subject 'x' not found."}} with the HTTP status.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;

  public RegistryException(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  public RegistryException(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  public static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
  }

  public static RegistryException versionNotFound(int version) {
    return new RegistryException(404, 40402, "Version " + version + " not found.");
  }

  public static RegistryException schemaNotFound() {
    return new RegistryException(404, 40403, "Schema not found");
  }

  public static RegistryException schemaIdNotFound(int id) {
    return new RegistryException(404, 40403, "Schema " + id + " not found");
  }

  public static RegistryException subjectSoftDeleted(String subject) {
    return new RegistryException(
        404, 40404, "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
  }

  public static RegistryException subjectNotSoftDeleted(String subject) {
    return new RegistryException(
        404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
  }

  public static RegistryException versionSoftDeleted(String subject, int version) {
    return new RegistryException(
        404,
        40406,
        "Subject '" + subject + "' Version " + version
            + " was soft deleted.Set permanent=true to delete permanently");
  }

  public static RegistryException versionNotSoftDeleted(String subject, int version) {
    return new RegistryException(
        404,
        40407,
        "Subject '" + subject + "' Version " + version
            + " was not deleted first before being permanently deleted");
  }

  public static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
    return new RegistryException(
        404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  public static RegistryException incompatible(String message) {
    return new RegistryException(409, 409, message);
  }

  public static RegistryException invalidSchema(String detail) {
    return new RegistryException(422, 42201, "Invalid schema " + detail);
  }

  public static RegistryException invalidVersion(String version) {
    return new RegistryException(
        422,
        42202,
        "The specified version '" + version + "' is not a valid version id. Allowed values are"
            + " between [1, 2^31-1] and the string \"latest\"");
  }

  public static RegistryException invalidCompatibilityLevel(String level) {
    return new RegistryException(
        422,
        42203,
        "Invalid compatibility level" + (level == null ? "" : " '" + level + "'")
            + ". Valid values are none, backward, forward, full, backward_transitive,"
            + " forward_transitive, and full_transitive");
  }

  public static RegistryException storeError(String detail, Throwable cause) {
    return new RegistryException(500, 50001, "Error in the backend data store: " + detail, cause);
  }

  public static RegistryException storeTimeout(String detail, Throwable cause) {
    return new RegistryException(500, 50002, "Operation timed out: " + detail, cause);
  }
}
