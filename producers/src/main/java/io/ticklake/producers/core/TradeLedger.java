package io.ticklake.producers.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The trade ids one stream (a symbol, or a symbol and channel) has delivered in this process, so no
 * trade is sent twice: not by a backfill that overlaps the live stream, not by a venue that repeats
 * its last trade on subscribe (Coinbase's {@code last_match}), not by a replay that starts over.
 *
 * <p>Numeric ids are kept as disjoint ranges, a few per stream when ids run consecutively, at most
 * {@link #MAX_RANGES} (the oldest are forgotten first); other ids (hashes, UUIDs) as a set of the
 * last {@link #MAX_OTHER_IDS}. Not thread-safe; the runtime locks per ledger.
 */
final class TradeLedger {
  static final int MAX_RANGES = 256;
  static final int MAX_OTHER_IDS = 100_000;

  /** [first, last] pairs, ascending and disjoint, not adjacent. */
  private final List<long[]> ranges = new ArrayList<>();
  private final LinkedHashSet<String> others = new LinkedHashSet<>();
  private Long lastId;

  /**
   * Records a delivery.
   *
   * @return true when the id was not delivered before (send it), false for a repeat (drop it)
   */
  boolean firstDelivery(String id) {
    Long n = numeric(id);
    if (n == null) {
      if (!others.add(id)) {
        return false;
      }
      if (others.size() > MAX_OTHER_IDS) {
        others.remove(others.iterator().next());
      }
      return true;
    }
    return add(n);
  }

  /**
   * Remembers an id a previous run delivered (read back from the trades topic at start), so a repeat
   * is dropped. Unlike {@link #firstDelivery} it does not move {@link #lastId}: the jump from a
   * previous run's last trade to the first one of this run is not this process's to report (the
   * Streams app's trade-id check sees it, across restarts, and the backfill fills it).
   */
  void seed(String id) {
    Long n = numeric(id);
    if (n == null) {
      firstDelivery(id);
      return;
    }
    Long before = lastId;
    add(n);
    lastId = before;
  }

  /** Whether a numeric id was delivered (as far as the ranges remember). */
  boolean delivered(long id) {
    int i = find(id);
    return i >= 0;
  }

  /** The highest numeric id delivered, or {@code null}. */
  Long lastId() {
    return lastId;
  }

  private boolean add(long id) {
    // Nearly always the next id after the last range: checked first.
    int n = ranges.size();
    if (n > 0) {
      long[] last = ranges.get(n - 1);
      if (id == last[1] + 1) {
        last[1] = id;
        lastId = id;
        return true;
      }
      if (id > last[1] + 1) {
        ranges.add(new long[] {id, id});
        lastId = id;
        trim();
        return true;
      }
    } else {
      ranges.add(new long[] {id, id});
      lastId = id;
      return true;
    }
    if (find(id) >= 0) {
      // A repeat above the latest delivered can only be one an earlier run delivered (seeded): it
      // is the stream's latest known trade now, so a jump after it, or a mark naming it, is judged
      // against it.
      if (lastId == null || id > lastId) {
        lastId = id;
      }
      return false;
    }
    // An older id not seen yet (a backfill filling a hole): insert it, joining neighbours.
    int at = 0;
    while (at < ranges.size() && ranges.get(at)[1] < id) {
      at++;
    }
    ranges.add(at, new long[] {id, id});
    if (at + 1 < ranges.size() && ranges.get(at + 1)[0] == id + 1) {
      ranges.get(at)[1] = ranges.get(at + 1)[1];
      ranges.remove(at + 1);
    }
    if (at > 0 && ranges.get(at - 1)[1] == id - 1) {
      ranges.get(at - 1)[1] = ranges.get(at)[1];
      ranges.remove(at);
    }
    trim();
    return true;
  }

  private int find(long id) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long[] r = ranges.get(mid);
      if (id < r[0]) {
        hi = mid - 1;
      } else if (id > r[1]) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private void trim() {
    while (ranges.size() > MAX_RANGES) {
      ranges.remove(0);
    }
  }

  /** Ranges held, for tests. */
  int ranges() {
    return ranges.size();
  }

  static Long numeric(String id) {
    int len = id.length();
    if (len == 0 || len > 18) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < len; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9' || (i == 0 && c == '0' && len > 1)) {
        return null;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
