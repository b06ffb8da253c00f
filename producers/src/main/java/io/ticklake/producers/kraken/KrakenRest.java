package io.ticklake.producers.kraken;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.core.InstrumentSource;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.LimitPolicy;
import io.ticklake.producers.rest.TokenBucketPolicy;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.InstrumentKind;
import io.ticklake.schema.v1.Side;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kraken's public REST API ({@code https://api.kraken.com/0/public/}, no key) on the collector's
 * {@link BudgetedRestClient}: about one call a second per IP. Every answer is {@code
 * {"error":[...],"result":{...}}} with HTTP 200, throttling included ({@code EGeneral:Too many
 * requests}), so the error list is read before the result.
 *
 * <ul>
 *   <li>Trades ({@code /Trades?pair=XBTUSD&since=<ns>}): rows {@code [price, volume, time, b|s,
 *       m|l, misc, trade_id]} from the cursor on, ascending, with {@code last}, a nanosecond cursor
 *       for the next page: the whole history by time, so any hole of trades can be filled.
 *   <li>Candles ({@code /OHLC?pair=&interval=&since=<s>}): rows {@code [time, open, high, low,
 *       close, vwap, volume, count]}, but only the last 720 of an interval (12 hours of minutes);
 *       the last row is the running candle and is never written. A hole older than that is
 *       UNFILLABLE for candles; its trades are still there, and the Streams app derives candles from
 *       them.
 *   <li>Pairs ({@code /AssetPairs}): reference data, and (v2) the decimals the book checksum needs.
 * </ul>
 */
public final class KrakenRest implements RangeFetcher, InstrumentSource {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  static final int TRADES_PAGE = 1000;
  static final int OHLC_ROWS = 720;
  private static final int MAX_PAGES = 200;
  private static final int MAX_FAILURES = 5;

  private final String venue;
  private final BudgetedRestClient rest;
  private final Clock clock;
  private final KrakenPairs pairs;
  private final boolean referenceDecimals;
  private final List<String> candleIntervals;

  /**
   * @param referenceDecimals whether AssetPairs' decimals teach the checksum (v2, whose numbers may
   *     lose trailing zeros; v1's levels carry their own)
   * @param candleIntervals the candle labels collected ({@code 1m}, {@code 5m}, {@code 1h}), filled
   *     with the trades of a disconnect
   */
  public KrakenRest(String venue, BudgetedRestClient rest, Clock clock, KrakenPairs pairs, boolean referenceDecimals,
      List<String> candleIntervals) {
    this.venue = venue;
    this.rest = rest;
    this.clock = clock;
    this.pairs = pairs;
    this.referenceDecimals = referenceDecimals;
    this.candleIntervals = List.copyOf(candleIntervals);
  }

  /** Kraken's public limit: about one call a second, a short burst; its HTTP 200 refusals recognized. */
  public static LimitPolicy limits(int perSecond) {
    return LimitPolicy.refusingWith(new TokenBucketPolicy(perSecond, Math.max(2, perSecond * 2)),
        "EGeneral:Too many requests", "EAPI:Rate limit exceeded");
  }

  // ---- backfill ----

  @Override
  public Fill fetch(GapEvent gap) throws Exception {
    String symbol = gap.getSymbol();
    String stream = gap.getStream();
    if (stream.startsWith("book") || stream.startsWith("ticker") || stream.startsWith("spread") || stream.equals("depth")
        || stream.equals("quotes")) {
      return Fill.unfillable("Kraken keeps no book or top-of-book history to fetch from");
    }
    Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
    if (gap.getKind() == GapKind.MISSING_CANDLE && stream.startsWith("candles-")) {
      if (gap.getLastGoodTime() == null) {
        return Fill.unfillable("the gap names no start time");
      }
      String interval = stream.substring("candles-".length());
      List<Candle> candles = candles(symbol, interval, gap.getLastGoodTime(), to).get(5, TimeUnit.MINUTES);
      return new Fill(List.copyOf(candles), true, candles.size() + " " + interval + " candles from /0/public/OHLC");
    }
    if (gap.getLastGoodTime() == null) {
      return Fill.unfillable("the gap names no start time, and Kraken's trade history is read by time");
    }
    Fill trades = trades(symbol, gap.getLastGoodTime(), to, gap.getLastGoodSequence(), gap.getFirstSequenceAfter());
    if (gap.getKind() != GapKind.DISCONNECT || candleIntervals.isEmpty()) {
      return trades;
    }
    // An outage also missed the venue's closed candles: those of its periods, while Kraken still has them.
    List<SpecificRecord> all = new ArrayList<>(trades.records());
    StringBuilder detail = new StringBuilder(trades.detail());
    for (String interval : candleIntervals) {
      List<Candle> candles = candles(symbol, interval, gap.getLastGoodTime(), to).get(5, TimeUnit.MINUTES);
      all.addAll(candles);
      detail.append("; ").append(candles.size()).append(' ').append(interval).append(" candles from /0/public/OHLC");
    }
    return new Fill(all, trades.complete(), detail.toString());
  }

  /**
   * Trades in [from, to] (and, when given, with ids in (lastId, firstIdAfter)), ascending: pages
   * from the nanosecond cursor until past {@code to}.
   */
  Fill trades(String symbol, Instant from, Instant to, Long lastId, Long firstIdAfter) throws Exception {
    List<SpecificRecord> out = new ArrayList<>();
    String pair = KrakenPairs.restPair(symbol);
    long cursor = from.getEpochSecond() * 1_000_000_000L + from.getNano();
    // The highest id taken (or known before the hole): a page asked from just before the previous
    // page's last trade repeats the trades of that instant, and those already taken are skipped.
    long taken = lastId != null ? lastId : -1;
    for (int page = 0; page < MAX_PAGES; page++) {
      String path = "/0/public/Trades?pair=" + encode(pair) + "&since=" + cursor + "&count=" + TRADES_PAGE;
      JsonNode result = fetchResult(path, "trades " + symbol);
      JsonNode rows = rows(result);
      boolean past = false;
      boolean fresh = false;
      for (JsonNode r : rows) {
        Instant time = seconds(r.get(2));
        if (time.isAfter(to)) {
          past = true;
          break;
        }
        if (time.isBefore(from)) {
          continue;
        }
        long id = r.size() > 6 ? r.get(6).asLong() : -1;
        if (id >= 0 && (id <= taken || (firstIdAfter != null && id >= firstIdAfter))) {
          continue;
        }
        fresh = true;
        taken = Math.max(taken, id);
        // A row without an id (older answers) gets one made of itself, as v1's trades do.
        String tradeId = id >= 0 ? Long.toString(id)
            : (time.getEpochSecond() * 1_000_000L + time.getNano() / 1000) + "-" + r.get(0).asText() + "-" + r.get(1).asText();
        out.add(KrakenRecords.trade(venue, symbol, tradeId, "b".equals(r.get(3).asText()) ? Side.BUY : Side.SELL, decimal(r.get(0)),
            decimal(r.get(1)), true, time, clock.instant()));
      }
      JsonNode last = result.get("last");
      long next = last == null ? cursor : Long.parseLong(last.asText());
      if (past || rows.isEmpty() || next <= cursor) {
        return new Fill(out, true, out.size() + " trades from /0/public/Trades");
      }
      // Trades of the last one's very instant may not all have fit in the page ("since" is
      // exclusive): ask again from just before it, unless this page brought nothing new.
      cursor = fresh && next - 1 > cursor ? next - 1 : next;
    }
    return new Fill(out, false, out.size() + " trades from /0/public/Trades; stopped after " + MAX_PAGES + " pages");
  }

  /** Closed candles of {@code interval} whose period lies in [from, to) and has ended (the last 720 Kraken keeps). */
  CompletableFuture<List<Candle>> candles(String symbol, String interval, Instant from, Instant to) {
    int minutes = KrakenRecords.minutes(interval);
    if (minutes < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("Kraken has no " + interval + " candles"));
    }
    long step = 60L * minutes;
    long start = Math.floorDiv(from.getEpochSecond(), step) * step;
    String path = "/0/public/OHLC?pair=" + encode(KrakenPairs.restPair(symbol)) + "&interval=" + minutes + "&since=" + (start - 1);
    Instant now = clock.instant();
    return rest.get(path, 1, MAX_FAILURES, body -> {
      JsonNode rows = rows(result(body, path));
      List<Candle> out = new ArrayList<>();
      for (int i = 0; i < rows.size() - 1; i++) { // the last row is the running candle
        JsonNode r = rows.get(i);
        Instant open = Instant.ofEpochSecond(r.get(0).asLong());
        Instant close = open.plusSeconds(step);
        if (open.getEpochSecond() < start || close.isAfter(to.plusSeconds(step)) || close.isAfter(now)) {
          continue;
        }
        out.add(KrakenRecords.candle(venue, symbol, interval, open, minutes, decimal(r.get(1)), decimal(r.get(2)), decimal(r.get(3)),
            decimal(r.get(4)), decimal(r.get(6)), decimal(r.get(5)), r.get(7).asLong(), true, close));
      }
      return out;
    }, "ohlc " + interval + " " + symbol);
  }

  // ---- instruments ----

  @Override
  public CompletableFuture<List<Instrument>> fetch(List<String> symbols) {
    StringBuilder list = new StringBuilder();
    for (String s : symbols) {
      list.append(list.length() == 0 ? "" : ",").append(KrakenPairs.restPair(s));
    }
    String path = "/0/public/AssetPairs?pair=" + encode(list.toString());
    return rest.get(path, 1, MAX_FAILURES, body -> instruments(result(body, path), symbols, clock.instant()), "asset pairs");
  }

  /** The definitions of {@code symbols} in an {@code AssetPairs} result; their decimals go to the checksum (v2). */
  List<Instrument> instruments(JsonNode result, List<String> symbols, Instant now) {
    List<Instrument> out = new ArrayList<>();
    for (String symbol : symbols) {
      String canonical = KrakenPairs.canonical(symbol);
      for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
        JsonNode p = it.next().getValue();
        String wsname = p.path("wsname").asText("");
        if (!KrakenPairs.canonical(wsname).equals(canonical)) {
          continue;
        }
        int pairDecimals = p.path("pair_decimals").asInt(-1);
        int lotDecimals = p.path("lot_decimals").asInt(-1);
        if (referenceDecimals && pairDecimals >= 0 && lotDecimals >= 0) {
          pairs.reference(symbol, pairDecimals, lotDecimals);
        }
        int dash = canonical.indexOf('-');
        out.add(
            Instrument.newBuilder()
                .setVenue(venue)
                .setSymbol(symbol)
                .setCanonicalSymbol(canonical)
                .setBase(dash > 0 ? canonical.substring(0, dash) : null)
                .setQuote(dash > 0 ? canonical.substring(dash + 1) : null)
                .setKind(InstrumentKind.SPOT)
                .setStatus(p.path("status").asText(null))
                .setTickSize(p.hasNonNull("tick_size") ? decimal(p.get("tick_size"))
                    : pairDecimals >= 0 ? BigDecimal.ONE.movePointLeft(pairDecimals) : null)
                .setLotSize(lotDecimals >= 0 ? Decimals.of(BigDecimal.ONE.movePointLeft(lotDecimals)) : null)
                .setMinSize(p.hasNonNull("ordermin") ? decimal(p.get("ordermin")) : null)
                .setEventTime(now)
                .setReceiveTime(now)
                .build());
        break;
      }
    }
    return out;
  }

  // ---- answers ----

  /** The {@code result} of an answer, after its {@code error} list says nothing went wrong. */
  private JsonNode fetchResult(String pathAndQuery, String what) throws Exception {
    String body = rest.get(pathAndQuery, 1, MAX_FAILURES, b -> b, what).get(5, TimeUnit.MINUTES);
    return result(body, pathAndQuery);
  }

  static JsonNode result(String body, String path) throws IOException {
    JsonNode root = JSON.readTree(body);
    JsonNode errors = root.path("error");
    if (errors.isArray() && !errors.isEmpty()) {
      throw new IOException(path + " answered " + errors);
    }
    JsonNode result = root.get("result");
    if (result == null || !result.isObject()) {
      throw new IOException(path + " answered no result: " + (body.length() <= 200 ? body : body.substring(0, 200) + "..."));
    }
    return result;
  }

  /** The rows of a Trades or OHLC result: the one array under the pair's key (Kraken's own, e.g. XXBTZUSD). */
  static JsonNode rows(JsonNode result) throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("last") && e.getValue().isArray()) {
        return e.getValue();
      }
    }
    throw new IOException("no rows in " + result);
  }

  private static Instant seconds(JsonNode n) {
    BigDecimal s = n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText());
    long whole = s.longValue();
    long nanos = s.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole, nanos);
  }

  private static BigDecimal decimal(JsonNode n) {
    return Decimals.of(n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
