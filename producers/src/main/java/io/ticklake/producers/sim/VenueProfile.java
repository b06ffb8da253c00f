package io.ticklake.producers.sim;

import java.util.List;
import java.util.Map;

/**
 * What the {@link VenueSimulator} needs to know about one venue to stand in for it: its WebSocket
 * protocol (the handshake path, how a connection subscribes, what the venue answers a client's
 * frame with, which recorded frames a connection is owed), and its REST API, answered from the
 * frames played so far. The simulator itself knows no venue.
 *
 * <p>Implementations are called from several threads and must be thread-safe.
 */
public interface VenueProfile {

  /** A REST answer. */
  record RestAnswer(int status, String body, Map<String, String> headers) {}

  /** The subscription state of one client connection; the profile's own. */
  interface Session {
    /** What it is subscribed to, for diagnostics. */
    List<String> subscriptions();
  }

  /** The WebSocket path clients connect to ({@code /stream}, {@code /}). */
  String wsPath();

  /** A client completed the handshake on {@code requestUri} (which may name its streams). */
  Session open(String requestUri);

  /** A text frame from a client (subscribe, unsubscribe, ping): the frames the venue answers with. */
  List<String> onClientFrame(Session session, String text);

  /** Whether a recorded frame of {@code stream} goes to this session as it is played. */
  boolean wants(Session session, String frame, String stream);

  /**
   * Frames the venue owes a session now, sent before the next recorded frame: a book snapshot once
   * the book it subscribed to is known, the last trade of a product it subscribed to.
   */
  default List<String> due(Session session) {
    return List.of();
  }

  /** The stream a recorded frame belongs to ({@code btcusdt@trade}, {@code l2update:SKL-USD}). */
  String streamOf(String frame);

  /** True for streams of book diffs (the target of the drop-a-diff fault). */
  boolean isBookDiff(String stream);

  /** True for streams of trades (the target of the drop-a-trade fault). */
  boolean isTrade(String stream);

  /**
   * A recorded frame as the venue sends it now, given its state, called once per frame before it
   * is sent (or dropped by a fault): Kraken writes each book update's checksum from its own book,
   * so a looped capture stays valid. Unchanged by default.
   */
  default String render(String frame) {
    return frame;
  }

  /**
   * A book message with one level changed in flight (the alter-level fault): its checksum still
   * that of the venue's true book, so a client that verifies checksums sees a mismatch. {@code null}
   * when the frame has no level to change, or the venue's messages carry no checksum to catch it.
   */
  default String alterLevel(String frame) {
    return null;
  }

  /** Whether {@link #alterLevel} can change a level a client would notice (its messages carry checksums). */
  default boolean altersLevels() {
    return false;
  }

  /** A recorded frame reached the venue's timeline: sent to clients, or dropped by a fault. */
  void played(String frame);

  /**
   * Answers a REST request, or returns {@code null} when the venue would not have answered yet
   * (the simulator asks again after every frame played).
   */
  RestAnswer rest(String path, Map<String, List<String>> query);

  /** The venue's answer when it refuses a call (429 rate limited, 418 banned). */
  RestAnswer refusal(int status, int retryAfterSeconds);

  /** A frame the venue might send cut off in the middle (the malformed-frame fault). */
  String malformedFrame();
}
