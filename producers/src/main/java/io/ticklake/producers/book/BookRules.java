package io.ticklake.producers.book;

import io.ticklake.schema.v1.BookDelta;
import java.util.concurrent.CompletableFuture;

/**
 * How one venue's books are kept.
 *
 * @param chain how diffs follow each other
 * @param snapshots where a snapshot comes from: {@link Snapshots#REST} (fetched, diffs buffered
 *     meanwhile) or {@link Snapshots#STREAM} (sent in the stream on subscribe: Coinbase,
 *     Kraken, OKX; a resync asks the venue for a new one)
 * @param fetcher fetches a REST snapshot ({@code null} unless {@code snapshots == REST})
 * @param checksum verifies the book after each delta that carries a checksum, or {@code null}
 * @param maxDepth levels kept per side after each delta (Kraken truncates to the subscribed
 *     depth), 0 for all
 * @param streamOf the stream name of a symbol's book, for gap events ({@code btcusdt@depth@0ms})
 * @param quotesFromBook whether the venue's quotes (top of book) are read off the synced book,
 *     one {@code Quote} whenever its best bid or ask changes: for venues whose own ticker is per
 *     trade, not per change of the best levels (Coinbase), so OFI sees every change
 * @param timelessSnapshots whether the venue's stream snapshots carry no time of their own
 *     (Coinbase's {@code level2} snapshot): the parser stamps such a snapshot with its receive
 *     time, which is later than the venue times of the first updates sent after it. Such a
 *     snapshot is written just before the first update applied on it, stamped no later than
 *     that update; if none comes first, at the next periodic snapshot, resubscription or
 *     disconnect, stamped when it was received. A symbol's book rows then never step back in
 *     event time and the lake's snapshot keeps its place before its updates.
 */
public record BookRules(
    ChainRule chain,
    Snapshots snapshots,
    SnapshotFetcher fetcher,
    BookChecksum checksum,
    int maxDepth,
    java.util.function.Function<String, String> streamOf,
    boolean quotesFromBook,
    boolean timelessSnapshots) {

  /** Where snapshots come from. */
  public enum Snapshots {
    REST,
    STREAM
  }

  /** Fetches a REST snapshot of a symbol's book. */
  public interface SnapshotFetcher {
    /**
     * Completes with a {@code snapshot=true} delta, retrying until it has one; exceptionally only
     * when the client is closed.
     */
    CompletableFuture<BookDelta> fetch(String symbol);

    /** The snapshot's response body exactly as the venue answered (for recordings). */
    CompletableFuture<String> fetchBody(String symbol);
  }

  public BookRules {
    if (snapshots == Snapshots.REST && fetcher == null) {
      throw new IllegalArgumentException("REST snapshots need a fetcher");
    }
    if (timelessSnapshots && snapshots != Snapshots.STREAM) {
      throw new IllegalArgumentException("only stream snapshots can be timeless: a REST snapshot is stamped by its answer");
    }
  }

  /** Rules whose quotes come from the venue's own channel. */
  public BookRules(
      ChainRule chain, Snapshots snapshots, SnapshotFetcher fetcher, BookChecksum checksum, int maxDepth,
      java.util.function.Function<String, String> streamOf) {
    this(chain, snapshots, fetcher, checksum, maxDepth, streamOf, false, false);
  }

  /** The same rules with another snapshot fetcher (a benchmark answering from a recording). */
  public BookRules withFetcher(SnapshotFetcher other) {
    return new BookRules(chain, snapshots, other, checksum, maxDepth, streamOf, quotesFromBook, timelessSnapshots);
  }
}
