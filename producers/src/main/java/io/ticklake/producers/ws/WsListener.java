package io.ticklake.producers.ws;

import java.time.Instant;

/**
 * Callbacks of {@link ReconnectingWsClient}, on its network thread: they must not block. No Netty
 * types cross this interface, so venue code never depends on the transport.
 */
public interface WsListener {
  /** A connection is up and the handshake done; subscription frames, if any, have been sent. */
  void onOpen(long connectionId);

  /** One complete text frame (continuations already aggregated). */
  void onFrame(String text, Instant receiveTime);

  /**
   * An open connection ended: {@code ws close 1000 ...}, {@code ws close 1006 ...} (dropped without a
   * close frame), {@code no frames for 30s}, {@code planned rotation}, {@code error: ...}. A new
   * connection is attempted unless the client was closed.
   */
  void onClose(String reason);

  /**
   * A connection attempt failed before the handshake completed (refused, timed out, TLS or HTTP
   * error); a new attempt follows after the backoff. Every failed attempt is reported, so health
   * tracking can count them; the client itself logs only the first of a series.
   */
  default void onConnectFailed(String reason) {}
}
