package io.ticklake.streams.dq;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The numeric ids of one key seen so far, as disjoint ranges {@code [lo, hi]} sorted by {@code lo},
 * each with the newest record timestamp that touched it. A venue's trade ids run consecutively, so
 * a key's whole history is usually one range, plus one per hole that a backfill has not filled yet:
 * the state stays a few dozen bytes however many trades arrive, where remembering every id costs a
 * store write and a changelog record per trade.
 *
 * <p>Bounded two ways, as the per-id store was by its retention: a range untouched for the ttl (in
 * record time) is forgotten, and beyond {@link #MAX_RANGES} the least recently touched ones are.
 * A forgotten id is no longer recognised as a duplicate; every forgetting is counted by the caller.
 */
final class SeenIds {
  /** Most ranges kept per key: each costs 24 bytes in every store write of the key. */
  static final int MAX_RANGES = 1024;

  /**
   * Ranges beyond which a key's ids are taken for not being a sequence: an id that would open one
   * more range is remembered on its own instead ({@link Deduplication}), so a venue that numbers
   * trades across symbols (every sixth id is this symbol's) does not write a kilobyte of ranges per
   * trade.
   */
  static final int SPARSE_RANGES = 64;

  private long[] lo;
  private long[] hi;
  private long[] touched;
  private int size;
  /**
   * The span of the ids remembered one by one elsewhere (see {@link Deduplication}) and the newest
   * record time among them; an id in it may be a repeat even if it would join a range.
   */
  private long aloneLo = Long.MAX_VALUE;
  private long aloneHi = Long.MIN_VALUE;
  private long aloneTouched = Long.MIN_VALUE;

  SeenIds() {
    this(new long[4], new long[4], new long[4], 0);
  }

  private SeenIds(long[] lo, long[] hi, long[] touched, int size) {
    this.lo = lo;
    this.hi = hi;
    this.touched = touched;
    this.size = size;
  }

  int ranges() {
    return size;
  }

  /** True if {@code id} was seen (and is remembered). */
  boolean contains(long id) {
    int i = floorIndex(id);
    return i >= 0 && id <= hi[i];
  }

  /** Notes that {@code id}, seen at {@code ts}, is remembered one by one, not in a range. */
  void noteAlone(long id, long ts) {
    aloneLo = Math.min(aloneLo, id);
    aloneHi = Math.max(aloneHi, id);
    aloneTouched = Math.max(aloneTouched, ts);
  }

  /** True if {@code id} may have been remembered one by one ({@link #noteAlone}). */
  boolean mayBeAlone(long id) {
    return id >= aloneLo && id <= aloneHi;
  }

  /** True if {@code id} would extend a range (or is in one) rather than open a range of its own. */
  boolean joins(long id) {
    int i = floorIndex(id);
    return (i >= 0 && (id <= hi[i] || (hi[i] != Long.MAX_VALUE && hi[i] + 1 == id))) || (i + 1 < size && lo[i + 1] == id + 1);
  }

  /**
   * Records {@code id}, seen in a record of timestamp {@code ts}.
   *
   * @return false if it was already there (a duplicate)
   */
  boolean add(long id, long ts) {
    int i = floorIndex(id);
    if (i >= 0 && id <= hi[i]) {
      return false;
    }
    boolean joinsLeft = i >= 0 && hi[i] != Long.MAX_VALUE && hi[i] + 1 == id;
    boolean joinsRight = i + 1 < size && lo[i + 1] == id + 1;
    if (joinsLeft && joinsRight) {
      hi[i] = hi[i + 1];
      touched[i] = Math.max(Math.max(touched[i], touched[i + 1]), ts);
      remove(i + 1);
    } else if (joinsLeft) {
      hi[i] = id;
      touched[i] = Math.max(touched[i], ts);
    } else if (joinsRight) {
      lo[i + 1] = id;
      touched[i + 1] = Math.max(touched[i + 1], ts);
    } else {
      insert(i + 1, id, ts);
    }
    return true;
  }

  /**
   * Forgets the ranges not touched since {@code oldestKept} and, beyond {@code maxRanges}, the least
   * recently touched ones; the range touched last always stays.
   *
   * @return how many ranges were forgotten
   */
  int forget(long oldestKept, int maxRanges) {
    if (aloneTouched < oldestKept) {
      aloneLo = Long.MAX_VALUE; // the one-by-one memory keeps them no longer either
      aloneHi = Long.MIN_VALUE;
      aloneTouched = Long.MIN_VALUE;
    }
    int newest = 0;
    for (int i = 1; i < size; i++) {
      if (touched[i] > touched[newest]) {
        newest = i;
      }
    }
    int out = 0;
    int removed = 0;
    for (int i = 0; i < size; i++) {
      if (i != newest && touched[i] < oldestKept) {
        removed++;
        continue;
      }
      lo[out] = lo[i];
      hi[out] = hi[i];
      touched[out] = touched[i];
      out++;
    }
    size = out;
    while (size > maxRanges) {
      int oldest = 0;
      for (int i = 1; i < size; i++) {
        if (touched[i] < touched[oldest]) {
          oldest = i;
        }
      }
      remove(oldest);
      removed++;
    }
    return removed;
  }

  /** Index of the last range with {@code lo <= id}, or -1. */
  private int floorIndex(long id) {
    int at = Arrays.binarySearch(lo, 0, size, id);
    return at >= 0 ? at : -at - 2;
  }

  private void insert(int at, long id, long ts) {
    if (size == lo.length) {
      int n = size * 2;
      lo = Arrays.copyOf(lo, n);
      hi = Arrays.copyOf(hi, n);
      touched = Arrays.copyOf(touched, n);
    }
    System.arraycopy(lo, at, lo, at + 1, size - at);
    System.arraycopy(hi, at, hi, at + 1, size - at);
    System.arraycopy(touched, at, touched, at + 1, size - at);
    lo[at] = id;
    hi[at] = id;
    touched[at] = ts;
    size++;
  }

  private void remove(int at) {
    System.arraycopy(lo, at + 1, lo, at, size - at - 1);
    System.arraycopy(hi, at + 1, hi, at, size - at - 1);
    System.arraycopy(touched, at + 1, touched, at, size - at - 1);
    size--;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("SeenIds[");
    for (int i = 0; i < size; i++) {
      b.append(i == 0 ? "" : ", ").append(lo[i]).append("..").append(hi[i]).append('@').append(touched[i]);
    }
    return b.append(']').toString();
  }

  /** 4 bytes of count, 24 per range, then 24 of the one-by-one span ({@link #noteAlone}). */
  static Serde<SeenIds> serde() {
    Serializer<SeenIds> ser =
        (topic, s) -> {
          if (s == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.allocate(4 + 24 * s.size + 24).putInt(s.size);
          for (int i = 0; i < s.size; i++) {
            b.putLong(s.lo[i]).putLong(s.hi[i]).putLong(s.touched[i]);
          }
          return b.putLong(s.aloneLo).putLong(s.aloneHi).putLong(s.aloneTouched).array();
        };
    Deserializer<SeenIds> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(bytes);
          int n = bytes.length >= 4 ? b.getInt() : -1;
          if (n < 0 || bytes.length != 4 + 24L * n + 24) {
            throw new org.apache.kafka.common.errors.SerializationException(
                "dedup id ranges in " + topic + " are not in this build's format (" + bytes.length
                    + " bytes): reset the application's state (ops/runbooks/streams.md)");
          }
          int capacity = Math.max(4, n);
          long[] lo = new long[capacity];
          long[] hi = new long[capacity];
          long[] touched = new long[capacity];
          for (int i = 0; i < n; i++) {
            lo[i] = b.getLong();
            hi[i] = b.getLong();
            touched[i] = b.getLong();
          }
          SeenIds ids = new SeenIds(lo, hi, touched, n);
          ids.aloneLo = b.getLong();
          ids.aloneHi = b.getLong();
          ids.aloneTouched = b.getLong();
          return ids;
        };
    return Serdes.serdeFrom(ser, de);
  }
}
