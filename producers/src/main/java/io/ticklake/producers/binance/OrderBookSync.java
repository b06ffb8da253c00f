package io.ticklake.producers.binance;

import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one symbol's local order book in step with Binance USD-M futures, by the venue's rules
 * ("How to manage a local order book correctly"):
 *
 * <ol>
 *   <li>Buffer the diffs from the stream; ask for a REST depth snapshot.
 *   <li>Drop every diff whose {@code u} is below the snapshot's {@code lastUpdateId}.
 *   <li>The first diff applied must have {@code U <= lastUpdateId <= u}.
 *   <li>Every later diff must have {@code pu} equal to the previous diff's {@code u}; otherwise the
 *       book is broken: emit a {@link GapKind#SEQUENCE} gap and start over from step 1.
 * </ol>
 *
 * <p>The buffer is started by the first diff, before the snapshot is even requested, and kept
 * whole until the snapshot is in: the diff that straddles {@code lastUpdateId} often arrives
 * <em>before</em> the REST response does (it does in the recorded capture), and a sync that only
 * buffers after the response never finds it.
 *
 * <p>One instance per symbol, so a break resyncs that symbol only. Thread-safe (the network thread
 * feeds diffs, the HTTP client thread delivers snapshots); outputs are called under the lock and
 * must not block.
 */
public final class OrderBookSync {
  private static final Logger log = LoggerFactory.getLogger(OrderBookSync.class);

  /** Diffs kept while waiting for a snapshot before the oldest are dropped. */
  public static final int MAX_BUFFERED_DIFFS = 100_000;

  /** Where synced book records and gap events go. */
  public interface Output {
    /** A snapshot (REST or periodic, {@code snapshot=true}) or an applied diff. */
    void book(BookDelta delta);

    /** A sequence break. */
    void gap(GapEvent gap);
  }

  /** Asks for a REST snapshot; the answer comes back through {@link #onSnapshot}. */
  public interface SnapshotRequester {
    void request(String symbol, long requestId);
  }

  /** Where the sync stands. */
  public enum State {
    /** No diff seen since start or reset. */
    IDLE,
    /** Diffs are buffered, a snapshot is on its way. */
    AWAITING_SNAPSHOT,
    /** Snapshot applied; waiting for the diff that straddles its lastUpdateId. */
    AWAITING_FIRST_DIFF,
    /** In step: every diff chains to the previous one. */
    SYNCED
  }

  private final String venue;
  private final String symbol;
  private final String stream;
  private final SnapshotRequester requester;
  private final Output output;
  private final Clock clock;

  private final Deque<BookDelta> buffer = new ArrayDeque<>();
  private final OrderBook book = new OrderBook();
  private State state = State.IDLE;
  private long requestId;
  private long snapshotUpdateId = -1;
  private long lastU = -1;
  private Instant lastEventTime;

  private long applied;
  private long droppedStale;
  private long resyncs;
  private long gaps;

  public OrderBookSync(
      String venue, String symbol, String stream, SnapshotRequester requester, Output output, Clock clock) {
    this.venue = venue;
    this.symbol = symbol;
    this.stream = stream;
    this.requester = requester;
    this.output = output;
    this.clock = clock;
  }

  /** Feeds one depth diff ({@code snapshot=false}) of this symbol. */
  public synchronized void onDiff(BookDelta diff) {
    if (diff.getSnapshot()) {
      throw new IllegalArgumentException("onDiff takes diffs; snapshots go to onSnapshot");
    }
    switch (state) {
      case IDLE -> {
        buffer(diff);
        requestSnapshot();
      }
      case AWAITING_SNAPSHOT -> buffer(diff);
      case AWAITING_FIRST_DIFF, SYNCED -> process(diff);
    }
  }

  /**
   * Delivers the REST snapshot answering request {@code id}. Answers to superseded requests (the
   * symbol was reset or resynced meanwhile) are ignored.
   */
  public synchronized void onSnapshot(long id, BookDelta snapshot) {
    if (state != State.AWAITING_SNAPSHOT || id != requestId) {
      log.debug("{} {}: ignoring snapshot for request {} (state {}, current request {})",
          venue, symbol, id, state, requestId);
      return;
    }
    if (!snapshot.getSnapshot()) {
      throw new IllegalArgumentException("onSnapshot takes a snapshot=true BookDelta");
    }
    book.apply(snapshot);
    snapshotUpdateId = snapshot.getFinalUpdateId();
    lastU = -1;
    state = State.AWAITING_FIRST_DIFF;
    output.book(snapshot);
    log.info("{} {}: snapshot lastUpdateId={} ({} bids, {} asks), {} buffered diffs",
        venue, symbol, snapshotUpdateId, book.bidDepth(), book.askDepth(), buffer.size());
    List<BookDelta> pending = new ArrayList<>(buffer);
    buffer.clear();
    for (BookDelta diff : pending) {
      if (state == State.AWAITING_SNAPSHOT) {
        // A break while draining: what is left waits for the next snapshot.
        buffer(diff);
      } else {
        process(diff);
      }
    }
  }

  /**
   * Forgets the book (the connection dropped, so diffs were missed); the next diff starts a new
   * sync. Emits nothing: the caller reports the disconnect.
   */
  public synchronized void reset() {
    buffer.clear();
    book.apply(emptySnapshot());
    state = State.IDLE;
    requestId++;
    lastU = -1;
    snapshotUpdateId = -1;
  }

  /** The whole current book as a {@code snapshot=true} record, if synced. */
  public synchronized Optional<BookDelta> bookSnapshot() {
    if (state != State.SYNCED) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return Optional.of(
        BookDelta.newBuilder()
            .setVenue(venue)
            .setSymbol(symbol)
            .setSnapshot(true)
            .setFirstUpdateId(null)
            .setFinalUpdateId(lastU)
            .setPrevFinalUpdateId(null)
            .setBids(book.topBids(Integer.MAX_VALUE))
            .setAsks(book.topAsks(Integer.MAX_VALUE))
            .setEventTime(lastEventTime == null ? now : lastEventTime)
            .setTransactTime(null)
            .setReceiveTime(now)
            .build());
  }

  private void process(BookDelta diff) {
    long firstU = diff.getFirstUpdateId();
    long u = diff.getFinalUpdateId();
    if (state == State.AWAITING_FIRST_DIFF) {
      if (u < snapshotUpdateId) {
        droppedStale++;
        return;
      }
      if (firstU > snapshotUpdateId) {
        // The snapshot is older than every diff we hold: the straddling diff was missed.
        resyncs++;
        log.warn("{} {}: no diff straddles snapshot lastUpdateId={} (first diff U={} u={}); resyncing",
            venue, symbol, snapshotUpdateId, firstU, u);
        startOver(diff);
        return;
      }
      apply(diff);
      return;
    }
    Long pu = diff.getPrevFinalUpdateId();
    if (pu != null && pu == lastU) {
      apply(diff);
      return;
    }
    if (u <= lastU) {
      // Already covered (a repeat after a reconnect): applying it again would move the book back.
      droppedStale++;
      return;
    }
    gaps++;
    resyncs++;
    String cause = "pu " + pu + " != previous u " + lastU;
    log.warn("{} {}: sequence break on {} ({}); resyncing this symbol", venue, symbol, stream, cause);
    Instant now = clock.instant();
    output.gap(
        GapEvent.newBuilder()
            .setGapId(venue + ":" + symbol + ":" + GapKind.SEQUENCE + ":" + stream + ":" + lastU)
            .setVenue(venue)
            .setSymbol(symbol)
            .setKind(GapKind.SEQUENCE)
            .setStream(stream)
            .setLastGoodSequence(lastU)
            .setFirstSequenceAfter(u)
            .setLastGoodTime(lastEventTime)
            .setFirstTimeAfter(diff.getEventTime())
            .setDetectedTime(now)
            .setCause(cause)
            // Nothing to fetch: the book is rebuilt from a fresh snapshot.
            .setBackfillStatus(BackfillStatus.NOT_APPLICABLE)
            .setBackfillDetail("book resynced from a REST snapshot")
            .build());
    startOver(diff);
  }

  private void apply(BookDelta diff) {
    book.apply(diff);
    lastU = diff.getFinalUpdateId();
    lastEventTime = diff.getEventTime();
    state = State.SYNCED;
    applied++;
    output.book(diff);
  }

  private void startOver(BookDelta diff) {
    buffer.clear();
    book.apply(emptySnapshot());
    lastU = -1;
    state = State.IDLE;
    buffer(diff);
    requestSnapshot();
  }

  private void buffer(BookDelta diff) {
    if (buffer.size() >= MAX_BUFFERED_DIFFS) {
      buffer.removeFirst();
    }
    buffer.addLast(diff);
  }

  private void requestSnapshot() {
    state = State.AWAITING_SNAPSHOT;
    requester.request(symbol, ++requestId);
  }

  private BookDelta emptySnapshot() {
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setSnapshot(true)
        .setFinalUpdateId(-1)
        .setBids(List.of())
        .setAsks(List.of())
        .setEventTime(Instant.EPOCH)
        .setReceiveTime(Instant.EPOCH)
        .build();
  }

  public String symbol() {
    return symbol;
  }

  public synchronized State state() {
    return state;
  }

  /** The final update id of the last applied diff, or -1 when not synced. */
  public synchronized long lastUpdateId() {
    return lastU;
  }

  /** A copy of the current book. */
  public synchronized OrderBook book() {
    OrderBook copy = new OrderBook();
    copy.apply(
        BookDelta.newBuilder(emptySnapshot())
            .setBids(book.topBids(Integer.MAX_VALUE))
            .setAsks(book.topAsks(Integer.MAX_VALUE))
            .build());
    return copy;
  }

  public synchronized long appliedDiffs() {
    return applied;
  }

  public synchronized long droppedStaleDiffs() {
    return droppedStale;
  }

  public synchronized long resyncs() {
    return resyncs;
  }

  public synchronized long sequenceGaps() {
    return gaps;
  }

  public synchronized int bufferedDiffs() {
    return buffer.size();
  }
}
