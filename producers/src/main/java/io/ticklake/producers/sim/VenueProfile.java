package io.ticklake.producers.sim;

import java.util.List;
import java.util.Map;

/**
 * What the {@link VenueSimulator} needs to know about one venue: how to name a recorded frame's
 * stream, which streams are order-book diffs, and how its REST API answers given the frames played
 * so far. Implementations are called from several threads and must be thread-safe.
 */
public interface VenueProfile {

  /** A REST answer. */
  record RestAnswer(int status, String body, Map<String, String> headers) {}

  /** The subscription stream a recorded frame belongs to (e.g. {@code btcusdt@trade}). */
  String streamOf(String frame);

  /** True for streams whose frames are order-book diffs (the target of the drop-a-diff fault). */
  boolean isBookDiff(String stream);

  /** A recorded frame reached the venue's timeline: sent to clients, or dropped by a fault. */
  void played(String frame);

  /**
   * Answers a REST request, or returns {@code null} when the venue would not have answered yet
   * (the simulator asks again after every frame played).
   */
  RestAnswer rest(String path, Map<String, List<String>> query);
}
