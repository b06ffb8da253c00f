package io.ticklake.producers.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.core.InstrumentSource;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.RestPoller;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.InstrumentKind;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Coinbase Exchange public REST API ({@code https://api.exchange.coinbase.com}, no key), on the
 * collector's {@link BudgetedRestClient} (a token bucket: 10 requests per second per IP, bursts of
 * 15): the trade history the gap backfill reads, the closed candles polled after each period, and
 * the products' definitions.
 *
 * <ul>
 *   <li>Trades: {@code GET /products/{id}/trades?limit=1000[&after=<trade id>]} answers the trades
 *       <em>older</em> than the cursor, newest first; a hole of ids (a, b) is read from {@code
 *       after=b} down to a, exclusive of both, so a backfill returns exactly the missing trades. Its
 *       {@code side} is the maker's, as on the feed.
 *   <li>Candles: {@code GET /products/{id}/candles?granularity=60|300|3600&start&end} answers rows
 *       {@code [time, low, high, open, close, volume]}, newest first, at most 300; a candle is final
 *       once its period has ended. Coinbase says neither the trade count nor the taker volumes.
 *   <li>Quotes have no history: a quote-stream gap is UNFILLABLE.
 * </ul>
 */
public final class CoinbaseRest implements RangeFetcher, InstrumentSource {
  /** Numbers read exactly as the venue wrote them (candle values are JSON numbers): never a double. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
  static final int TRADES_PAGE = 1000;
  static final int MAX_CANDLES = 300;
  private static final int MAX_PAGES = 100;
  private static final int MAX_FAILURES = 5;
  /** Candle intervals Coinbase serves that ticklake's candle labels name. */
  static final Map<String, Integer> GRANULARITY = Map.of("1m", 60, "5m", 300, "15m", 900, "1h", 3600, "6h", 21_600, "1d", 86_400);

  private final String venue;
  private final BudgetedRestClient rest;
  private final Clock clock;

  public CoinbaseRest(String venue, BudgetedRestClient rest, Clock clock) {
    this.venue = venue;
    this.rest = rest;
    this.clock = clock;
  }

  // ---- backfill ----

  @Override
  public Fill fetch(GapEvent gap) throws Exception {
    String product = gap.getSymbol();
    String stream = gap.getStream();
    if (stream.equals("ticker") || stream.equals("quotes") || stream.equals("level2")) {
      return Fill.unfillable("Coinbase keeps no top-of-book or book history to fetch from");
    }
    if (gap.getKind() == GapKind.MISSING_CANDLE && stream.startsWith("candles-")) {
      if (gap.getLastGoodTime() == null) {
        return Fill.unfillable("the gap names no start time");
      }
      String interval = stream.substring("candles-".length());
      Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
      List<Candle> candles = candles(product, interval, gap.getLastGoodTime(), to, clock.instant()).get(5, TimeUnit.MINUTES);
      return new Fill(List.copyOf(candles), true, candles.size() + " " + interval + " candles from /products/" + product + "/candles");
    }
    if (gap.getLastGoodSequence() != null && gap.getKind() != GapKind.SEQUENCE) {
      return tradesById(product, gap.getLastGoodSequence(), gap.getFirstSequenceAfter());
    }
    if (gap.getLastGoodTime() != null) {
      Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
      return tradesByTime(product, gap.getLastGoodTime(), to);
    }
    return Fill.unfillable("the gap names no start (last good trade id or time)");
  }

  /** Trades with ids in (lastGood, firstAfter), or after lastGood up to the newest when firstAfter is null. */
  private Fill tradesById(String product, long lastGood, Long firstAfter) throws Exception {
    List<SpecificRecord> out = new ArrayList<>();
    String cursor = firstAfter == null ? "" : "&after=" + firstAfter;
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode arr = array(tradesPath(product) + cursor, "trades " + product);
      long oldest = Long.MAX_VALUE;
      for (JsonNode t : arr) {
        long id = t.get("trade_id").asLong();
        oldest = Math.min(oldest, id);
        if (id > lastGood && (firstAfter == null || id < firstAfter)) {
          out.add(trade(product, t));
        }
      }
      if (arr.isEmpty() || oldest <= lastGood + 1) {
        boolean reached = !arr.isEmpty() || lastGood + 1 == (firstAfter == null ? Long.MAX_VALUE : firstAfter);
        return new Fill(out, reached || oldest <= lastGood + 1, out.size() + " trades from /products/" + product + "/trades");
      }
      if (arr.size() < TRADES_PAGE) {
        return new Fill(out, false, out.size() + " trades from /products/" + product + "/trades; the history ends at trade "
            + oldest + ", after the hole's start " + (lastGood + 1));
      }
      cursor = "&after=" + oldest;
    }
    return new Fill(out, false, out.size() + " trades from /products/" + product + "/trades; stopped after " + MAX_PAGES + " pages");
  }

  /** Trades in [from, to] by their time, newest page first (the collector drops those it delivered). */
  private Fill tradesByTime(String product, Instant from, Instant to) throws Exception {
    List<SpecificRecord> out = new ArrayList<>();
    String cursor = "";
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode arr = array(tradesPath(product) + cursor, "trades " + product);
      long oldest = Long.MAX_VALUE;
      Instant oldestTime = null;
      for (JsonNode t : arr) {
        long id = t.get("trade_id").asLong();
        Instant time = Instant.parse(t.get("time").asText());
        if (id < oldest) {
          oldest = id;
          oldestTime = time;
        }
        if (!time.isBefore(from) && !time.isAfter(to)) {
          out.add(trade(product, t));
        }
      }
      if (arr.isEmpty() || oldestTime.isBefore(from) || arr.size() < TRADES_PAGE) {
        return new Fill(out, true, out.size() + " trades from /products/" + product + "/trades");
      }
      cursor = "&after=" + oldest;
    }
    return new Fill(out, false, out.size() + " trades from /products/" + product + "/trades; stopped after " + MAX_PAGES + " pages");
  }

  private static String tradesPath(String product) {
    return "/products/" + encode(product) + "/trades?limit=" + TRADES_PAGE;
  }

  private Trade trade(String product, JsonNode t) {
    Instant time = Instant.parse(t.get("time").asText());
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(product)
        .setTradeId(Long.toString(t.get("trade_id").asLong()))
        // The maker's side, as on the feed: the taker did the other.
        .setSide("sell".equals(t.get("side").asText()) ? Side.BUY : Side.SELL)
        .setPrice(decimal(t.get("price")))
        .setSize(decimal(t.get("size")))
        .setMarketTrade(true)
        .setChannel("matches")
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(clock.instant())
        .build();
  }

  // ---- candles ----

  /** Closed candles of {@code product} in [from, to), in time order: one request per 300 periods, one after the other. */
  CompletableFuture<List<Candle>> candlesBetween(String product, String interval, Instant from, Instant to) {
    Instant chunkEnd = from.plusSeconds((long) GRANULARITY.get(interval) * MAX_CANDLES);
    Instant end = chunkEnd.isBefore(to) ? chunkEnd : to;
    CompletableFuture<List<Candle>> first = candles(product, interval, from, end, to);
    if (!end.isBefore(to)) {
      return first;
    }
    return first.thenCompose(head -> candlesBetween(product, interval, end, to).thenApply(tail -> {
      List<Candle> all = new ArrayList<>(head);
      all.addAll(tail);
      return all;
    }));
  }

  /**
   * Closed candles of {@code product} whose period lies in [from, to) and has ended by {@code now}
   * (the venue's clock), in time order.
   */
  CompletableFuture<List<Candle>> candles(String product, String interval, Instant from, Instant to, Instant now) {
    int seconds = GRANULARITY.get(interval);
    long start = Math.floorDiv(from.getEpochSecond(), seconds) * seconds;
    long end = Math.min(to.getEpochSecond(), start + (long) seconds * MAX_CANDLES);
    String path = "/products/" + encode(product) + "/candles?granularity=" + seconds + "&start=" + Instant.ofEpochSecond(start)
        + "&end=" + Instant.ofEpochSecond(end);
    return rest.get(path, 1, MAX_FAILURES, body -> {
      JsonNode rows = JSON.readTree(body);
      if (!rows.isArray()) {
        throw new IOException(path + " answered no array: " + abbreviate(body));
      }
      List<Candle> out = new ArrayList<>();
      for (int i = rows.size() - 1; i >= 0; i--) { // newest first: read backwards
        JsonNode r = rows.get(i);
        Instant open = Instant.ofEpochSecond(r.get(0).asLong());
        Instant close = open.plusSeconds(seconds);
        if (open.isBefore(Instant.ofEpochSecond(start)) || close.isAfter(now) || !open.isBefore(Instant.ofEpochSecond(end))) {
          continue; // outside the range, or not over yet
        }
        out.add(
            Candle.newBuilder()
                .setVenue(venue)
                .setSymbol(product)
                .setInterval(interval)
                .setSource("venue")
                .setOpenTime(open)
                .setCloseTime(close)
                .setLow(decimal(r.get(1)))
                .setHigh(decimal(r.get(2)))
                .setOpen(decimal(r.get(3)))
                .setClose(decimal(r.get(4)))
                .setVolume(decimal(r.get(5)))
                .setQuoteVolume(null)
                .setVwap(null)
                // Coinbase says neither how many trades nor which side took them.
                .setTradeCount(null)
                .setTakerBuyVolume(null)
                .setTakerSellVolume(null)
                .setClosed(true)
                .setEventTime(close)
                .build());
      }
      return out;
    }, "candles " + interval + " " + product);
  }

  /**
   * Closed candles polled after each period, at {@code delay} after its end: for every symbol, the
   * periods the poller asks for (those since its last successful poll; after a start, one request's
   * worth, 300 periods, before the first).
   */
  public List<RestPoller.PolledChannel> candleChannels(List<String> intervals, Supplier<List<String>> symbols, Duration delay) {
    List<RestPoller.PolledChannel> out = new ArrayList<>();
    for (String interval : intervals) {
      Integer seconds = GRANULARITY.get(interval);
      if (seconds == null) {
        throw new IllegalArgumentException("Coinbase serves candles of " + GRANULARITY.keySet() + ", not '" + interval + "'");
      }
      Duration period = Duration.ofSeconds(seconds);
      out.add(new RestPoller.PolledChannel("candles-" + interval, period, delay, period.multipliedBy(MAX_CANDLES), (from, to) -> {
        List<CompletableFuture<List<Candle>>> all = new ArrayList<>();
        for (String product : symbols.get()) {
          all.add(candlesBetween(product, interval, from, to));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(x -> {
          List<SpecificRecord> records = new ArrayList<>();
          all.forEach(f -> records.addAll(f.join()));
          return records;
        });
      }));
    }
    return out;
  }

  // ---- instruments ----

  @Override
  public CompletableFuture<List<Instrument>> fetch(List<String> symbols) {
    Set<String> wanted = new HashSet<>(symbols);
    return rest.get("/products", 1, MAX_FAILURES, body -> instruments(body, wanted, clock.instant()), "products");
  }

  /** The definitions of {@code wanted} products in a {@code GET /products} answer. */
  List<Instrument> instruments(String body, Set<String> wanted, Instant now) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (!root.isArray()) {
      throw new IOException("/products answered no array: " + abbreviate(body));
    }
    List<Instrument> out = new ArrayList<>();
    for (JsonNode p : root) {
      String id = p.path("id").asText();
      if (!wanted.contains(id)) {
        continue;
      }
      String base = p.path("base_currency").asText(null);
      String quote = p.path("quote_currency").asText(null);
      out.add(
          Instrument.newBuilder()
              .setVenue(venue)
              .setSymbol(id)
              .setCanonicalSymbol(base + "-" + quote)
              .setBase(base)
              .setQuote(quote)
              .setKind(InstrumentKind.SPOT)
              .setStatus(p.path("status").asText(null))
              .setTickSize(optionalDecimal(p.get("quote_increment")))
              .setLotSize(optionalDecimal(p.get("base_increment")))
              .setMinSize(optionalDecimal(p.get("base_min_size")))
              .setEventTime(now)
              .setReceiveTime(now)
              .build());
    }
    return out;
  }

  private JsonNode array(String pathAndQuery, String what) throws Exception {
    String body = rest.get(pathAndQuery, 1, MAX_FAILURES, b -> b, what).get(5, TimeUnit.MINUTES);
    JsonNode n = JSON.readTree(body);
    if (!n.isArray()) {
      throw new IOException(pathAndQuery + " answered no array: " + abbreviate(body));
    }
    return n;
  }

  /** A price or size as the venue wrote it: a decimal string, or a JSON number read exactly. */
  private static BigDecimal decimal(JsonNode n) {
    return Decimals.of(n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText()));
  }

  private static BigDecimal optionalDecimal(JsonNode n) {
    return n == null || n.isNull() ? null : decimal(n);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
