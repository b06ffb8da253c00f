package io.ticklake.producers.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills holes of Binance USD-M from its REST API. Consumes {@link Topics#GAPS}; for each PENDING
 * gap of this venue and one of the collector's symbols it fetches the missing range and produces
 * the records to the normalized topics, where the Streams app's dedup drops what was already
 * there; then it writes the gap again (same gapId, so the compacted topic keeps the latest) as
 * FILLED or UNFILLABLE with what was done in {@code backfillDetail}.
 *
 * <ul>
 *   <li>trades in the collector's own id space (dedup keys on the trade id): channel {@code
 *       aggTrade} from {@code /fapi/v1/aggTrades} (by {@code fromId} after the last good id, or by
 *       {@code startTime}/{@code endTime}); channel {@code trade} from {@code /fapi/v1/trades} (the
 *       last 1000, the only individual trades Binance serves without an API key), UNFILLABLE when
 *       the hole is older than that;
 *   <li>1-minute venue candles of the range from {@code /fapi/v1/klines} to {@link
 *       Topics#VENUE_CANDLES};
 *   <li>quotes: Binance keeps no top-of-book history, so a gap of the quote stream is UNFILLABLE.
 * </ul>
 *
 * <p>Every call goes through the collector's {@link BinanceRestSnapshotClient}, so the snapshots
 * and the backfill share one weight budget, and a 429 or 418 stops both (Binance counts weight per
 * IP: two budgets in one collector would overrun it). That is why the backfill runs in the
 * collector's process. Offsets are committed after the gap's new status was acknowledged; a
 * restart in between re-fetches, which the dedup absorbs.
 */
public final class BinanceBackfill implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceBackfill.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String GROUP_ID = "ticklake-backfill-" + BinanceMessageParser.VENUE;
  /** Binance: aggTrades by time must span less than an hour. */
  static final Duration MAX_RANGE = Duration.ofHours(1);
  static final int PAGE = 1000;
  static final int AGG_TRADES_WEIGHT = 20;
  static final int TRADES_WEIGHT = 5;
  static final int KLINES_WEIGHT = 5;
  private static final int MAX_PAGES = 100;
  private static final int MAX_FAILURES = 5;

  private final Consumer<String, GapEvent> consumer;
  private final Producer<String, SpecificRecord> producer;
  private final BinanceRestSnapshotClient rest;
  private final Set<String> symbols;
  private final boolean aggTrades;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;
  private long filled;
  private long unfillable;

  /**
   * @param consumer a consumer of the gaps topic (see {@link #consumerConfig})
   * @param producer the collector's producer of normalized records
   * @param channels the collector's channels: the trade id space is aggTrade's when subscribed
   */
  public BinanceBackfill(
      Consumer<String, GapEvent> consumer,
      Producer<String, SpecificRecord> producer,
      BinanceRestSnapshotClient rest,
      List<String> symbols,
      List<String> channels,
      Clock clock) {
    this.consumer = consumer;
    this.producer = producer;
    this.rest = rest;
    this.symbols = Set.copyOf(symbols);
    this.aggTrades = channels.contains("aggTrade") || !channels.contains("trade");
    this.clock = clock;
    this.thread = new Thread(this::run, "binance-usdm-backfill");
    thread.setDaemon(true);
  }

  /** A consumer of the gaps topic for the backfill: read committed, manual commits. */
  public static Consumer<String, GapEvent> consumer(String bootstrap, Map<String, ?> serdeConfig) {
    Map<String, Object> c = new HashMap<>(serdeConfig);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    AvroWireDeserializer<GapEvent> values = new AvroWireDeserializer<>(GapEvent.class);
    values.configure(c, false);
    return new KafkaConsumer<>(c, new StringDeserializer(), values);
  }

  public BinanceBackfill start() {
    consumer.subscribe(List.of(Topics.GAPS));
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, GapEvent> r : consumer.poll(Duration.ofMillis(500))) {
          GapEvent gap = r.value();
          if (gap != null && wanted(gap)) {
            GapEvent done = fill(gap);
            producer.send(new ProducerRecord<>(Topics.GAPS, r.key(), done)).get(30, TimeUnit.SECONDS);
          }
        }
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("backfill stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean wanted(GapEvent gap) {
    return gap.getBackfillStatus() == BackfillStatus.PENDING
        && BinanceMessageParser.VENUE.equals(gap.getVenue())
        && symbols.contains(gap.getSymbol());
  }

  /** The gap with its backfill status: FILLED or UNFILLABLE, and what was done. */
  GapEvent fill(GapEvent gap) throws InterruptedException {
    Outcome o;
    try {
      o = fetch(gap);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      o = new Outcome(false, "REST failed: " + cause.getMessage());
    }
    if (o.filled()) {
      filled++;
    } else {
      unfillable++;
    }
    log.info("gap {}: {} ({})", gap.getGapId(), o.filled() ? "FILLED" : "UNFILLABLE", o.detail());
    return GapEvent.newBuilder(gap)
        .setBackfillStatus(o.filled() ? BackfillStatus.FILLED : BackfillStatus.UNFILLABLE)
        .setBackfillDetail(o.detail())
        .build();
  }

  private record Outcome(boolean filled, String detail) {}

  private Outcome fetch(GapEvent gap) throws Exception {
    String symbol = gap.getSymbol();
    boolean quotes = "quotes".equals(gap.getStream()) || "bookTicker".equals(gap.getStream());
    if (quotes) {
      return new Outcome(false, "Binance keeps no top-of-book history to fetch quotes from");
    }
    boolean byIds = gap.getKind() == GapKind.TRADE_ID && gap.getLastGoodSequence() != null;
    Instant from = gap.getLastGoodTime();
    Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
    if (!byIds && from == null) {
      return new Outcome(false, "the gap names no start (last good time)");
    }
    if (!byIds && to.isAfter(from.plus(MAX_RANGE))) {
      to = from.plus(MAX_RANGE);
    }
    List<String> notes = new ArrayList<>();
    boolean complete = true;
    boolean candlesOnly = gap.getKind() == GapKind.MISSING_CANDLE && "candles-1m".equals(gap.getStream());
    if (!candlesOnly) {
      long lastGood = byIds ? gap.getLastGoodSequence() : -1;
      Long firstAfter = byIds ? gap.getFirstSequenceAfter() : null;
      TradeFetch t = aggTrades ? aggTrades(symbol, lastGood, firstAfter, from, to) : recentTrades(symbol, lastGood, firstAfter, from, to);
      for (Trade trade : t.trades()) {
        producer.send(new ProducerRecord<>(Topics.TRADES, BinanceMessageParser.VENUE + ":" + symbol, trade));
      }
      notes.add(t.trades().size() + " " + (aggTrades ? "aggTrades" : "trades") + " from " + t.source());
      if (!t.complete()) {
        complete = false;
        notes.add(t.why());
      }
    }
    if (from != null) {
      List<Candle> candles = klines(symbol, from, to);
      for (Candle c : candles) {
        producer.send(new ProducerRecord<>(Topics.VENUE_CANDLES, BinanceMessageParser.VENUE + ":" + symbol, c));
      }
      notes.add(candles.size() + " 1m klines from /fapi/v1/klines");
    }
    producer.flush();
    return new Outcome(complete, String.join("; ", notes));
  }

  private record TradeFetch(List<Trade> trades, boolean complete, String source, String why) {}

  /** aggTrades after {@code lastGood} (ids) or in [from, to] (times), page by page. */
  private TradeFetch aggTrades(String symbol, long lastGood, Long firstAfter, Instant from, Instant to) throws Exception {
    List<Trade> out = new ArrayList<>();
    String first =
        lastGood >= 0
            ? "&fromId=" + (lastGood + 1)
            : "&startTime=" + from.toEpochMilli() + "&endTime=" + to.toEpochMilli();
    String query = first;
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode arr = call("/fapi/v1/aggTrades?symbol=" + symbol + query + "&limit=" + PAGE, AGG_TRADES_WEIGHT);
      long lastId = -1;
      boolean past = false;
      for (JsonNode a : arr) {
        long id = a.get("a").asLong();
        Instant t = Instant.ofEpochMilli(a.get("T").asLong());
        lastId = id;
        if ((firstAfter != null && id >= firstAfter) || (lastGood < 0 && t.isAfter(to))) {
          past = true;
          break;
        }
        out.add(trade(symbol, id, a.get("p").asText(), a.get("q").asText(), a.get("m").asBoolean(), t, "aggTrade",
            a.path("f").asLong(), a.path("l").asLong()));
      }
      if (past || arr.size() < PAGE || (lastGood >= 0 && firstAfter == null)) {
        return new TradeFetch(out, true, "/fapi/v1/aggTrades", null);
      }
      query = "&fromId=" + (lastId + 1);
    }
    return new TradeFetch(out, false, "/fapi/v1/aggTrades", "stopped after " + MAX_PAGES + " pages");
  }

  /** The last 1000 trades, those in the hole kept; complete only if they reach back to its start. */
  private TradeFetch recentTrades(String symbol, long lastGood, Long firstAfter, Instant from, Instant to) throws Exception {
    JsonNode arr = call("/fapi/v1/trades?symbol=" + symbol + "&limit=" + PAGE, TRADES_WEIGHT);
    List<Trade> out = new ArrayList<>();
    long oldestId = Long.MAX_VALUE;
    Instant oldest = null;
    for (JsonNode a : arr) {
      long id = a.get("id").asLong();
      Instant t = Instant.ofEpochMilli(a.get("time").asLong());
      if (id < oldestId) {
        oldestId = id;
        oldest = t;
      }
      boolean in =
          lastGood >= 0
              ? id > lastGood && (firstAfter == null || id < firstAfter)
              : !t.isBefore(from) && !t.isAfter(to);
      if (in) {
        out.add(trade(symbol, id, a.get("price").asText(), a.get("qty").asText(), a.get("isBuyerMaker").asBoolean(), t, "trade", null, null));
      }
    }
    boolean reaches =
        oldest != null && (lastGood >= 0 ? oldestId <= lastGood + 1 : !oldest.isAfter(from));
    return new TradeFetch(out, reaches || arr.isEmpty() && lastGood < 0, "/fapi/v1/trades",
        "the hole is older than the last " + PAGE + " trades /fapi/v1/trades serves"
            + " (/fapi/v1/historicalTrades needs an API key)");
  }

  /** Closed 1-minute klines overlapping [from, to]. */
  private List<Candle> klines(String symbol, Instant from, Instant to) throws Exception {
    long start = from.toEpochMilli() / 60_000 * 60_000;
    JsonNode arr =
        call("/fapi/v1/klines?symbol=" + symbol + "&interval=1m&startTime=" + start + "&endTime=" + to.toEpochMilli()
            + "&limit=" + PAGE, KLINES_WEIGHT);
    List<Candle> out = new ArrayList<>();
    Instant now = clock.instant();
    for (JsonNode k : arr) {
      Instant open = Instant.ofEpochMilli(k.get(0).asLong());
      Instant close = Instant.ofEpochMilli(k.get(6).asLong() + 1);
      if (close.isAfter(now)) {
        continue; // still forming: the live stream will have it
      }
      BigDecimal volume = Decimals.of(new BigDecimal(k.get(5).asText()));
      BigDecimal quoteVolume = Decimals.of(new BigDecimal(k.get(7).asText()));
      BigDecimal takerBuy = Decimals.of(new BigDecimal(k.get(9).asText()));
      out.add(
          Candle.newBuilder()
              .setVenue(BinanceMessageParser.VENUE)
              .setSymbol(symbol)
              .setInterval("1m")
              .setSource("venue")
              .setOpenTime(open)
              .setCloseTime(close)
              .setOpen(Decimals.of(new BigDecimal(k.get(1).asText())))
              .setHigh(Decimals.of(new BigDecimal(k.get(2).asText())))
              .setLow(Decimals.of(new BigDecimal(k.get(3).asText())))
              .setClose(Decimals.of(new BigDecimal(k.get(4).asText())))
              .setVolume(volume)
              .setQuoteVolume(quoteVolume)
              .setVwap(volume.signum() == 0 ? null : Decimals.of(quoteVolume.divide(volume, 18, RoundingMode.HALF_EVEN)))
              .setTradeCount(k.get(8).asLong())
              .setTakerBuyVolume(takerBuy)
              .setTakerSellVolume(Decimals.of(volume.subtract(takerBuy)))
              .setClosed(true)
              .setEventTime(close)
              .build());
    }
    return out;
  }

  private JsonNode call(String pathAndQuery, int weight) throws Exception {
    String body = rest.get(pathAndQuery, weight, MAX_FAILURES).get(5, TimeUnit.MINUTES);
    JsonNode n = JSON.readTree(body);
    if (!n.isArray()) {
      throw new IOException(pathAndQuery + " answered no array: " + (body.length() > 200 ? body.substring(0, 200) : body));
    }
    return n;
  }

  private Trade trade(
      String symbol, long id, String price, String qty, boolean buyerIsMaker, Instant time, String channel, Long first, Long last) {
    return Trade.newBuilder()
        .setVenue(BinanceMessageParser.VENUE)
        .setSymbol(symbol)
        .setTradeId(Long.toString(id))
        .setSide(buyerIsMaker ? Side.SELL : Side.BUY) // m: the buyer was the maker, the taker sold
        .setPrice(Decimals.of(new BigDecimal(price)))
        .setSize(Decimals.of(new BigDecimal(qty)))
        .setMarketTrade(true) // aggTrades and /fapi/v1/trades are market trades only
        .setChannel(channel)
        .setFirstTradeId(first)
        .setLastTradeId(last)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(clock.instant())
        .build();
  }

  /** Gaps marked FILLED so far. */
  public long filled() {
    return filled;
  }

  /** Gaps marked UNFILLABLE so far. */
  public long unfillable() {
    return unfillable;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
