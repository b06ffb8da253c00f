package io.ticklake.producers.book;

import io.ticklake.schema.v1.BookDelta;

/**
 * How a venue's book diffs follow each other: the one thing about keeping a book that differs
 * between venues that number their updates. {@link BookSync} asks it about the first diff after a
 * snapshot and about every diff after that; what it writes onto each delta ({@code sequence},
 * {@code prevSequence}) is then one chain for every venue, which the Streams app checks without
 * knowing any venue's rule.
 *
 * <p>Update ids are read from {@link BookDelta}'s venue fields: {@code firstUpdateId} (a diff's
 * first id, U), {@code finalUpdateId} (its last, u; OKX's seqId) and {@code prevFinalUpdateId} (the
 * previous diff's last, pu; OKX's prevSeqId).
 */
public interface ChainRule {

  /** What to do with a diff. */
  enum Verdict {
    /** It continues the book: apply it. */
    APPLY,
    /** The book already covers it (a repeat, or older than the snapshot): drop it. */
    STALE,
    /** Diffs were missed between the book and it: the book is broken and must be resynced. */
    BREAK
  }

  /** The first diff after a snapshot whose final update id is {@code snapshotId}. */
  Verdict first(long snapshotId, BookDelta diff);

  /** A later diff, the last applied one having final update id {@code lastId}. */
  Verdict next(long lastId, BookDelta diff);

  /** Why {@link #next} said BREAK, for the gap event ({@code pu 120 != previous u 123}). */
  String describeBreak(long lastId, BookDelta diff);

  /**
   * Whether the venue numbers its updates. When it does not (Coinbase, Kraken), {@link BookSync}
   * numbers them itself, so the normalized chain exists for every venue.
   */
  default boolean venueSequenced() {
    return true;
  }

  /**
   * Futures-style chains (U/u/pu): {@code pu} must equal the previous diff's {@code u}; the first diff after
   * a REST snapshot has {@code U <= lastUpdateId <= u} (and anything with {@code u <
   * lastUpdateId} is older than the snapshot).
   */
  static ChainRule prevPointer() {
    return new ChainRule() {
      @Override
      public Verdict first(long snapshotId, BookDelta d) {
        if (d.getFinalUpdateId() < snapshotId) {
          return Verdict.STALE;
        }
        Long firstU = d.getFirstUpdateId();
        return firstU != null && firstU > snapshotId ? Verdict.BREAK : Verdict.APPLY;
      }

      @Override
      public Verdict next(long lastId, BookDelta d) {
        Long pu = d.getPrevFinalUpdateId();
        if (pu != null && pu == lastId) {
          return Verdict.APPLY;
        }
        // Already covered (a repeat after a reconnect): applying it again would move the book back.
        return d.getFinalUpdateId() <= lastId ? Verdict.STALE : Verdict.BREAK;
      }

      @Override
      public String describeBreak(long lastId, BookDelta d) {
        return "pu " + d.getPrevFinalUpdateId() + " != previous u " + lastId;
      }

      @Override
      public String toString() {
        return "pu == previous u";
      }
    };
  }

  /**
   * Spot-style chains (diffs that cover a contiguous id range): the first diff after a
   * snapshot has {@code U <= lastUpdateId + 1 <= u}; each later one {@code U == previous u + 1}.
   */
  static ChainRule contiguous() {
    return new ChainRule() {
      @Override
      public Verdict first(long snapshotId, BookDelta d) {
        if (d.getFinalUpdateId() <= snapshotId) {
          return Verdict.STALE;
        }
        Long firstU = d.getFirstUpdateId();
        return firstU == null || firstU <= snapshotId + 1 ? Verdict.APPLY : Verdict.BREAK;
      }

      @Override
      public Verdict next(long lastId, BookDelta d) {
        if (d.getFinalUpdateId() <= lastId) {
          return Verdict.STALE;
        }
        Long firstU = d.getFirstUpdateId();
        return firstU != null && firstU == lastId + 1 ? Verdict.APPLY : Verdict.BREAK;
      }

      @Override
      public String describeBreak(long lastId, BookDelta d) {
        return "U " + d.getFirstUpdateId() + " != previous u + 1 = " + (lastId + 1);
      }

      @Override
      public String toString() {
        return "U == previous u + 1";
      }
    };
  }

  /**
   * OKX: {@code prevSeqId} (prevFinalUpdateId) must equal the previous message's {@code seqId}
   * (finalUpdateId), the snapshot's for the first update; an update whose seqId is not above the
   * book's is a repeat. (OKX sends {@code seqId == prevSeqId} for an update that changes nothing.)
   */
  static ChainRule prevSeqId() {
    return new ChainRule() {
      @Override
      public Verdict first(long snapshotId, BookDelta d) {
        return next(snapshotId, d);
      }

      @Override
      public Verdict next(long lastId, BookDelta d) {
        Long prev = d.getPrevFinalUpdateId();
        if (prev != null && prev == lastId) {
          return Verdict.APPLY;
        }
        return d.getFinalUpdateId() <= lastId ? Verdict.STALE : Verdict.BREAK;
      }

      @Override
      public String describeBreak(long lastId, BookDelta d) {
        return "prevSeqId " + d.getPrevFinalUpdateId() + " != previous seqId " + lastId;
      }

      @Override
      public String toString() {
        return "prevSeqId == previous seqId";
      }
    };
  }

  /**
   * Venues whose diffs carry no sequence (Coinbase level 2, Kraken): every diff after a snapshot
   * applies; integrity comes from the connection (a fresh snapshot after any reconnect) and, where
   * sent, a checksum.
   */
  static ChainRule unsequenced() {
    return new ChainRule() {
      @Override
      public Verdict first(long snapshotId, BookDelta d) {
        return Verdict.APPLY;
      }

      @Override
      public Verdict next(long lastId, BookDelta d) {
        return Verdict.APPLY;
      }

      @Override
      public String describeBreak(long lastId, BookDelta d) {
        return "no sequence";
      }

      @Override
      public boolean venueSequenced() {
        return false;
      }

      @Override
      public String toString() {
        return "unsequenced";
      }
    };
  }
}
