package io.ticklake.producers.core;

import java.time.Instant;

/**
 * A venue's frames into the normalized model: pure (no I/O, no Netty), safe from any thread, unit
 * tested on recorded frames. Anything it cannot or does not know how to read is a {@link
 * ParseException}; the runtime counts it, keeps the frame in the dead-letter topic and goes on.
 */
@FunctionalInterface
public interface FrameParser {
  /**
   * @param text the frame exactly as received
   * @param receiveTime when our collector received it
   */
  ParsedFrame parse(String text, Instant receiveTime) throws ParseException;

  /**
   * The channel a stream name (a {@link ParseException#stream()}) belongs to, for the counters of a
   * frame whose exception names no channel; {@code unknown} unless the venue knows better.
   */
  default String channelOf(String stream) {
    return "unknown";
  }
}
