package io.ticklake.streams.ofi;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An order book maintained from {@link BookDelta}s: a snapshot replaces it, a diff sets or (size 0)
 * removes levels. Prices are compared numerically, so scale differences do not matter. It checks
 * the normalized chain the collector writes for every venue, and knows no venue's own rules: a
 * diff applies when its {@code prevSequence} is the book's {@code sequence}; one whose sequence the
 * book already has is a repeat; anything else is a break, and the book waits for the next snapshot.
 * (A diff written before the chain existed, without {@code prevSequence}, cannot be placed: it
 * breaks the book too.)
 */
public final class OrderBook {
  /** What {@link #apply} did. */
  public enum Result {
    /** The delta was applied (or the snapshot loaded). */
    APPLIED,
    /** Already covered by the book (final id at or below the book's); ignored. */
    STALE,
    /** The chain broke: the book is invalid until the next snapshot. */
    GAP,
    /** No snapshot yet, or waiting for one after a gap; ignored. */
    NO_SNAPSHOT
  }

  private final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
  private final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
  private long lastUpdateId = -1;
  private boolean valid;

  /** Applies a snapshot or diff. */
  public Result apply(BookDelta delta) {
    long sequence = sequence(delta);
    if (delta.getSnapshot()) {
      bids.clear();
      asks.clear();
      set(bids, delta.getBids());
      set(asks, delta.getAsks());
      lastUpdateId = sequence;
      valid = true;
      return Result.APPLIED;
    }
    if (!valid) {
      return Result.NO_SNAPSHOT;
    }
    if (sequence <= lastUpdateId) {
      return Result.STALE;
    }
    Long prev = delta.getPrevSequence();
    if (prev == null || prev != lastUpdateId) {
      valid = false;
      return Result.GAP;
    }
    set(bids, delta.getBids());
    set(asks, delta.getAsks());
    lastUpdateId = sequence;
    return Result.APPLIED;
  }

  /** The normalized sequence of a delta ({@code finalUpdateId} for records written before it existed). */
  static long sequence(BookDelta delta) {
    Long s = delta.getSequence();
    return s != null ? s : delta.getFinalUpdateId();
  }

  /** Whether the book is usable (a snapshot was loaded and no gap since). */
  public boolean valid() {
    return valid;
  }

  /** The sequence of the last snapshot or diff applied. */
  public long lastUpdateId() {
    return lastUpdateId;
  }

  /** The best {@code n} bids, best first. */
  public List<Level> bids(int n) {
    return top(bids, n);
  }

  /** The best {@code n} asks, best first. */
  public List<Level> asks(int n) {
    return top(asks, n);
  }

  /** The whole book as a snapshot delta (for a state store), or null when not valid. */
  public BookDelta toSnapshot(BookDelta template) {
    return BookDelta.newBuilder(template)
        .setSnapshot(true)
        .setFirstUpdateId(null)
        .setPrevFinalUpdateId(null)
        .setFinalUpdateId(lastUpdateId)
        .setSequence(lastUpdateId)
        .setPrevSequence(null)
        .setBids(top(bids, Integer.MAX_VALUE))
        .setAsks(top(asks, Integer.MAX_VALUE))
        .build();
  }

  private static void set(Map<BigDecimal, BigDecimal> side, List<Level> levels) {
    for (Level level : levels) {
      if (level.getSize().signum() == 0) {
        side.remove(level.getPrice());
      } else {
        side.put(level.getPrice(), level.getSize());
      }
    }
  }

  private static List<Level> top(NavigableMap<BigDecimal, BigDecimal> side, int n) {
    List<Level> out = new ArrayList<>(Math.min(n, side.size()));
    for (Map.Entry<BigDecimal, BigDecimal> e : side.entrySet()) {
      if (out.size() >= n) {
        break;
      }
      out.add(new Level(e.getKey(), e.getValue()));
    }
    return out;
  }
}
