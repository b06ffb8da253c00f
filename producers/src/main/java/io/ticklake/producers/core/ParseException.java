package io.ticklake.producers.core;

/**
 * A venue frame that could not be turned into records: not JSON, a missing or mistyped field, a
 * value the model refuses (a decimal with more than 18 fractional digits), or something the parser
 * does not know (a channel, event type or message shape it was not written for). Carries the
 * stream and channel when they could be read, so the dead letter can say where the frame came from
 * and the counters can say which channel sends what.
 */
public class ParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Stage name of a frame that is not readable JSON or lacks fields. */
  public static final String STAGE_PARSE = "parse";

  /** Stage name of a frame that reads but violates the model (bad decimal, negative size). */
  public static final String STAGE_SCHEMA = "schema";

  /**
   * Stage name of a well-formed frame the parser does not know: an unknown channel, event type or
   * message shape. Venues add channels and fields; such a frame is counted per channel and kept
   * whole in the dead-letter topic, and the collector goes on.
   */
  public static final String STAGE_UNKNOWN = "unknown";

  private final String stream;
  private final String stage;
  private final String channel;

  public ParseException(String message, String stream, String stage, Throwable cause) {
    this(message, stream, stage, null, cause);
  }

  public ParseException(String message, String stream, String stage) {
    this(message, stream, stage, null, null);
  }

  /**
   * @param channel the channel the frame names (for counters), or {@code null} to derive it from
   *     the stream
   */
  public ParseException(String message, String stream, String stage, String channel, Throwable cause) {
    super(message, cause);
    this.stream = stream;
    this.stage = stage;
    this.channel = channel;
  }

  /** An unknown channel, event type or shape of a well-formed frame. */
  public static ParseException unknown(String message, String stream, String channel) {
    return new ParseException(message, stream, STAGE_UNKNOWN, channel, null);
  }

  /**
   * A frame the JSON reader could not read (cut off, not JSON, a value of the wrong kind): stage
   * {@link #STAGE_PARSE}, the reader's complaint (its first line) as the message.
   */
  public static ParseException unreadable(Exception e, String stream, String channel) {
    String message = e.getMessage();
    int nl = message == null ? -1 : message.indexOf('\n');
    String first = message == null ? "" : nl < 0 ? message : message.substring(0, nl);
    return new ParseException("unreadable frame: " + e.getClass().getSimpleName() + ": " + first, stream, STAGE_PARSE, channel, e);
  }

  /** The stream the frame came from, or {@code null} if the frame did not say. */
  public String stream() {
    return stream;
  }

  /** {@link #STAGE_PARSE}, {@link #STAGE_SCHEMA} or {@link #STAGE_UNKNOWN}. */
  public String stage() {
    return stage;
  }

  /** The channel the frame names, or {@code null} when the parser could not tell. */
  public String channel() {
    return channel;
  }
}
