package io.ticklake.producers.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.core.InstrumentSource;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.InstrumentKind;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Binance USD-M futures' public REST API, on the collector's {@link BudgetedRestClient} (one
 * request-weight budget for everything): depth snapshots ({@code /fapi/v1/depth}), the history the
 * gap backfill fetches, and the exchange's instrument definitions ({@code /fapi/v1/exchangeInfo}).
 *
 * <p>Backfill, exclusive of the last good record:
 *
 * <ul>
 *   <li>trades in the collector's own id space: channel {@code aggTrade} from {@code
 *       /fapi/v1/aggTrades} ({@code fromId} after the last good id, or {@code startTime}/{@code
 *       endTime}); channel {@code trade} from {@code /fapi/v1/trades} (the last 1000, the only
 *       individual trades Binance serves without an API key), UNFILLABLE when the hole is older;
 *   <li>closed 1-minute candles of the range from {@code /fapi/v1/klines}, when the collector
 *       collects the venue's 1-minute candles ({@code kline_1m}): a hole in that stream is filled,
 *       and no other minutes are written into it;
 *   <li>quotes: Binance keeps no top-of-book history, so a quote-stream gap is UNFILLABLE.
 * </ul>
 */
public final class BinanceUsdmRest implements BookRules.SnapshotFetcher, RangeFetcher, InstrumentSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final int DEPTH_LIMIT = 1000;
  /** Weight of a depth call with limit 1000 (Binance: 5 up to 100, 10 up to 500, 20 up to 1000). */
  static final int DEPTH_WEIGHT = 20;
  /** Binance: aggTrades by time must span less than an hour. */
  static final Duration MAX_RANGE = Duration.ofHours(1);
  static final int PAGE = 1000;
  static final int AGG_TRADES_WEIGHT = 20;
  static final int TRADES_WEIGHT = 5;
  static final int KLINES_WEIGHT = 5;
  static final int EXCHANGE_INFO_WEIGHT = 1;
  private static final int MAX_PAGES = 100;
  private static final int MAX_FAILURES = 5;

  private final String venue;
  private final BudgetedRestClient rest;
  private final BinanceMessageParser parser;
  private final boolean aggTrades;
  private final boolean klines;
  private final Clock clock;

  /**
   * @param channels the collector's channels: the trade id space is aggTrade's when subscribed
   */
  public BinanceUsdmRest(String venue, BudgetedRestClient rest, List<String> channels, Clock clock) {
    this.venue = venue;
    this.rest = rest;
    this.parser = new BinanceMessageParser(venue);
    this.aggTrades = channels.contains("aggTrade") || !channels.contains("trade");
    this.klines = channels.contains("kline_1m");
    this.clock = clock;
  }

  // ---- book snapshots ----

  @Override
  public CompletableFuture<BookDelta> fetch(String symbol) {
    return rest.get(depthPath(symbol), DEPTH_WEIGHT, BudgetedRestClient.RETRY_FOREVER,
        body -> parser.parseDepthSnapshot(symbol, body, clock.instant()), "depth " + symbol);
  }

  @Override
  public CompletableFuture<String> fetchBody(String symbol) {
    return rest.get(depthPath(symbol), DEPTH_WEIGHT, BudgetedRestClient.RETRY_FOREVER, body -> {
      parser.parseDepthSnapshot(symbol, body, clock.instant()); // only a readable snapshot is recorded
      return body;
    }, "depth " + symbol);
  }

  private static String depthPath(String symbol) {
    return "/fapi/v1/depth?symbol=" + symbol + "&limit=" + DEPTH_LIMIT;
  }

  // ---- backfill ----

  @Override
  public Fill fetch(GapEvent gap) throws Exception {
    String symbol = gap.getSymbol();
    String stream = gap.getStream();
    if ("quotes".equals(stream) || "bookTicker".equals(stream)) {
      return Fill.unfillable("Binance keeps no top-of-book history to fetch quotes from");
    }
    boolean byIds = gap.getLastGoodSequence() != null && gap.getKind() != GapKind.SEQUENCE && gap.getKind() != GapKind.MISSING_CANDLE;
    Instant from = gap.getLastGoodTime();
    Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
    if (!byIds && from == null) {
      return Fill.unfillable("the gap names no start (last good trade id or time)");
    }
    if (from != null && to.isAfter(from.plus(MAX_RANGE))) {
      to = from.plus(MAX_RANGE);
    }
    List<SpecificRecord> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean complete = true;
    // A minute missing from the venue's candle stream is a candle to fetch; one missing from the
    // trade-derived candles is a minute of trades.
    boolean candlesOnly = gap.getKind() == GapKind.MISSING_CANDLE && stream.startsWith("candles-");
    String interval = candlesOnly ? stream.substring("candles-".length()) : "1m";
    if (candlesOnly && !klines) {
      return Fill.unfillable("the venue's candles (kline_" + interval + ") are not collected");
    }
    if (!candlesOnly) {
      long lastGood = byIds ? gap.getLastGoodSequence() : -1;
      Long firstAfter = byIds ? gap.getFirstSequenceAfter() : null;
      TradeFetch t = aggTrades ? aggTrades(symbol, lastGood, firstAfter, from, to) : recentTrades(symbol, lastGood, firstAfter, from, to);
      out.addAll(t.trades());
      notes.add(t.trades().size() + " " + (aggTrades ? "aggTrades" : "trades") + " from " + t.source());
      if (!t.complete()) {
        complete = false;
        notes.add(t.why());
      }
    }
    if (from != null && klines) {
      List<Candle> candles = klines(symbol, interval, from, to);
      out.addAll(candles);
      notes.add(candles.size() + " " + interval + " klines from /fapi/v1/klines");
    }
    return new Fill(out, complete, String.join("; ", notes));
  }

  private record TradeFetch(List<Trade> trades, boolean complete, String source, String why) {}

  /** aggTrades after {@code lastGood} (ids, exclusive) or in [from, to] (times), page by page. */
  private TradeFetch aggTrades(String symbol, long lastGood, Long firstAfter, Instant from, Instant to) throws Exception {
    List<Trade> out = new ArrayList<>();
    String query =
        lastGood >= 0
            ? "&fromId=" + (lastGood + 1)
            : "&startTime=" + from.toEpochMilli() + "&endTime=" + to.toEpochMilli();
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode arr = array("/fapi/v1/aggTrades?symbol=" + symbol + query + "&limit=" + PAGE, AGG_TRADES_WEIGHT);
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
        if (id <= lastGood) {
          continue; // never the last good one again
        }
        out.add(trade(symbol, id, a.get("p").asText(), a.get("q").asText(), a.get("m").asBoolean(), t, "aggTrade",
            a.path("f").asLong(), a.path("l").asLong()));
      }
      if (past || arr.size() < PAGE) {
        return new TradeFetch(out, true, "/fapi/v1/aggTrades", null);
      }
      query = "&fromId=" + (lastId + 1);
    }
    return new TradeFetch(out, false, "/fapi/v1/aggTrades", "stopped after " + MAX_PAGES + " pages");
  }

  /** The last 1000 trades, those in the hole kept; complete only if they reach back to its start. */
  private TradeFetch recentTrades(String symbol, long lastGood, Long firstAfter, Instant from, Instant to) throws Exception {
    JsonNode arr = array("/fapi/v1/trades?symbol=" + symbol + "&limit=" + PAGE, TRADES_WEIGHT);
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
    boolean reaches = oldest != null && (lastGood >= 0 ? oldestId <= lastGood + 1 : !oldest.isAfter(from));
    return new TradeFetch(out, reaches || arr.isEmpty() && lastGood < 0, "/fapi/v1/trades",
        "the hole is older than the last " + PAGE + " trades /fapi/v1/trades serves"
            + " (/fapi/v1/historicalTrades needs an API key)");
  }

  /** Closed klines of {@code interval} (1m, 5m, 1h) overlapping [from, to]. */
  private List<Candle> klines(String symbol, String interval, Instant from, Instant to) throws Exception {
    long step = switch (interval) {
      case "5m" -> 300_000L;
      case "1h" -> 3_600_000L;
      default -> 60_000L;
    };
    long start = from.toEpochMilli() / step * step;
    JsonNode arr =
        array("/fapi/v1/klines?symbol=" + symbol + "&interval=" + interval + "&startTime=" + start + "&endTime=" + to.toEpochMilli()
            + "&limit=" + PAGE, KLINES_WEIGHT);
    List<Candle> out = new ArrayList<>();
    Instant now = clock.instant();
    for (JsonNode k : arr) {
      Instant open = Instant.ofEpochMilli(k.get(0).asLong());
      Instant close = Instant.ofEpochMilli(k.get(6).asLong() + 1);
      if (close.isAfter(now)) {
        continue; // still forming: the live stream will have it
      }
      BigDecimal volume = decimal(k.get(5));
      BigDecimal quoteVolume = decimal(k.get(7));
      BigDecimal takerBuy = decimal(k.get(9));
      out.add(
          Candle.newBuilder()
              .setVenue(venue)
              .setSymbol(symbol)
              .setInterval(interval)
              .setSource("venue")
              .setOpenTime(open)
              .setCloseTime(close)
              .setOpen(decimal(k.get(1)))
              .setHigh(decimal(k.get(2)))
              .setLow(decimal(k.get(3)))
              .setClose(decimal(k.get(4)))
              .setVolume(volume)
              .setQuoteVolume(quoteVolume)
              .setVwap(volume.signum() == 0 ? null : Decimals.of(quoteVolume.divide(volume, Decimals.SCALE, RoundingMode.HALF_EVEN)))
              .setTradeCount(k.get(8).asLong())
              .setTakerBuyVolume(takerBuy)
              .setTakerSellVolume(Decimals.of(volume.subtract(takerBuy)))
              .setClosed(true)
              .setEventTime(close)
              .build());
    }
    return out;
  }

  private static BigDecimal decimal(JsonNode text) {
    return Decimals.of(new BigDecimal(text.asText()));
  }

  private JsonNode array(String pathAndQuery, int weight) throws Exception {
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
        .setVenue(venue)
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

  // ---- instruments ----

  @Override
  public CompletableFuture<List<Instrument>> fetch(List<String> symbols) {
    Set<String> wanted = new HashSet<>(symbols);
    return rest.get("/fapi/v1/exchangeInfo", EXCHANGE_INFO_WEIGHT, MAX_FAILURES, body -> instruments(body, wanted, clock.instant()),
        "exchangeInfo");
  }

  private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  /** The definitions of {@code wanted} symbols in an {@code exchangeInfo} answer. */
  List<Instrument> instruments(String body, Set<String> wanted, Instant now) throws IOException {
    JsonNode root = JSON.readTree(body);
    List<Instrument> out = new ArrayList<>();
    for (JsonNode s : root.path("symbols")) {
      String symbol = s.path("symbol").asText();
      if (!wanted.contains(symbol)) {
        continue;
      }
      String base = s.path("baseAsset").asText(null);
      String quote = s.path("quoteAsset").asText(null);
      String contractType = s.path("contractType").asText("PERPETUAL");
      boolean perpetual = contractType.isEmpty() || contractType.equals("PERPETUAL");
      long delivery = s.path("deliveryDate").asLong(0);
      Instant expiry = perpetual || delivery <= 0 ? null : Instant.ofEpochMilli(delivery);
      BigDecimal tick = null;
      BigDecimal step = null;
      BigDecimal min = null;
      for (JsonNode f : s.path("filters")) {
        switch (f.path("filterType").asText()) {
          case "PRICE_FILTER" -> tick = optionalDecimal(f.get("tickSize"));
          case "LOT_SIZE" -> {
            step = optionalDecimal(f.get("stepSize"));
            min = optionalDecimal(f.get("minQty"));
          }
          default -> { }
        }
      }
      String canonical = base + "-" + quote + (expiry == null ? "" : "-" + YYYYMMDD.format(expiry));
      out.add(
          Instrument.newBuilder()
              .setVenue(venue)
              .setSymbol(symbol)
              .setCanonicalSymbol(canonical)
              .setBase(base)
              .setQuote(quote)
              .setKind(perpetual ? InstrumentKind.PERPETUAL : InstrumentKind.FUTURE)
              .setStatus(s.path("status").asText(null))
              // USD-M contracts are linear: one contract is one unit of the base asset.
              .setContractSize(Decimals.of(BigDecimal.ONE))
              .setContractSizeUnit(base)
              .setTickSize(tick)
              .setLotSize(step)
              .setMinSize(min)
              .setUnderlying(s.path("pair").asText(null))
              .setExpiry(expiry)
              .setEventTime(now)
              .setReceiveTime(now)
              .build());
    }
    return out;
  }

  private static BigDecimal optionalDecimal(JsonNode n) {
    return n == null || n.isNull() ? null : Decimals.of(new BigDecimal(n.asText()));
  }
}
