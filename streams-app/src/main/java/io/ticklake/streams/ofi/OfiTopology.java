package io.ticklake.streams.ofi;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.dq.Deduplication;
import io.ticklake.streams.internal.ClosingWindows;
import io.ticklake.streams.internal.EventTimeExtractor;
import io.ticklake.streams.internal.RunningTotal;
import io.ticklake.streams.internal.Times;
import io.ticklake.streams.internal.WindowCloser;
import io.ticklake.streams.serde.SerdeFactory;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * OFI per second and per minute (emitted when each window closes) and running since the start of
 * the UTC day (updated at each closed minute). Seconds sum the terms ({@link ClosingWindows});
 * minutes sum the closed seconds; the day sums the closed minutes. Terms come from deduplicated quotes (level 1) or,
 * with {@code ofi.source=book}, from a book maintained from BookDelta (levels 1..10).
 */
public final class OfiTopology {
  public static final String QUOTES_DEDUP_STORE = "ofi-quotes-dedup-store";
  public static final String LAST_QUOTE_STORE = "ofi-last-quote-store";
  public static final String BOOK_STORE = "ofi-book-store";
  /** The open 1-second windows of each key (a list, oldest first), see {@link ClosingWindows}. */
  public static final String OFI_1S_OPEN_STORE = "ofi-1s-open-store";
  /**
   * Closed 1-second windows of the last hour: the query API adds the seconds after the last minute
   * folded into the day from here, not from the minute windows, which get them a commit later
   * (through a repartition topic).
   */
  public static final String OFI_1S_CLOSED_STORE = "ofi-1s-closed-store";
  static final Duration OFI_1S_RETENTION = Duration.ofHours(1);
  /** The open 1-minute windows of each key, summed from closed seconds. */
  public static final String OFI_1M_OPEN_STORE = "ofi-1m-open-store";
  /** Closed 1-minute windows of the last day. */
  public static final String OFI_1M_STORE = "ofi-1m-store";
  public static final String OFI_DAY_STORE = "ofi-day-store";

  private OfiTopology() {}

  /**
   * Adds OFI; returns the closed 1-minute windows.
   *
   * @param quotes deduplicated quotes (see {@link #dedupQuotes}), used unless {@code ofi.source=book}
   */
  public static KStream<String, Ofi> addTo(
      StreamsBuilder builder, KStream<String, Quote> quotes, AppConfig config, SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<Ofi> ofis = serdes.value(Ofi.class);
    KStream<String, Ofi> terms;
    if (config.ofiFromBook()) {
      terms =
          builder.stream(Topics.BOOK, Consumed.with(keys, serdes.value(BookDelta.class)).withName("book-source")
                  .withTimestampExtractor(new EventTimeExtractor()))
              .processValues(new BookOfiProcessor(BOOK_STORE, serdes.state(BookDelta.class)), Named.as("ofi-book-terms"));
    } else {
      terms =
          quotes.processValues(new QuoteOfiProcessor(LAST_QUOTE_STORE, serdes.state(Quote.class)), Named.as("ofi-quote-terms"));
    }
    KStream<String, Ofi> seconds =
        window(terms, "1s", Duration.ofSeconds(1), config.ofiGrace(), OFI_1S_OPEN_STORE, OFI_1S_CLOSED_STORE, OFI_1S_RETENTION, serdes);
    seconds.to(Topics.OFI, Produced.with(keys, ofis).withName("ofi-1s-sink"));
    // Minutes are rolled up from the closed seconds, not summed term by term a second time: one
    // window update per quote instead of two, and a minute is by construction the sum of its
    // seconds. Closed seconds arrive in time order, so the rollup needs no grace of its own. The
    // same processor as the seconds, in the same task: no repartition topic between them, and the
    // query API finds the day, its minutes and its seconds on one instance.
    KStream<String, Ofi> minutes =
        window(seconds, "1m", Duration.ofMinutes(1), config.rollupGrace(), OFI_1M_OPEN_STORE, OFI_1M_STORE, Duration.ofDays(1), serdes);
    minutes.to(Topics.OFI, Produced.with(keys, ofis).withName("ofi-1m-sink"));
    minutes
        .processValues(new RunningTotal<>(OFI_DAY_STORE, serdes.state(Ofi.class), OfiAggregator::day), Named.as("ofi-day-running"))
        .to(Topics.OFI, Produced.with(keys, ofis).withName("ofi-day-sink"));
    return minutes;
  }

  /**
   * The quotes topic, duplicates of quotes without update ids (same venue, symbol, event time)
   * dropped; quotes with update ids are ordered by {@link QuoteOfiProcessor}.
   */
  public static KStream<String, Quote> dedupQuotes(StreamsBuilder builder, AppConfig config, SerdeFactory serdes) {
    return builder
        .stream(Topics.QUOTES, Consumed.with(serdes.key(), serdes.value(Quote.class)).withName("quotes-source")
                .withTimestampExtractor(new EventTimeExtractor()))
        .processValues(
            new Deduplication<>(QUOTES_DEDUP_STORE, config.dedupTtl(), OfiTopology::quoteId, null), Named.as("ofi-quotes-dedup"));
  }

  /**
   * Identity of a quote for the dedup store: none when it has an update id, since {@link
   * QuoteOfiProcessor} then takes only quotes newer than the last one, which drops a repeat as
   * well (the venue's ids are not consecutive, so they are no sequence to keep as ranges); its
   * event time when the venue has no ids.
   */
  static String quoteId(Quote q) {
    return q.getUpdateId() != null ? null : q.getVenue() + ":" + q.getSymbol() + ":t" + Times.micros(q.getEventTime());
  }

  /** Closed windows of {@code size} over {@code in} ({@link ClosingWindows}), each kept a while. */
  private static KStream<String, Ofi> window(
      KStream<String, Ofi> in,
      String label,
      Duration size,
      Duration grace,
      String openStore,
      String closedStore,
      Duration retention,
      SerdeFactory serdes) {
    return in.process(
            new ClosingWindows<>(
                openStore,
                size,
                grace,
                serdes.stateList(Ofi.class),
                OfiAggregator.windows(label),
                Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(closedStore, retention, size, false), serdes.key(), serdes.state(Ofi.class))),
            Named.as("ofi-" + label + "-windows"))
        .process(new WindowCloser<Ofi>((o, start, end) -> o), Named.as("ofi-" + label + "-close"));
  }
}
