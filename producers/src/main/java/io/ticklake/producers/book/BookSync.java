package io.ticklake.producers.book;

import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one symbol's order book in step with its venue, by the venue's {@link BookRules}, and writes
 * every snapshot and applied diff out with the normalized chain ({@code sequence}, {@code
 * prevSequence}, {@code checksumVerified}), so a consumer of the book topic needs no venue's rules.
 *
 * <p>Snapshots over REST (the venue documents the steps as "how to manage a local order book"):
 *
 * <ol>
 *   <li>Buffer the diffs from the stream; ask for a REST snapshot.
 *   <li>Drop the diffs the snapshot already covers; the first applied one must bridge it ({@link
 *       ChainRule#first}).
 *   <li>Every later diff must chain to the previous one ({@link ChainRule#next}); otherwise the book
 *       is broken: emit a {@link GapKind#SEQUENCE} gap and start over from step 1.
 * </ol>
 *
 * <p>The buffer is started by the first diff, before the snapshot is even requested, and kept whole
 * until the snapshot is in: the diff that straddles the snapshot often arrives <em>before</em> the
 * REST response does (it does in the recorded capture), and a sync that only buffers after the
 * response never finds it.
 *
 * <p>Snapshots in the stream (Coinbase, Kraken, OKX): the venue sends one on subscribe; diffs before
 * it are dropped (the snapshot includes them). A break, or a checksum that does not match the
 * collector's own book, asks for a new subscription (one gap event), never a new connection.
 *
 * <p>One instance per symbol, so a break resyncs that symbol only. Thread-safe (the network thread
 * feeds diffs, the HTTP client thread delivers snapshots); outputs are called under the lock and
 * must not block.
 */
public final class BookSync {
  private static final Logger log = LoggerFactory.getLogger(BookSync.class);

  /** Diffs kept while waiting for a REST snapshot before the oldest are dropped. */
  public static final int MAX_BUFFERED_DIFFS = 100_000;

  /** Where synced book records and gap events go. */
  public interface Output {
    /** A snapshot ({@code snapshot=true}) or an applied diff, its normalized chain set. */
    void book(BookDelta delta);

    /** A break (sequence or checksum). */
    void gap(GapEvent gap);

    /** The best bid or ask changed (only with {@link BookRules#quotesFromBook()}). */
    default void quote(Quote quote) {}

    /** A checksum the venue sent was computed on the book: it matched, or not. */
    default void checksum(boolean verified) {}
  }

  /**
   * Asks for a new snapshot: a REST fetch whose answer comes back through {@link #onSnapshot}, or
   * (snapshots in the stream) a new subscription of the symbol's book, whose snapshot comes through
   * {@link #onStreamSnapshot}.
   */
  @FunctionalInterface
  public interface Resync {
    void request(String symbol, long requestId);
  }

  /** Where the sync stands. */
  public enum State {
    /** No diff seen since start or reset (REST snapshots). */
    IDLE,
    /** A snapshot is on its way; diffs are buffered (REST) or dropped (stream). */
    AWAITING_SNAPSHOT,
    /** Snapshot applied; waiting for the diff that bridges it. */
    AWAITING_FIRST_DIFF,
    /** In step: every diff chains to the previous one. */
    SYNCED
  }

  private final String venue;
  private final String symbol;
  private final String stream;
  private final BookRules rules;
  private final ChainRule chain;
  private final Resync resync;
  private final Output output;
  private final Clock clock;

  private final Deque<BookDelta> buffer = new ArrayDeque<>();
  private final OrderBook book = new OrderBook();
  private State state;
  private long requestId;
  /** The venue id of the last snapshot or applied diff (what the chain rule compares with). */
  private long lastVenueId = -1;
  /** The normalized chain: the sequence of the last snapshot or diff written. */
  private long lastSequence = -1;
  private long lastPeriodicSequence = Long.MIN_VALUE;
  private Instant lastEventTime;
  /** A timeless stream snapshot loaded but not yet written ({@link BookRules#timelessSnapshots}). */
  private BookDelta pendingSnapshot;
  private Level quotedBid;
  private Level quotedAsk;

  private long applied;
  private long droppedStale;
  private long droppedBeforeSnapshot;
  private long resyncs;
  private long gaps;
  private long checksumFailures;
  private long checksumsVerified;
  private long unchanged;

  public BookSync(String venue, String symbol, BookRules rules, Resync resync, Output output, Clock clock) {
    this.venue = venue;
    this.symbol = symbol;
    this.stream = rules.streamOf().apply(symbol);
    this.rules = rules;
    this.chain = rules.chain();
    this.resync = resync;
    this.output = output;
    this.clock = clock;
    this.state = restSnapshots() ? State.IDLE : State.AWAITING_SNAPSHOT;
  }

  private boolean restSnapshots() {
    return rules.snapshots() == BookRules.Snapshots.REST;
  }

  /** Feeds one diff ({@code snapshot=false}) of this symbol. */
  public synchronized void onDiff(BookDelta diff) {
    if (diff.getSnapshot()) {
      throw new IllegalArgumentException("onDiff takes diffs; snapshots go to onSnapshot or onStreamSnapshot");
    }
    switch (state) {
      case IDLE -> {
        buffer(diff);
        requestSnapshot();
      }
      case AWAITING_SNAPSHOT -> {
        if (restSnapshots()) {
          buffer(diff);
        } else {
          droppedBeforeSnapshot++; // the snapshot on its way includes it
        }
      }
      case AWAITING_FIRST_DIFF, SYNCED -> process(diff);
    }
  }

  /**
   * Delivers the REST snapshot answering request {@code id}. Answers to superseded requests (the
   * symbol was reset or resynced meanwhile) are ignored.
   */
  public synchronized void onSnapshot(long id, BookDelta snapshot) {
    if (!restSnapshots() || state != State.AWAITING_SNAPSHOT || id != requestId) {
      log.debug("{} {}: ignoring snapshot for request {} (state {}, current request {})", venue, symbol, id, state, requestId);
      return;
    }
    if (!snapshot.getSnapshot()) {
      throw new IllegalArgumentException("onSnapshot takes a snapshot=true BookDelta");
    }
    load(snapshot);
    log.info("{} {}: snapshot lastUpdateId={} ({} bids, {} asks), {} buffered diffs",
        venue, symbol, snapshot.getFinalUpdateId(), book.bidDepth(), book.askDepth(), buffer.size());
    List<BookDelta> pending = new ArrayList<>(buffer);
    buffer.clear();
    for (BookDelta diff : pending) {
      if (state == State.AWAITING_SNAPSHOT) {
        buffer(diff); // a break while draining: what is left waits for the next snapshot
      } else {
        process(diff);
      }
    }
  }

  /** A snapshot sent in the stream (Coinbase, Kraken, OKX): it replaces the book, whatever the state. */
  public synchronized void onStreamSnapshot(BookDelta snapshot) {
    if (!snapshot.getSnapshot()) {
      throw new IllegalArgumentException("onStreamSnapshot takes a snapshot=true BookDelta");
    }
    buffer.clear();
    load(snapshot);
    if (state == State.AWAITING_SNAPSHOT || state == State.IDLE) {
      log.info("{} {}: snapshot in the stream ({} bids, {} asks)", venue, symbol, book.bidDepth(), book.askDepth());
    }
  }

  private void load(BookDelta snapshot) {
    writePending(null); // a timeless one taken before, with nothing applied on it since
    book.apply(snapshot);
    if (rules.maxDepth() > 0) {
      truncate();
      // Written as the book holds it: the levels the venue keeps.
      snapshot.setBids(book.topBids(rules.maxDepth()));
      snapshot.setAsks(book.topAsks(rules.maxDepth()));
    }
    lastEventTime = snapshot.getEventTime();
    if (!verified(snapshot)) {
      return;
    }
    lastVenueId = snapshot.getFinalUpdateId();
    // A snapshot starts a chain; an unsequenced venue's book is in step at once.
    state = chain.venueSequenced() ? State.AWAITING_FIRST_DIFF : State.SYNCED;
    if (rules.timelessSnapshots() && !restSnapshots()) {
      pendingSnapshot = snapshot;
    } else {
      write(snapshot, null);
    }
  }

  /**
   * Writes the pending timeless snapshot, if any, stamped no later than {@code notAfter} (the
   * first update applied on it), or as received when {@code null}.
   */
  private void writePending(Instant notAfter) {
    BookDelta snapshot = pendingSnapshot;
    if (snapshot == null) {
      return;
    }
    pendingSnapshot = null;
    if (notAfter != null && notAfter.isBefore(snapshot.getEventTime())) {
      snapshot.setEventTime(notAfter);
      lastEventTime = notAfter;
    }
    write(snapshot, null);
  }

  /**
   * Forgets the book (the connection dropped, so diffs were missed); the next diff (REST snapshots)
   * or the next stream snapshot starts a new sync. Emits nothing: the caller reports the
   * disconnect.
   */
  public synchronized void reset() {
    writePending(null); // the book as the venue sent it, with nothing applied on it
    buffer.clear();
    book.clear();
    quotedBid = null;
    quotedAsk = null;
    state = restSnapshots() ? State.IDLE : State.AWAITING_SNAPSHOT;
    requestId++;
    lastVenueId = -1;
  }

  /**
   * Writes {@link #bookSnapshot} to the output, if there is one, under the book's lock: a diff
   * applied after the snapshot was taken is written after it, never before (the lake's rows of a
   * symbol stay in sequence order).
   */
  public synchronized void writeBookSnapshot() {
    if (pendingSnapshot != null) {
      writePending(null); // the book is that snapshot: it is the periodic one, stamped as received
      return;
    }
    bookSnapshot().ifPresent(output::book);
  }

  /**
   * The whole current book as a {@code snapshot=true} record, if synced and changed since the last
   * one (an unchanged book would repeat the last snapshot's primary key).
   */
  public synchronized Optional<BookDelta> bookSnapshot() {
    if (pendingSnapshot != null || state != State.SYNCED || lastSequence == lastPeriodicSequence) {
      return Optional.empty();
    }
    lastPeriodicSequence = lastSequence;
    Instant now = clock.instant();
    return Optional.of(
        BookDelta.newBuilder()
            .setVenue(venue)
            .setSymbol(symbol)
            .setSnapshot(true)
            .setFirstUpdateId(null)
            .setFinalUpdateId(chain.venueSequenced() ? lastVenueId : lastSequence)
            .setPrevFinalUpdateId(null)
            .setBids(book.topBids(Integer.MAX_VALUE))
            .setAsks(book.topAsks(Integer.MAX_VALUE))
            .setEventTime(lastEventTime == null ? now : lastEventTime)
            .setTransactTime(null)
            .setReceiveTime(now)
            .setSequence(lastSequence)
            .setPrevSequence(null)
            .setChecksum(null)
            .setChecksumVerified(false)
            .build());
  }

  private void process(BookDelta diff) {
    ChainRule.Verdict verdict =
        state == State.AWAITING_FIRST_DIFF ? chain.first(lastVenueId, diff) : chain.next(lastVenueId, diff);
    switch (verdict) {
      case STALE -> droppedStale++;
      case APPLY -> apply(diff);
      case BREAK -> {
        if (state == State.AWAITING_FIRST_DIFF) {
          // The snapshot is older than every diff we hold: the bridging diff was missed.
          resyncs++;
          log.warn("{} {}: no diff bridges the snapshot (id {}; first diff U={} u={}); resyncing",
              venue, symbol, lastVenueId, diff.getFirstUpdateId(), diff.getFinalUpdateId());
          startOver(diff);
        } else {
          broken(diff, chain.describeBreak(lastVenueId, diff), "sequence break");
        }
      }
    }
  }

  private void apply(BookDelta diff) {
    writePending(diff.getEventTime()); // before the update changes the book it holds
    if (chain.venueSequenced() && state == State.SYNCED && diff.getFinalUpdateId() == lastVenueId) {
      // An update that moves nothing (OKX sends seqId == prevSeqId when nothing changed): writing
      // it would repeat the last record's key.
      unchanged++;
      return;
    }
    book.apply(diff);
    truncate();
    if (!verified(diff)) {
      return;
    }
    lastVenueId = diff.getFinalUpdateId();
    lastEventTime = diff.getEventTime();
    state = State.SYNCED;
    applied++;
    write(diff, lastSequence);
  }

  /** False (and the book resynced) when the delta's checksum does not match our book. */
  private boolean verified(BookDelta delta) {
    Long sent = delta.getChecksum();
    if (rules.checksum() == null || sent == null) {
      return true;
    }
    long computed = rules.checksum().compute(symbol, book);
    if (computed == sent) {
      delta.setChecksumVerified(true);
      checksumsVerified++;
      output.checksum(true);
      return true;
    }
    checksumFailures++;
    output.checksum(false);
    broken(delta, "checksum mismatch: venue sent " + sent + ", the book gives " + computed, "checksum mismatch");
    return false;
  }

  private void broken(BookDelta delta, String cause, String what) {
    gaps++;
    resyncs++;
    log.warn("{} {}: {} on {} ({}); resyncing this symbol", venue, symbol, what, stream, cause);
    output.gap(
        GapEvent.newBuilder()
            .setGapId(venue + ":" + symbol + ":" + GapKind.SEQUENCE + ":" + stream + ":" + lastSequence)
            .setVenue(venue)
            .setSymbol(symbol)
            .setKind(GapKind.SEQUENCE)
            .setStream(stream)
            .setLastGoodSequence(lastSequence)
            .setFirstSequenceAfter(chain.venueSequenced() ? delta.getFinalUpdateId() : null)
            .setLastGoodTime(lastEventTime)
            .setFirstTimeAfter(delta.getEventTime())
            .setDetectedTime(clock.instant())
            .setCause(cause)
            // Nothing to fetch: the book is rebuilt from a fresh snapshot.
            .setBackfillStatus(BackfillStatus.NOT_APPLICABLE)
            .setBackfillDetail(restSnapshots() ? "book resynced from a REST snapshot" : "book resubscribed for a fresh snapshot")
            .build());
    if (restSnapshots() && !delta.getSnapshot()) {
      startOver(delta);
    } else {
      book.clear();
      buffer.clear();
      lastVenueId = -1;
      requestSnapshot();
    }
  }

  /** Writes a delta out with the normalized chain. */
  private void write(BookDelta delta, Long prevSequence) {
    long sequence;
    if (chain.venueSequenced()) {
      sequence = delta.getFinalUpdateId();
    } else {
      // Increasing per symbol across connections and restarts: never below the receive time in
      // microseconds, so a restarted collector continues above the last run's numbers.
      sequence = Math.max(lastSequence + 1, ChronoUnit.MICROS.between(Instant.EPOCH, delta.getReceiveTime()));
      delta.setFinalUpdateId(sequence);
    }
    delta.setSequence(sequence);
    delta.setPrevSequence(prevSequence);
    lastSequence = sequence;
    if (delta.getSnapshot()) {
      lastPeriodicSequence = sequence; // a periodic snapshot now would repeat this one
    }
    output.book(delta);
    if (rules.quotesFromBook()) {
      quote(delta);
    }
  }

  /** A quote when the best bid or ask (price or size) moved; its update id is the book's sequence. */
  private void quote(BookDelta delta) {
    Level bid = book.bestBid();
    Level ask = book.bestAsk();
    if (bid == null || ask == null || (bid.equals(quotedBid) && ask.equals(quotedAsk))) {
      return;
    }
    quotedBid = bid;
    quotedAsk = ask;
    output.quote(
        Quote.newBuilder()
            .setVenue(venue)
            .setSymbol(symbol)
            .setUpdateId(lastSequence)
            .setBidPrice(bid.getPrice())
            .setBidSize(bid.getSize())
            .setAskPrice(ask.getPrice())
            .setAskSize(ask.getSize())
            .setEventTime(delta.getEventTime())
            .setTransactTime(null)
            .setReceiveTime(delta.getReceiveTime())
            .build());
  }

  private void truncate() {
    if (rules.maxDepth() > 0) {
      book.truncate(rules.maxDepth());
    }
  }

  private void startOver(BookDelta diff) {
    buffer.clear();
    book.clear();
    lastVenueId = -1;
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
    resync.request(symbol, ++requestId);
  }

  public String symbol() {
    return symbol;
  }

  public String stream() {
    return stream;
  }

  public synchronized State state() {
    return state;
  }

  /** The venue's final update id of the last snapshot or applied diff, or -1 when not synced. */
  public synchronized long lastUpdateId() {
    return lastVenueId;
  }

  /** The normalized sequence of the last record written, or -1 before the first. */
  public synchronized long lastSequence() {
    return lastSequence;
  }

  /** A copy of the current book. */
  public synchronized OrderBook book() {
    return book.copy();
  }

  public synchronized long appliedDiffs() {
    return applied;
  }

  public synchronized long droppedStaleDiffs() {
    return droppedStale;
  }

  /** Diffs dropped because they came before the stream's snapshot (which includes them). */
  public synchronized long droppedBeforeSnapshot() {
    return droppedBeforeSnapshot;
  }

  public synchronized long resyncs() {
    return resyncs;
  }

  /** Breaks reported as gaps (sequence breaks and checksum mismatches). */
  public synchronized long sequenceGaps() {
    return gaps;
  }

  public synchronized long checksumFailures() {
    return checksumFailures;
  }

  public synchronized long checksumsVerified() {
    return checksumsVerified;
  }

  /** Updates that moved nothing (same id as the book), not written. */
  public synchronized long unchangedUpdates() {
    return unchanged;
  }

  public synchronized int bufferedDiffs() {
    return buffer.size();
  }
}
