package io.ticklake.producers.book;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link BookSync} for venues whose snapshots come in the stream (Coinbase, Kraken, OKX): generic
 * rules, not Binance's (see {@code binance/BinanceBookSyncTest} for REST snapshots).
 */
class BookSyncTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-08-09T00:00:00Z"), ZoneOffset.UTC);
  private static final Instant T1 = Instant.parse("2024-08-08T23:55:00.123456Z");
  private static final String VENUE = "testvenue";
  private static final String SYMBOL = "XYZ";

  private final List<BookDelta> books = new ArrayList<>();
  private final List<GapEvent> gaps = new ArrayList<>();
  private final List<Quote> quotes = new ArrayList<>();
  private final List<String> resyncs = new ArrayList<>();
  private final BookSync.Output out =
      new BookSync.Output() {
        @Override
        public void book(BookDelta delta) {
          books.add(delta);
        }

        @Override
        public void gap(GapEvent gap) {
          gaps.add(gap);
        }

        @Override
        public void quote(Quote quote) {
          quotes.add(quote);
        }
      };

  /** A checksum of the best three levels a side, plain decimals: a small stand-in for Kraken's. */
  static final BookChecksum TOP3 = (symbol, book) -> top3(book);

  static long top3(OrderBook book) {
    StringBuilder sb = new StringBuilder();
    for (Level l : book.topBids(3)) {
      sb.append(plain(l.getPrice())).append(':').append(plain(l.getSize())).append(';');
    }
    sb.append('|');
    for (Level l : book.topAsks(3)) {
      sb.append(plain(l.getPrice())).append(':').append(plain(l.getSize())).append(';');
    }
    return BookChecksum.crc32(sb);
  }

  private static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }

  private BookSync sync(BookChecksum checksum, int maxDepth, boolean quotesFromBook) {
    BookRules rules = new BookRules(
        ChainRule.unsequenced(), BookRules.Snapshots.STREAM, null, checksum, maxDepth, s -> s + "@book", quotesFromBook, false);
    return new BookSync(VENUE, SYMBOL, rules, (s, id) -> resyncs.add(s + "#" + id), out, CLOCK);
  }

  static Level lvl(String price, String size) {
    return new Level(new BigDecimal(price).setScale(18), new BigDecimal(size).setScale(18));
  }

  static BookDelta snapshot(Instant receive, List<Level> bids, List<Level> asks) {
    return BookDelta.newBuilder()
        .setVenue(VENUE).setSymbol(SYMBOL).setSnapshot(true)
        .setFinalUpdateId(0L)
        .setBids(bids).setAsks(asks)
        .setEventTime(receive).setReceiveTime(receive)
        .build();
  }

  static BookDelta diff(Instant receive, List<Level> bids, List<Level> asks) {
    return BookDelta.newBuilder()
        .setVenue(VENUE).setSymbol(SYMBOL).setSnapshot(false)
        .setFinalUpdateId(0L)
        .setBids(bids).setAsks(asks)
        .setEventTime(receive).setReceiveTime(receive)
        .build();
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  // --- timeless stream snapshots (Coinbase): stamped when received, sent before later updates ---

  private BookSync timeless() {
    BookRules rules = new BookRules(
        ChainRule.unsequenced(), BookRules.Snapshots.STREAM, null, null, 0, s -> s + "@book", true, true);
    return new BookSync(VENUE, SYMBOL, rules, (s, id) -> resyncs.add(s + "#" + id), out, CLOCK);
  }

  private static BookDelta at(BookDelta delta, Instant eventTime) {
    delta.setEventTime(eventTime);
    return delta;
  }

  @Test
  void aTimelessSnapshotIsWrittenBeforeItsFirstUpdateAndNoLaterThanIt() {
    BookSync sync = timeless();
    // Received 40 ms after the venue sent the update that follows it.
    sync.onStreamSnapshot(snapshot(T1.plusMillis(40), List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    assertThat(books).as("held until the venue says what time it is").isEmpty();
    assertThat(quotes).isEmpty();

    sync.onDiff(at(diff(T1.plusMillis(45), List.of(lvl("100", "3")), List.of()), T1));
    assertThat(books).extracting(BookDelta::getSnapshot).containsExactly(true, false);
    assertThat(books.get(0).getEventTime()).isEqualTo(T1);
    assertThat(books.get(0).getReceiveTime()).isEqualTo(T1.plusMillis(40));
    assertThat(books.get(1).getPrevSequence()).isEqualTo(books.get(0).getSequence());
    // The quote of the snapshot's book comes first, the update's after it, both in venue time order.
    assertThat(quotes).extracting(q -> q.getBidSize().stripTrailingZeros().toPlainString()).containsExactly("1", "3");
    assertThat(quotes).extracting(Quote::getEventTime).containsExactly(T1, T1);
  }

  @Test
  void aTimelessSnapshotKeepsItsReceiveTimeWhenTheUpdateIsLater() {
    BookSync sync = timeless();
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    sync.onDiff(diff(T1.plusSeconds(3), List.of(lvl("100", "2")), List.of()));
    assertThat(books).extracting(BookDelta::getEventTime).containsExactly(T1, T1.plusSeconds(3));
  }

  @Test
  void aTimelessSnapshotWithoutUpdatesIsWrittenAtThePeriodicSnapshotOrTheDisconnectOnce() {
    BookSync sync = timeless();
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    sync.writeBookSnapshot();
    sync.writeBookSnapshot(); // nothing changed since
    assertThat(books).extracting(BookDelta::getSnapshot).containsExactly(true);
    assertThat(books.get(0).getEventTime()).isEqualTo(T1);

    sync.onStreamSnapshot(snapshot(T1.plusSeconds(60), List.of(lvl("99", "1")), List.of(lvl("101", "1"))));
    sync.reset(); // the connection dropped before any update
    sync.reset();
    assertThat(books).hasSize(2);
    assertThat(books.get(1).getBids()).extracting(l -> l.getPrice().stripTrailingZeros().toPlainString()).containsExactly("99");
    assertThat(books.get(1).getSequence()).isGreaterThan(books.get(0).getSequence());
  }

  @Test
  void aSecondTimelessSnapshotWritesTheFirstAsReceived() {
    BookSync sync = timeless();
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    sync.onStreamSnapshot(snapshot(T1.plusSeconds(1), List.of(lvl("100", "2")), List.of(lvl("101", "1"))));
    sync.onDiff(at(diff(T1.plusSeconds(2), List.of(), List.of(lvl("101", "0"))), T1.plusMillis(500)));
    assertThat(books).extracting(BookDelta::getEventTime).containsExactly(T1, T1.plusMillis(500), T1.plusMillis(500));
    assertThat(books).extracting(BookDelta::getSnapshot).containsExactly(true, true, false);
    // Each snapshot's quote is of its own book.
    assertThat(quotes).extracting(q -> q.getBidSize().stripTrailingZeros().toPlainString()).containsExactly("1", "2");
    assertThat(quotes).extracting(Quote::getEventTime).containsExactly(T1, T1.plusMillis(500));
  }

  // --- (a) snapshots in the stream, unsequenced venue ---

  @Test
  void diffsBeforeTheFirstStreamSnapshotAreDroppedAndCounted() {
    BookSync sync = sync(null, 0, false);
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    sync.onDiff(diff(T1.minusMillis(20), List.of(lvl("100", "1")), List.of()));
    sync.onDiff(diff(T1.minusMillis(10), List.of(), List.of(lvl("101", "1"))));

    assertThat(sync.droppedBeforeSnapshot()).isEqualTo(2);
    assertThat(sync.appliedDiffs()).isZero();
    assertThat(books).isEmpty();
    assertThat(gaps).isEmpty();
    // The venue sends the snapshot on subscribe: nothing is asked for.
    assertThat(resyncs).isEmpty();
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    assertThat(sync.bookSnapshot()).isEmpty();
  }

  @Test
  void streamSnapshotStartsTheChainAndEveryDiffContinuesIt() {
    BookSync sync = sync(null, 0, false);
    sync.onDiff(diff(T1.minusMillis(10), List.of(lvl("100", "1")), List.of()));

    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "2"), lvl("99", "3")), List.of(lvl("101", "4"))));

    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(books).hasSize(1);
    BookDelta snap = books.get(0);
    assertThat(snap.getSnapshot()).isTrue();
    assertThat(snap.getSequence()).isEqualTo(micros(T1));
    assertThat(snap.getPrevSequence()).isNull();
    assertThat(snap.getFinalUpdateId()).isEqualTo(snap.getSequence());

    // Receive times: the same microsecond, a clock stepped back, a second later twice.
    Instant[] receive = {T1, T1.minusSeconds(5), T1.plusSeconds(1), T1.plusSeconds(1)};
    sync.onDiff(diff(receive[0], List.of(lvl("100", "5")), List.of()));
    sync.onDiff(diff(receive[1], List.of(lvl("99", "0")), List.of()));
    sync.onDiff(diff(receive[2], List.of(), List.of(lvl("102", "1"))));
    sync.onDiff(diff(receive[3], List.of(lvl("98", "7")), List.of()));

    assertThat(books).hasSize(5);
    for (int i = 1; i < books.size(); i++) {
      BookDelta prev = books.get(i - 1);
      BookDelta d = books.get(i);
      assertThat(d.getSnapshot()).isFalse();
      assertThat(d.getPrevSequence()).as("prevSequence of %d", i).isEqualTo(prev.getSequence());
      assertThat(d.getSequence()).as("sequence of %d", i).isGreaterThan(prev.getSequence());
      assertThat(d.getSequence()).as("sequence of %d vs its receive time", i)
          .isGreaterThanOrEqualTo(micros(receive[i - 1]));
      assertThat(d.getFinalUpdateId()).as("finalUpdateId of %d", i).isEqualTo(d.getSequence());
    }
    assertThat(books).extracting(BookDelta::getSequence).containsExactly(
        micros(T1), micros(T1) + 1, micros(T1) + 2, micros(T1.plusSeconds(1)), micros(T1.plusSeconds(1)) + 1);
    assertThat(sync.lastSequence()).isEqualTo(micros(T1.plusSeconds(1)) + 1);
    assertThat(sync.appliedDiffs()).isEqualTo(4);
    assertThat(sync.droppedBeforeSnapshot()).isEqualTo(1);
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100", "5"), lvl("98", "7"));
    assertThat(sync.book().topAsks(10)).containsExactly(lvl("101", "4"), lvl("102", "1"));
    assertThat(gaps).isEmpty();
    assertThat(quotes).isEmpty(); // quotesFromBook is off
  }

  @Test
  void afterResetTheNextSnapshotStillContinuesUpwards() {
    BookSync sync = sync(null, 0, false);
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    sync.onDiff(diff(T1.plusMillis(1), List.of(lvl("100", "2")), List.of()));
    long last = sync.lastSequence();

    sync.reset(); // the connection dropped
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    assertThat(sync.book().isEmpty()).isTrue();
    assertThat(sync.bookSnapshot()).isEmpty();
    sync.onDiff(diff(T1.plusMillis(2), List.of(lvl("100", "3")), List.of()));
    assertThat(books).hasSize(2); // dropped: no snapshot yet
    assertThat(sync.droppedBeforeSnapshot()).isEqualTo(1);

    // The new connection's snapshot, stamped with an earlier receive time (the clock stepped back).
    sync.onStreamSnapshot(snapshot(T1.minusSeconds(60), List.of(lvl("99", "1")), List.of(lvl("101", "1"))));
    assertThat(books).hasSize(3);
    BookDelta again = books.get(2);
    assertThat(again.getSnapshot()).isTrue();
    assertThat(again.getSequence()).isGreaterThan(last);
    assertThat(again.getPrevSequence()).isNull();
    assertThat(again.getFinalUpdateId()).isEqualTo(again.getSequence());
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(sync.book().topBids(10)).containsExactly(lvl("99", "1"));

    sync.onDiff(diff(T1.plusSeconds(10), List.of(lvl("98", "1")), List.of()));
    assertThat(books.get(3).getPrevSequence()).isEqualTo(again.getSequence());
    assertThat(books.get(3).getSequence()).isEqualTo(micros(T1.plusSeconds(10)));
  }

  // --- (b) checksums ---

  @Test
  void matchingChecksumIsMarkedVerified() {
    BookSync sync = sync(TOP3, 0, false);
    OrderBook venueBook = new OrderBook(); // the book as the venue holds it
    BookDelta snap = snapshot(T1,
        List.of(lvl("100", "1"), lvl("99", "2"), lvl("98", "3"), lvl("97", "4")),
        List.of(lvl("101", "1"), lvl("102", "2"), lvl("103", "3")));
    venueBook.apply(snap);
    snap.setChecksum(top3(venueBook));
    sync.onStreamSnapshot(snap);

    BookDelta d1 = diff(T1.plusMillis(1), List.of(lvl("100", "5")), List.of(lvl("101", "0")));
    venueBook.apply(d1);
    d1.setChecksum(top3(venueBook));
    sync.onDiff(d1);

    BookDelta noChecksum = diff(T1.plusMillis(2), List.of(lvl("96", "1")), List.of());
    sync.onDiff(noChecksum);

    assertThat(books).hasSize(3);
    assertThat(books.get(0).getChecksumVerified()).isTrue();
    assertThat(books.get(1).getChecksumVerified()).isTrue();
    assertThat(books.get(2).getChecksumVerified()).isFalse(); // nothing to verify
    assertThat(sync.checksumsVerified()).isEqualTo(2);
    assertThat(sync.checksumFailures()).isZero();
    assertThat(gaps).isEmpty();
    assertThat(resyncs).isEmpty();
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
  }

  @Test
  void checksumMismatchEmitsOneGapResubscribesAndWritesNothingUntilTheNextSnapshot() {
    BookSync sync = sync(TOP3, 0, false);
    OrderBook venueBook = new OrderBook();
    BookDelta snap = snapshot(T1,
        List.of(lvl("100", "1"), lvl("99", "2"), lvl("98", "3")),
        List.of(lvl("101", "1"), lvl("102", "2"), lvl("103", "3")));
    venueBook.apply(snap);
    sync.onStreamSnapshot(snap);
    BookDelta good = diff(T1.plusMillis(1), List.of(lvl("100", "4")), List.of());
    venueBook.apply(good);
    good.setChecksum(top3(venueBook));
    sync.onDiff(good);
    assertThat(books).hasSize(2);
    long lastGood = books.get(1).getSequence();

    // The venue's book differs from ours (a level we never heard of): its checksum does not match.
    BookDelta bad = diff(T1.plusMillis(2), List.of(lvl("99", "7")), List.of());
    venueBook.apply(bad);
    venueBook.apply(diff(T1.plusMillis(2), List.of(lvl("99.5", "1")), List.of()));
    bad.setChecksum(top3(venueBook));
    sync.onDiff(bad);

    assertThat(gaps).hasSize(1);
    GapEvent gap = gaps.get(0);
    assertThat(gap.getKind()).isEqualTo(GapKind.SEQUENCE);
    assertThat(gap.getCause()).startsWith("checksum mismatch");
    assertThat(gap.getVenue()).isEqualTo(VENUE);
    assertThat(gap.getSymbol()).isEqualTo(SYMBOL);
    assertThat(gap.getStream()).isEqualTo("XYZ@book");
    assertThat(gap.getLastGoodSequence()).isEqualTo(lastGood);
    assertThat(gap.getBackfillStatus()).isEqualTo(BackfillStatus.NOT_APPLICABLE);
    assertThat(resyncs).containsExactly("XYZ#1");
    assertThat(books).hasSize(2); // the mismatching delta is not written
    assertThat(sync.checksumFailures()).isEqualTo(1);
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    assertThat(sync.book().isEmpty()).isTrue();
    assertThat(sync.bookSnapshot()).isEmpty();

    // Until the new snapshot arrives, diffs are dropped: no more gaps, no more resubscriptions.
    sync.onDiff(diff(T1.plusMillis(3), List.of(lvl("97", "1")), List.of()));
    assertThat(sync.droppedBeforeSnapshot()).isEqualTo(1);
    assertThat(books).hasSize(2);
    assertThat(gaps).hasSize(1);
    assertThat(resyncs).hasSize(1);

    // The resubscription's snapshot: in step again.
    OrderBook fresh = new OrderBook();
    BookDelta snap2 = snapshot(T1.plusMillis(4),
        List.of(lvl("100", "4"), lvl("99.5", "1"), lvl("99", "7")),
        List.of(lvl("101", "1"), lvl("102", "2")));
    fresh.apply(snap2);
    sync.onStreamSnapshot(snap2);
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(books).hasSize(3);
    assertThat(books.get(2).getSnapshot()).isTrue();
    assertThat(books.get(2).getPrevSequence()).isNull();
    assertThat(books.get(2).getSequence()).isGreaterThan(lastGood);

    BookDelta after = diff(T1.plusMillis(5), List.of(), List.of(lvl("102", "0")));
    fresh.apply(after);
    after.setChecksum(top3(fresh));
    sync.onDiff(after);
    assertThat(books).hasSize(4);
    assertThat(books.get(3).getChecksumVerified()).isTrue();
    assertThat(books.get(3).getPrevSequence()).isEqualTo(books.get(2).getSequence());
    assertThat(gaps).hasSize(1);
    assertThat(resyncs).hasSize(1);
  }

  // --- (c) depth ---

  @Test
  void maxDepthKeepsTheBestLevelsOfEachSide() {
    BookSync sync = sync(null, 2, false);
    sync.onStreamSnapshot(snapshot(T1,
        List.of(lvl("100", "1"), lvl("99", "1"), lvl("98", "1"), lvl("97", "1")),
        List.of(lvl("101", "1"), lvl("102", "1"), lvl("103", "1"), lvl("104", "1"))));
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100", "1"), lvl("99", "1"));
    assertThat(sync.book().topAsks(10)).containsExactly(lvl("101", "1"), lvl("102", "1"));

    // Better levels push the worst out.
    sync.onDiff(diff(T1.plusMillis(1), List.of(lvl("100.5", "2")), List.of(lvl("100.8", "3"))));
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100.5", "2"), lvl("100", "1"));
    assertThat(sync.book().topAsks(10)).containsExactly(lvl("100.8", "3"), lvl("101", "1"));

    // Levels beyond the depth do not stay.
    sync.onDiff(diff(T1.plusMillis(2), List.of(lvl("90", "9")), List.of(lvl("110", "9"))));
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100.5", "2"), lvl("100", "1"));
    assertThat(sync.book().topAsks(10)).containsExactly(lvl("100.8", "3"), lvl("101", "1"));

    assertThat(sync.bookSnapshot()).get().satisfies(s -> {
      assertThat(s.getBids()).containsExactly(lvl("100.5", "2"), lvl("100", "1"));
      assertThat(s.getAsks()).containsExactly(lvl("100.8", "3"), lvl("101", "1"));
    });
  }

  // --- (d) quotes read off the book ---

  @Test
  void quotesFromBookOnlyWhenTheBestBidOrAskChanges() {
    BookSync sync = sync(null, 0, true);
    sync.onStreamSnapshot(snapshot(T1,
        List.of(lvl("100", "1"), lvl("99", "2")),
        List.of(lvl("101", "1"), lvl("102", "3"))));
    assertThat(quotes).hasSize(1);
    assertQuote(quotes.get(0), "100", "1", "101", "1");
    assertThat(quotes.get(0).getUpdateId()).isEqualTo(books.get(0).getSequence());
    assertThat(quotes.get(0).getReceiveTime()).isEqualTo(T1);

    sync.onDiff(diff(T1.plusMillis(1), List.of(lvl("99", "5")), List.of())); // below the best bid
    sync.onDiff(diff(T1.plusMillis(2), List.of(), List.of(lvl("102", "0")))); // above the best ask
    assertThat(quotes).hasSize(1);

    sync.onDiff(diff(T1.plusMillis(3), List.of(lvl("100", "4")), List.of())); // best bid's size
    assertThat(quotes).hasSize(2);
    assertQuote(quotes.get(1), "100", "4", "101", "1");
    assertThat(quotes.get(1).getUpdateId()).isEqualTo(books.get(books.size() - 1).getSequence());

    sync.onDiff(diff(T1.plusMillis(4), List.of(), List.of(lvl("100.5", "2")))); // a better ask
    assertThat(quotes).hasSize(3);
    assertQuote(quotes.get(2), "100", "4", "100.5", "2");
    assertThat(quotes.get(2).getUpdateId()).isEqualTo(books.get(books.size() - 1).getSequence());

    sync.onDiff(diff(T1.plusMillis(5), List.of(lvl("100", "4")), List.of())); // the same again
    assertThat(quotes).hasSize(3);

    sync.onDiff(diff(T1.plusMillis(6), List.of(lvl("100", "0")), List.of())); // best bid gone
    assertThat(quotes).hasSize(4);
    assertQuote(quotes.get(3), "99", "5", "100.5", "2");
    assertThat(quotes.get(3).getUpdateId()).isEqualTo(books.get(books.size() - 1).getSequence());
    assertThat(quotes.get(3).getEventTime()).isEqualTo(T1.plusMillis(6));

    assertThat(quotes).extracting(Quote::getUpdateId).isSorted().doesNotHaveDuplicates();
    assertThat(books).hasSize(7);
  }

  private static void assertQuote(Quote q, String bid, String bidSize, String ask, String askSize) {
    assertThat(q.getVenue()).isEqualTo(VENUE);
    assertThat(q.getSymbol()).isEqualTo(SYMBOL);
    assertThat(q.getBidPrice()).isEqualByComparingTo(bid);
    assertThat(q.getBidSize()).isEqualByComparingTo(bidSize);
    assertThat(q.getAskPrice()).isEqualByComparingTo(ask);
    assertThat(q.getAskSize()).isEqualByComparingTo(askSize);
  }

  // --- (e) periodic book snapshots ---

  /** A periodic snapshot is written through the output like every other row, after the diffs it holds. */
  @Test
  void aWrittenPeriodicSnapshotFollowsTheDiffsItHolds() {
    BookSync sync = sync(null, 0, false);
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    sync.onDiff(diff(T1.plusMillis(1), List.of(lvl("99", "3")), List.of()));
    sync.writeBookSnapshot();
    sync.writeBookSnapshot(); // unchanged since: nothing more
    assertThat(books).extracting(BookDelta::getSnapshot).containsExactly(true, false, true);
    assertThat(books.get(2).getSequence()).isEqualTo(books.get(1).getSequence());
    assertThat(books.get(2).getBids()).containsExactly(lvl("100", "1"), lvl("99", "3"));
  }

  @Test
  void periodicBookSnapshotOnceThenEmptyUntilTheBookChanges() {
    BookSync sync = sync(null, 0, false);
    assertThat(sync.bookSnapshot()).isEmpty(); // not synced yet
    sync.onStreamSnapshot(snapshot(T1, List.of(lvl("100", "1"), lvl("99", "2")), List.of(lvl("101", "1"))));
    sync.onDiff(diff(T1.plusMillis(1), List.of(lvl("98", "3")), List.of()));
    long seq = books.get(1).getSequence();

    Optional<BookDelta> first = sync.bookSnapshot();
    assertThat(first).get().satisfies(s -> {
      assertThat(s.getSnapshot()).isTrue();
      assertThat(s.getVenue()).isEqualTo(VENUE);
      assertThat(s.getSymbol()).isEqualTo(SYMBOL);
      assertThat(s.getSequence()).isEqualTo(seq);
      assertThat(s.getFinalUpdateId()).isEqualTo(seq); // unsequenced: the collector's sequence
      assertThat(s.getPrevSequence()).isNull();
      assertThat(s.getBids()).containsExactly(lvl("100", "1"), lvl("99", "2"), lvl("98", "3"));
      assertThat(s.getAsks()).containsExactly(lvl("101", "1"));
      assertThat(s.getEventTime()).isEqualTo(T1.plusMillis(1));
      assertThat(s.getReceiveTime()).isEqualTo(CLOCK.instant());
    });
    assertThat(sync.bookSnapshot()).isEmpty();
    assertThat(sync.bookSnapshot()).isEmpty();

    sync.onDiff(diff(T1.plusMillis(2), List.of(lvl("98", "0")), List.of()));
    long seq2 = books.get(2).getSequence();
    assertThat(sync.bookSnapshot()).get().satisfies(s -> {
      assertThat(s.getSequence()).isEqualTo(seq2);
      assertThat(s.getBids()).containsExactly(lvl("100", "1"), lvl("99", "2"));
    });
    assertThat(sync.bookSnapshot()).isEmpty();
    assertThat(books).hasSize(3); // the periodic snapshots are returned, not written to the output
  }

  // --- OKX: seqId == prevSeqId (an update that changes nothing) ---

  /**
   * OKX sends {@code seqId == prevSeqId} (empty bids and asks) when nothing changed. Written like
   * any diff it repeats the previous diff's primary key (venue, symbol, finalUpdateId, snapshot:
   * {@code LakeKinds} "book"), so compaction's dedup keeps one of two different rows.
   */
  @Test
  void noChangeUpdateDoesNotRepeatThePrimaryKeyOfTheDiffBefore() {
    BookRules okx = new BookRules(ChainRule.prevSeqId(), BookRules.Snapshots.STREAM, null, null, 0, s -> s + "@books");
    BookSync sync = new BookSync("okx", "BTC-USDT", okx, (s, id) -> resyncs.add(s + "#" + id), out, CLOCK);
    BookDelta snap = BookDelta.newBuilder()
        .setVenue("okx").setSymbol("BTC-USDT").setSnapshot(true).setFinalUpdateId(100L)
        .setBids(List.of(lvl("100", "1"))).setAsks(List.of(lvl("101", "1")))
        .setEventTime(T1).setReceiveTime(T1).build();
    sync.onStreamSnapshot(snap);
    sync.onDiff(okxUpdate(101, 100, List.of(lvl("100", "2"))));
    sync.onDiff(okxUpdate(101, 101, List.of())); // nothing changed
    sync.onDiff(okxUpdate(102, 101, List.of(lvl("99", "1"))));

    // The chain is kept and the book is right whatever happens to the no-change update...
    assertThat(gaps).isEmpty();
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(sync.lastUpdateId()).isEqualTo(102);
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100", "2"), lvl("99", "1"));
    // ...but no two records written may share the book's primary key.
    Set<String> keys = new HashSet<>();
    for (BookDelta d : books) {
      assertThat(keys.add(d.getFinalUpdateId() + "/" + d.getSnapshot()))
          .as("book record (finalUpdateId=%d, snapshot=%s) written twice", d.getFinalUpdateId(), d.getSnapshot())
          .isTrue();
    }
  }

  private static BookDelta okxUpdate(long seqId, long prevSeqId, List<Level> bids) {
    Instant t = T1.plusMillis(seqId);
    return BookDelta.newBuilder()
        .setVenue("okx").setSymbol("BTC-USDT").setSnapshot(false)
        .setFinalUpdateId(seqId).setPrevFinalUpdateId(prevSeqId)
        .setBids(bids).setAsks(List.of())
        .setEventTime(t).setReceiveTime(t)
        .build();
  }
}
