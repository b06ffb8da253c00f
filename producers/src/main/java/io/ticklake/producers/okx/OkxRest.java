package io.ticklake.producers.okx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.core.InstrumentSource;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.LimitPolicy;
import io.ticklake.producers.rest.TokenBucketPolicy;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.InstrumentKind;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * OKX's public REST API ({@code https://www.okx.com/api/v5/}, no key) on the collector's {@link
 * BudgetedRestClient}. Every answer is {@code {"code":"0","msg":"","data":[...]}}; a non-zero code is
 * an error, and {@code 50011} (also sent with HTTP 429) is a refusal for going too fast.
 *
 * <ul>
 *   <li>Trades ({@code /market/history-trades}, the last three months): the first page by time
 *       ({@code type=2&after=<ms>}, older than it), the next ones by trade id ({@code type=1}, so
 *       trades of one millisecond are not split across pages), newest first, 100 a page.
 *   <li>Candles ({@code /market/history-candles}, years back): older than {@code after}, newest
 *       first, 100 a page; only confirmed ({@code confirm "1"}) rows are written.
 *   <li>Instruments ({@code /public/instruments}): kind, contract value and its currency, tick and
 *       lot sizes.
 * </ul>
 */
final class OkxRest implements RangeFetcher, InstrumentSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int PAGE = 100;
  private static final int MAX_PAGES = 200;
  private static final int MAX_FAILURES = 5;

  private final String venue;
  private final BudgetedRestClient rest;
  private final Clock clock;
  private final List<String> candleIntervals;

  OkxRest(String venue, BudgetedRestClient rest, Clock clock, List<String> candleIntervals) {
    this.venue = venue;
    this.rest = rest;
    this.clock = clock;
    this.candleIntervals = List.copyOf(candleIntervals);
  }

  /** 20 requests per 2 s per endpoint and IP: a bucket of {@code perSecond}, twice that in a burst; code 50011 is a refusal. */
  static LimitPolicy limits(int perSecond) {
    return LimitPolicy.refusingWith(new TokenBucketPolicy(perSecond, perSecond * 2.0), "\"code\":\"50011\"");
  }

  // ---- backfill ----

  @Override
  public Fill fetch(GapEvent gap) throws Exception {
    String instId = gap.getSymbol();
    String stream = gap.getStream();
    if (stream.startsWith("books") || stream.startsWith("tickers") || stream.startsWith("bbo") || stream.equals("depth")
        || stream.equals("quotes")) {
      return Fill.unfillable("OKX keeps no book or top-of-book history to fetch from");
    }
    Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
    if (gap.getLastGoodTime() == null) {
      return Fill.unfillable("the gap names no start time");
    }
    if (gap.getKind() == GapKind.MISSING_CANDLE && stream.startsWith("candles-")) {
      String interval = stream.substring("candles-".length());
      List<Candle> candles = candles(instId, interval, gap.getLastGoodTime(), to);
      return new Fill(List.copyOf(candles), true, candles.size() + " " + interval + " candles from /api/v5/market/history-candles");
    }
    Fill trades = trades(instId, gap.getLastGoodTime(), to);
    if (gap.getKind() != GapKind.DISCONNECT || candleIntervals.isEmpty()) {
      return trades;
    }
    List<SpecificRecord> all = new ArrayList<>(trades.records());
    StringBuilder detail = new StringBuilder(trades.detail());
    for (String interval : candleIntervals) {
      List<Candle> candles = candles(instId, interval, gap.getLastGoodTime(), to);
      all.addAll(candles);
      detail.append("; ").append(candles.size()).append(' ').append(interval).append(" candles from /api/v5/market/history-candles");
    }
    return new Fill(all, trades.complete(), detail.toString());
  }

  /** Trades with times in [from, to], newest page first; the collector drops those it delivered. */
  Fill trades(String instId, Instant from, Instant to) throws Exception {
    List<SpecificRecord> out = new ArrayList<>();
    String cursor = "&type=2&after=" + (to.toEpochMilli() + 1);
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode data = fetchData("/api/v5/market/history-trades?instId=" + encode(instId) + "&limit=" + PAGE + cursor, "trades " + instId);
      String oldestId = null;
      Instant oldest = null;
      for (JsonNode t : data) {
        Instant time = OkxMessageParser.millis(t.path("ts").asText());
        oldestId = t.path("tradeId").asText();
        oldest = time;
        if (!time.isBefore(from) && !time.isAfter(to)) {
          out.add(trade(instId, t));
        }
      }
      if (data.isEmpty() || oldest.isBefore(from) || data.size() < PAGE) {
        return new Fill(out, true, out.size() + " trades from /api/v5/market/history-trades");
      }
      cursor = "&type=1&after=" + oldestId;
    }
    return new Fill(out, false, out.size() + " trades from /api/v5/market/history-trades; stopped after " + MAX_PAGES + " pages");
  }

  private Trade trade(String instId, JsonNode t) throws ParseException {
    Instant time = OkxMessageParser.millis(t.path("ts").asText());
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(instId)
        .setTradeId(t.path("tradeId").asText())
        .setSide("buy".equals(t.path("side").asText()) ? Side.BUY : Side.SELL)
        .setPrice(OkxMessageParser.decimal(t.path("px").asText(), "px"))
        .setSize(OkxMessageParser.decimal(t.path("sz").asText(), "sz"))
        .setMarketTrade(true)
        .setChannel("trades")
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(clock.instant())
        .build();
  }

  /** Confirmed candles of {@code interval} whose period starts in [from, to), in time order. */
  List<Candle> candles(String instId, String interval, Instant from, Instant to) throws Exception {
    String bar = OkxSubscriptions.CANDLE_CHANNELS.get(interval);
    if (bar == null) {
      throw new IllegalArgumentException("OKX has no " + interval + " candles here");
    }
    bar = bar.substring("candle".length());
    List<Candle> out = new ArrayList<>();
    long after = to.toEpochMilli() + 1;
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode data = fetchData("/api/v5/market/history-candles?instId=" + encode(instId) + "&bar=" + bar + "&after=" + after + "&limit=" + PAGE,
          "candles " + interval + " " + instId);
      long oldest = Long.MAX_VALUE;
      for (JsonNode r : data) {
        List<String> row = new ArrayList<>();
        r.forEach(v -> row.add(v.asText()));
        Candle c = OkxMessageParser.candle(venue, instId, interval, row, clock.instant());
        oldest = Math.min(oldest, c.getOpenTime().toEpochMilli());
        if (c.getClosed() && !c.getOpenTime().isBefore(from.minusSeconds(1)) && c.getOpenTime().isBefore(to)) {
          c.setEventTime(c.getCloseTime());
          out.add(0, c);
        }
      }
      if (data.isEmpty() || oldest < from.toEpochMilli() || data.size() < PAGE) {
        break;
      }
      after = oldest;
    }
    out.sort((a, b) -> a.getOpenTime().compareTo(b.getOpenTime()));
    return out;
  }

  // ---- instruments ----

  @Override
  public CompletableFuture<List<Instrument>> fetch(List<String> symbols) {
    List<CompletableFuture<List<Instrument>>> each = new ArrayList<>();
    for (String instId : symbols) {
      String type = instType(instId);
      String path = "/api/v5/public/instruments?instType=" + type + "&instId=" + encode(instId);
      each.add(rest.get(path, 1, MAX_FAILURES, body -> instruments(body, path), "instrument " + instId));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(x -> {
      List<Instrument> out = new ArrayList<>();
      each.forEach(f -> out.addAll(f.join()));
      return out;
    });
  }

  static String instType(String instId) {
    String[] parts = instId.split("-");
    if (parts.length == 2) {
      return "SPOT";
    }
    if (instId.endsWith("-SWAP")) {
      return "SWAP";
    }
    return parts.length == 3 ? "FUTURES" : "OPTION";
  }

  private List<Instrument> instruments(String body, String path) throws IOException, ParseException {
    Instant now = clock.instant();
    List<Instrument> out = new ArrayList<>();
    for (JsonNode i : data(body, path)) {
      String instId = i.path("instId").asText();
      String type = i.path("instType").asText();
      String canonical = OkxSymbols.canonical(instId);
      int dash = canonical.indexOf('-');
      boolean contracts = !type.equals("SPOT");
      out.add(
          Instrument.newBuilder()
              .setVenue(venue)
              .setSymbol(instId)
              .setCanonicalSymbol(canonical)
              .setBase(dash > 0 ? canonical.substring(0, dash) : null)
              .setQuote(dash > 0 ? canonical.substring(dash + 1) : null)
              .setKind(switch (type) {
                case "SWAP" -> InstrumentKind.PERPETUAL;
                case "FUTURES" -> InstrumentKind.FUTURE;
                case "OPTION" -> InstrumentKind.OPTION;
                default -> InstrumentKind.SPOT;
              })
              .setStatus(i.path("state").asText(null))
              .setContractSize(contracts && i.hasNonNull("ctVal") && !i.path("ctVal").asText().isEmpty()
                  ? OkxMessageParser.decimal(i.path("ctVal").asText(), "ctVal") : null)
              .setContractSizeUnit(contracts && !i.path("ctValCcy").asText("").isEmpty() ? i.path("ctValCcy").asText() : null)
              .setTickSize(i.hasNonNull("tickSz") ? OkxMessageParser.decimal(i.path("tickSz").asText(), "tickSz") : null)
              .setLotSize(i.hasNonNull("lotSz") ? OkxMessageParser.decimal(i.path("lotSz").asText(), "lotSz") : null)
              .setMinSize(i.hasNonNull("minSz") ? OkxMessageParser.decimal(i.path("minSz").asText(), "minSz") : null)
              .setEventTime(now)
              .setReceiveTime(now)
              .build());
    }
    return out;
  }

  // ---- answers ----

  private JsonNode fetchData(String pathAndQuery, String what) throws Exception {
    String body = rest.get(pathAndQuery, 1, MAX_FAILURES, b -> b, what).get(5, TimeUnit.MINUTES);
    return data(body, pathAndQuery);
  }

  /** The {@code data} array of an answer whose {@code code} is {@code "0"}. */
  static JsonNode data(String body, String path) throws IOException {
    JsonNode root = JSON.readTree(body);
    String code = root.path("code").asText("");
    if (!code.equals("0")) {
      throw new IOException(path + " answered code " + code + ": " + root.path("msg").asText(""));
    }
    JsonNode data = root.get("data");
    if (data == null || !data.isArray()) {
      throw new IOException(path + " answered no data array");
    }
    return data;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
