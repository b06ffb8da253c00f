package io.ticklake.producers;

/**
 * A venue frame that could not be turned into a record: not JSON, a missing or mistyped field, or a
 * value the model refuses (a decimal with more than 18 fractional digits). Carries the stream name
 * when it could be read, so the dead letter can say where the frame came from.
 */
public class ParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Stage name of a frame that is not readable JSON or lacks fields. */
  public static final String STAGE_PARSE = "parse";

  /** Stage name of a frame that reads but violates the model (bad decimal, negative size). */
  public static final String STAGE_SCHEMA = "schema";

  private final String stream;
  private final String stage;

  public ParseException(String message, String stream, String stage, Throwable cause) {
    super(message, cause);
    this.stream = stream;
    this.stage = stage;
  }

  public ParseException(String message, String stream, String stage) {
    this(message, stream, stage, null);
  }

  /** The stream the frame came from, or {@code null} if the frame did not say. */
  public String stream() {
    return stream;
  }

  /** {@link #STAGE_PARSE} or {@link #STAGE_SCHEMA}. */
  public String stage() {
    return stage;
  }
}
