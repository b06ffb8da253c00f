package io.ticklake.streams.dq;

import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.DqStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candle self-audit: each closed 1-minute candle the venue published is compared with the
 * candle ticklake built from the trades it received for the same minute. A difference beyond the
 * venue's rounding is a {@link DataQualityEvent} ({@code check=candle-audit}, FAIL) naming the
 * stream and the minute: a trade lost on the way (dropped by the venue's feed, a proxy, a bug of
 * ours) shows up a minute after it happened, not at the next QA run.
 *
 * <p>Compared: open, high, low and close exactly (they are trade prices); the volume within the
 * rounding of a venue that renders it through binary floating point ({@link #VOLUME_TOLERANCE}
 * relative); the trade count where the venue gives one that counts the trades we receive ({@code
 * countsTrades}; Binance's kline counts individual trades, its aggTrade stream aggregates them).
 *
 * <p>A minute whose previous minute has no trade-derived candle is not audited but counted
 * skipped: the first minute after a silence (the collector starting or coming back mid-minute, an
 * outage) holds only the trades received since, while the venue's candle has them all.
 *
 * <p>Either candle may come first; each waits in {@link #PENDING_STORE} for the other. An audited
 * minute leaves a marker, so a candle the venue sends again (or the backfill fetches again) is not
 * audited twice. A candle still alone {@link #HORIZON} after the newest minute of its key is
 * counted unmatched and dropped: a minute without trades, or one whose trades or candle were lost in
 * a known outage (its gap events say so); it is not an audit event. The per-stream tallies are in
 * {@link #TALLY_STORE} for the query API ({@code /api/v1/audit}).
 */
public final class CandleAudit implements FixedKeyProcessorSupplier<String, Candle, DataQualityEvent> {
  private static final Logger log = LoggerFactory.getLogger(CandleAudit.class);

  public static final String PENDING_STORE = "dq-candle-audit-pending-store";
  public static final String TALLY_STORE = "dq-candle-audit-tally-store";
  public static final String CHECK = "candle-audit";
  /** How long a candle waits for its counterpart, in minutes of its key's venue time. */
  public static final Duration HORIZON = Duration.ofHours(2);
  /** The volume difference allowed, relative to the venue's volume: float rendering, not a lot. */
  public static final BigDecimal VOLUME_TOLERANCE = new BigDecimal("1e-9");

  private static final String VENUE = "v";
  private static final String DERIVED = "d";
  private static final String AUDITED = "a";
  /** Marks a derived minute that follows a minute without one: not audited. */
  private static final String AFTER_SILENCE = "s";
  /** The tally store's key suffix holding a stream's last derived minute. */
  private static final String LAST_DERIVED = "|last-derived";

  private final Predicate<String> countsTrades;
  private final Serde<Candle> candles;

  /**
   * @param countsTrades whether a venue's candle trade count counts the trades its collector
   *     receives (then the counts must match)
   * @param candles the state serde of candles
   */
  public CandleAudit(Predicate<String> countsTrades, Serde<Candle> candles) {
    this.countsTrades = countsTrades;
    this.candles = candles;
  }

  @Override
  public FixedKeyProcessor<String, Candle, DataQualityEvent> get() {
    return new Auditor();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), candles),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TALLY_STORE), Serdes.String(), Serdes.String()));
  }

  /**
   * A stream's audit so far: minutes audited, minutes that differed, candles left unmatched, minutes
   * skipped (after a silence), the last difference.
   */
  public record Tally(long audited, long differed, long unmatched, long skipped, String lastDifference) {
    static final Tally NONE = new Tally(0, 0, 0, 0, "");

    public static Tally parse(String s) {
      if (s == null) {
        return NONE;
      }
      String[] p = s.split("\\|", 5);
      return new Tally(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), p.length > 4 ? p[4] : "");
    }

    String text() {
      return audited + "|" + differed + "|" + unmatched + "|" + skipped + "|" + lastDifference;
    }

    Tally plus(long audited, long differed, long unmatched, long skipped, String lastDifference) {
      return new Tally(this.audited + audited, this.differed + differed, this.unmatched + unmatched, this.skipped + skipped,
          lastDifference == null ? this.lastDifference : lastDifference);
    }
  }

  /** Whether a tally store key is a stream's tally (not one of the audit's own markers). */
  public static boolean isTally(String key) {
    return !key.endsWith(LAST_DERIVED);
  }

  /** Whether a candle takes part: closed 1-minute candles, the venue's or ticklake's. */
  public static boolean audited(Candle c) {
    return c != null && c.getClosed() && "1m".equals(c.getInterval());
  }

  /**
   * The differences between a venue's candle and the one built from trades, beyond the venue's
   * rounding; empty when they agree.
   */
  public static List<String> differences(Candle venue, Candle derived, boolean compareCount) {
    List<String> out = new ArrayList<>();
    price(out, "open", venue.getOpen(), derived.getOpen());
    price(out, "high", venue.getHigh(), derived.getHigh());
    price(out, "low", venue.getLow(), derived.getLow());
    price(out, "close", venue.getClose(), derived.getClose());
    BigDecimal v = venue.getVolume();
    BigDecimal d = derived.getVolume();
    if (v != null && d != null && v.subtract(d).abs().compareTo(v.abs().multiply(VOLUME_TOLERANCE)) > 0) {
      out.add("volume venue " + plain(v) + " trades " + plain(d));
    }
    Long vc = venue.getTradeCount();
    Long dc = derived.getTradeCount();
    if (compareCount && vc != null && dc != null && !vc.equals(dc)) {
      out.add("trade count venue " + vc + " trades " + dc);
    }
    return out;
  }

  private static void price(List<String> out, String what, BigDecimal venue, BigDecimal derived) {
    if (venue != null && derived != null && venue.compareTo(derived) != 0) {
      out.add(what + " venue " + plain(venue) + " trades " + plain(derived));
    }
  }

  private static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  private final class Auditor implements FixedKeyProcessor<String, Candle, DataQualityEvent> {
    private FixedKeyProcessorContext<String, DataQualityEvent> context;
    private KeyValueStore<String, Candle> pending;
    private KeyValueStore<String, String> tallies;

    @Override
    public void init(FixedKeyProcessorContext<String, DataQualityEvent> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING_STORE);
      this.tallies = context.getStateStore(TALLY_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Candle> record) {
      Candle c = record.value();
      if (!audited(c)) {
        return;
      }
      String key = record.key();
      long open = c.getOpenTime().toEpochMilli();
      expire(key, open - HORIZON.toMillis());
      if (pending.get(slot(key, open, AUDITED)) != null) {
        return; // audited already: the venue sent it again, or the backfill fetched it again
      }
      boolean isVenue = "venue".equals(c.getSource());
      if (!isVenue) {
        String lastKey = key + LAST_DERIVED;
        String last = tallies.get(lastKey);
        if (last == null || Long.parseLong(last) < open) {
          tallies.put(lastKey, Long.toString(open));
        }
        if (last == null || Long.parseLong(last) != open - (c.getCloseTime().toEpochMilli() - open)) {
          pending.put(slot(key, open, AFTER_SILENCE), c);
        }
      }
      String mine = slot(key, open, isVenue ? VENUE : DERIVED);
      Candle other = pending.get(slot(key, open, isVenue ? DERIVED : VENUE));
      if (other == null) {
        pending.put(mine, c);
        return;
      }
      Candle venue = isVenue ? c : other;
      Candle derived = isVenue ? other : c;
      pending.delete(slot(key, open, isVenue ? DERIVED : VENUE));
      pending.put(slot(key, open, AUDITED), venue);
      Tally t = Tally.parse(tallies.get(key));
      if (pending.get(slot(key, open, AFTER_SILENCE)) != null) {
        pending.delete(slot(key, open, AFTER_SILENCE));
        tallies.put(key, t.plus(0, 0, 0, 1, null).text());
        return; // the first minute after a silence: the trades before it are not ours to compare
      }
      List<String> diffs = differences(venue, derived, countsTrades.test(venue.getVenue()));
      if (diffs.isEmpty()) {
        tallies.put(key, t.plus(1, 0, 0, 0, null).text());
        return;
      }
      String minute = venue.getOpenTime().toString();
      String detail = venue.getVenue() + " " + venue.getSymbol() + " candles-1m " + minute + ": " + String.join("; ", diffs);
      tallies.put(key, t.plus(1, 1, 0, 0, detail).text());
      log.warn("candle audit: {} (the venue's candle and the one built from the trades received differ: a trade missed or "
          + "one too many)", detail);
      context.forward(record.withValue(event(venue, derived, diffs, detail)));
    }

    private DataQualityEvent event(Candle venue, Candle derived, List<String> diffs, String detail) {
      return DataQualityEvent.newBuilder()
          .setRunId(CHECK + ":" + venue.getOpenTime())
          .setCheck(CHECK)
          .setVenue(venue.getVenue())
          .setSymbol(venue.getSymbol())
          .setStatus(DqStatus.FAIL)
          .setObserved("trades: volume " + plain(derived.getVolume()) + ", " + derived.getTradeCount() + " trades")
          .setThreshold("venue: volume " + plain(venue.getVolume())
              + (venue.getTradeCount() == null ? "" : ", " + venue.getTradeCount() + " trades"))
          .setWindowStart(venue.getOpenTime())
          .setWindowEnd(venue.getCloseTime())
          .setDetail(detail)
          .setEventTime(Instant.ofEpochMilli(context.currentSystemTimeMs()))
          .build();
    }

    /** Drops the key's slots of minutes before {@code before}; candles still alone are counted unmatched. */
    private void expire(String key, long before) {
      List<String> old = new ArrayList<>();
      long unmatched = 0;
      try (KeyValueIterator<String, Candle> it = pending.range(slot(key, 0, ""), slot(key, Math.max(0, before), ""))) {
        while (it.hasNext()) {
          KeyValue<String, Candle> kv = it.next();
          old.add(kv.key);
          if (kv.key.endsWith("|" + VENUE) || kv.key.endsWith("|" + DERIVED)) {
            unmatched++;
          }
        }
      }
      old.forEach(pending::delete);
      if (unmatched > 0) {
        Tally t = Tally.parse(tallies.get(key));
        tallies.put(key, t.plus(0, 0, unmatched, 0, null).text());
      }
    }
  }

  /** A store key: the stream key, the minute (fixed width, so keys sort by time), the slot. */
  static String slot(String key, long openMillis, String which) {
    return key + "|" + String.format("%016d", openMillis) + "|" + which;
  }
}
