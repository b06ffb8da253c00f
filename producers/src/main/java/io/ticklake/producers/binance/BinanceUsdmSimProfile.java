package io.ticklake.producers.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.producers.sim.VenueProfile;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binance USD-M futures for the {@link io.ticklake.producers.sim.VenueSimulator}: the combined
 * stream ({@code /stream?streams=a/b/c}, each connection getting only its streams), live {@code
 * SUBSCRIBE} / {@code UNSUBSCRIBE} / {@code LIST_SUBSCRIPTIONS} requests answered as Binance does,
 * and {@code GET /fapi/v1/depth} answered from a recorded snapshot.
 *
 * <p>The recorded snapshot is served to the first request only once the diff that straddles its
 * {@code lastUpdateId} has been played, as it happened when recording (the REST answer came after
 * that diff). Later requests get the venue's book as it stands: the recorded snapshot plus every
 * diff played since (sent or dropped), with {@code lastUpdateId} = the last diff's {@code u}, so a
 * client can resync after a break or a reconnect. Weight: 20 per depth call (limit 1000), reported
 * in {@code X-MBX-USED-WEIGHT-1M} per minute.
 *
 * <p>The backfill's calls are answered from the trades played so far (sent or not), as the venue
 * would: {@code /fapi/v1/aggTrades} ({@code fromId} or {@code startTime}/{@code endTime}, {@code
 * limit}), {@code /fapi/v1/trades} (the last {@code limit} market trades) and {@code
 * /fapi/v1/klines?interval=1m} (built from those trades).
 */
public final class BinanceUsdmSimProfile implements VenueProfile {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BinanceUsdmSimProfile.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEPTH_WEIGHT = 20;

  private final Map<String, SymbolBook> books = new HashMap<>();
  private final Map<String, List<ObjectNode>> aggTrades = new HashMap<>();
  private final Map<String, List<ObjectNode>> trades = new HashMap<>();
  private final Map<String, NavigableMap<Long, Kline>> klines = new HashMap<>();
  private final Map<String, Long> lastTradeTime = new HashMap<>();

  /** A 1-minute kline being built from played trades. */
  private static final class Kline {
    BigDecimal open;
    BigDecimal high;
    BigDecimal low;
    BigDecimal close;
    BigDecimal volume = BigDecimal.ZERO;
    BigDecimal quoteVolume = BigDecimal.ZERO;
    BigDecimal takerBuy = BigDecimal.ZERO;
    BigDecimal takerBuyQuote = BigDecimal.ZERO;
    long count;

    void add(BigDecimal price, BigDecimal qty, boolean buyerIsMaker) {
      if (open == null) {
        open = price;
        high = price;
        low = price;
      }
      high = high.max(price);
      low = low.min(price);
      close = price;
      volume = volume.add(qty);
      quoteVolume = quoteVolume.add(price.multiply(qty));
      if (!buyerIsMaker) {
        takerBuy = takerBuy.add(qty);
        takerBuyQuote = takerBuyQuote.add(price.multiply(qty));
      }
      count++;
    }
  }
  private long weightMinute = -1;
  private int usedWeight;
  private final String exchangeInfo;

  /** A connection's streams. */
  private static final class Streams implements Session {
    final Set<String> streams = ConcurrentHashMap.newKeySet();

    @Override
    public List<String> subscriptions() {
      return streams.stream().sorted().toList();
    }
  }

  private static final class SymbolBook {
    final long recordedLastUpdateId;
    final String recordedBody;
    final NavigableMap<BigDecimal, String[]> bids = new TreeMap<>(Collections.reverseOrder());
    final NavigableMap<BigDecimal, String[]> asks = new TreeMap<>();
    boolean straddlePlayed;
    boolean recordedServed;
    long lastU;
    long lastE;
    long lastT;

    SymbolBook(JsonNode snapshot, String body) {
      recordedLastUpdateId = snapshot.get("lastUpdateId").asLong();
      recordedBody = body;
      lastU = recordedLastUpdateId;
      lastE = snapshot.path("E").asLong();
      lastT = snapshot.path("T").asLong();
      apply(bids, snapshot.get("bids"));
      apply(asks, snapshot.get("asks"));
    }
  }

  /**
   * @param snapshotsBySymbol recorded {@code /fapi/v1/depth} response bodies keyed by symbol
   */
  public BinanceUsdmSimProfile(Map<String, String> snapshotsBySymbol) {
    this(snapshotsBySymbol, null);
  }

  /**
   * @param snapshotsBySymbol recorded {@code /fapi/v1/depth} response bodies keyed by symbol
   * @param exchangeInfo a recorded {@code /fapi/v1/exchangeInfo} body, or {@code null} (then the
   *     simulator answers that it has none)
   */
  public BinanceUsdmSimProfile(Map<String, String> snapshotsBySymbol, String exchangeInfo) {
    this.exchangeInfo = exchangeInfo;
    snapshotsBySymbol.forEach(
        (symbol, body) -> {
          try {
            books.put(symbol.toUpperCase(Locale.ROOT), new SymbolBook(JSON.readTree(body), body.strip()));
          } catch (IOException e) {
            throw new UncheckedIOException("bad recorded snapshot of " + symbol, e);
          }
        });
  }

  @Override
  public String wsPath() {
    return "/stream";
  }

  @Override
  public Session open(String requestUri) {
    Streams session = new Streams();
    for (String value : new QueryStringDecoder(requestUri).parameters().getOrDefault("streams", List.of())) {
      session.streams.addAll(Arrays.asList(value.split("/")));
    }
    return session;
  }

  @Override
  public boolean wants(Session session, String frame, String stream) {
    return ((Streams) session).streams.contains(stream);
  }

  /** Applies a live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS request; returns Binance's answer. */
  @Override
  public List<String> onClientFrame(Session session, String text) {
    Streams sub = (Streams) session;
    JsonNode req;
    try {
      req = JSON.readTree(text);
    } catch (IOException e) {
      return List.of("{\"error\":{\"code\":3,\"msg\":\"Invalid JSON\"},\"id\":null}");
    }
    JsonNode id = req.path("id");
    String idJson = id.isIntegralNumber() || id.isTextual() ? id.toString() : "null";
    String method = req.path("method").asText("");
    if (!(method.equals("SUBSCRIBE") || method.equals("UNSUBSCRIBE") || method.equals("LIST_SUBSCRIPTIONS"))) {
      return List.of("{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown method '" + method.replace("\"", "") + "'\"},\"id\":" + idJson + "}");
    }
    if (method.equals("LIST_SUBSCRIPTIONS")) {
      ArrayNode list = JSON.createArrayNode();
      sub.subscriptions().forEach(list::add);
      return List.of("{\"result\":" + list + ",\"id\":" + idJson + "}");
    }
    List<String> streams = new ArrayList<>();
    for (JsonNode p : req.path("params")) {
      if (!p.isTextual()) {
        return List.of("{\"error\":{\"code\":2,\"msg\":\"Invalid request: params must be stream names\"},\"id\":" + idJson + "}");
      }
      streams.add(p.asText());
    }
    if (method.equals("SUBSCRIBE")) {
      sub.streams.addAll(streams);
    } else {
      streams.forEach(sub.streams::remove);
    }
    log.info("{} {}", method, streams);
    return List.of("{\"result\":null,\"id\":" + idJson + "}");
  }

  @Override
  public boolean isTrade(String stream) {
    return stream.endsWith("@trade") || stream.endsWith("@aggTrade");
  }

  @Override
  public RestAnswer refusal(int status, int retryAfterSeconds) {
    String body = status == 418
        ? "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until further notice.\"}"
        : "{\"code\":-1003,\"msg\":\"Too many requests; current limit of IP is 2400 requests per minute.\"}";
    return new RestAnswer(status, body, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  /** A real trade frame cut off in the middle. */
  public static final String MALFORMED_FRAME =
      "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":17231612";

  @Override
  public String malformedFrame() {
    return MALFORMED_FRAME;
  }

  @Override
  public String streamOf(String frame) {
    int i = frame.indexOf("\"stream\":\"");
    if (i < 0) {
      return "";
    }
    int start = i + 10;
    return frame.substring(start, frame.indexOf('"', start));
  }

  @Override
  public boolean isBookDiff(String stream) {
    return stream.contains("@depth");
  }

  @Override
  public synchronized void played(String frame) {
    if (frame.contains("\"aggTrade\"") || frame.contains("\"e\":\"trade\"")) {
      playedTrade(frame);
      return;
    }
    if (!frame.contains("depthUpdate")) {
      return;
    }
    try {
      JsonNode data = JSON.readTree(frame).path("data");
      SymbolBook book = books.get(data.path("s").asText());
      if (book == null || !"depthUpdate".equals(data.path("e").asText())) {
        return;
      }
      long u = data.get("u").asLong();
      if (u < book.recordedLastUpdateId) {
        return; // already in the recorded snapshot
      }
      apply(book.bids, data.get("b"));
      apply(book.asks, data.get("a"));
      book.lastU = u;
      book.lastE = data.path("E").asLong();
      book.lastT = data.path("T").asLong();
      book.straddlePlayed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void playedTrade(String frame) {
    JsonNode d;
    try {
      d = JSON.readTree(frame).path("data");
    } catch (IOException e) {
      return; // not a frame the venue could have served; the client sees it as it is
    }
    String symbol = d.path("s").asText();
    BigDecimal price = new BigDecimal(d.path("p").asText("0"));
    BigDecimal qty = new BigDecimal(d.path("q").asText("0"));
    boolean m = d.path("m").asBoolean();
    long time = d.path("T").asLong(d.path("E").asLong());
    if ("aggTrade".equals(d.path("e").asText())) {
      ObjectNode a = JSON.createObjectNode();
      a.put("a", d.path("a").asLong()).put("p", d.path("p").asText()).put("q", d.path("q").asText());
      a.put("f", d.path("f").asLong()).put("l", d.path("l").asLong()).put("T", time).put("m", m);
      aggTrades.computeIfAbsent(symbol, k -> new java.util.ArrayList<>()).add(a);
    } else {
      if (!"MARKET".equals(d.path("X").asText())) {
        return; // /fapi/v1/trades and klines hold market trades only
      }
      ObjectNode t = JSON.createObjectNode();
      t.put("id", d.path("t").asLong()).put("price", d.path("p").asText()).put("qty", d.path("q").asText());
      t.put("quoteQty", price.multiply(qty).toPlainString()).put("time", time).put("isBuyerMaker", m);
      trades.computeIfAbsent(symbol, k -> new java.util.ArrayList<>()).add(t);
    }
    lastTradeTime.merge(symbol, time, Math::max);
    klines.computeIfAbsent(symbol, k -> new TreeMap<>()).computeIfAbsent(time / 60_000 * 60_000, k -> new Kline()).add(price, qty, m);
  }

  private static long param(Map<String, List<String>> query, String name, long otherwise) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? otherwise : Long.parseLong(v.get(0));
  }

  private RestAnswer history(String path, String symbol, Map<String, List<String>> query) {
    int limit = (int) Math.min(1000, param(query, "limit", 500));
    ArrayNode out = JSON.createArrayNode();
    switch (path) {
      case "/fapi/v1/aggTrades" -> {
        long fromId = param(query, "fromId", -1);
        long start = param(query, "startTime", Long.MIN_VALUE);
        long end = param(query, "endTime", Long.MAX_VALUE);
        for (ObjectNode a : aggTrades.getOrDefault(symbol, List.of())) {
          boolean in = fromId >= 0 ? a.get("a").asLong() >= fromId : a.get("T").asLong() >= start && a.get("T").asLong() <= end;
          if (in && out.size() < limit) {
            out.add(a);
          }
        }
        return new RestAnswer(200, out.toString(), weight(20));
      }
      case "/fapi/v1/trades" -> {
        List<ObjectNode> all = trades.getOrDefault(symbol, List.of());
        all.subList(Math.max(0, all.size() - limit), all.size()).forEach(out::add);
        return new RestAnswer(200, out.toString(), weight(5));
      }
      default -> {
        if (!"1m".equals(query.getOrDefault("interval", List.of("")).get(0))) {
          return new RestAnswer(400, "{\"code\":-1120,\"msg\":\"Invalid interval (the simulator serves 1m).\"}", weight(5));
        }
        long start = param(query, "startTime", Long.MIN_VALUE);
        // Only minutes over on the recording's timeline: the venue's own clock, which the
        // simulator replays, had not reached the end of a later one yet.
        long end = Math.min(param(query, "endTime", Long.MAX_VALUE), lastTradeTime.getOrDefault(symbol, Long.MIN_VALUE) - 60_000);
        for (Map.Entry<Long, Kline> e : klines.getOrDefault(symbol, new TreeMap<>()).entrySet()) {
          Kline k = e.getValue();
          if (e.getKey() + 60_000 <= start || e.getKey() > end || out.size() >= limit) {
            continue;
          }
          ArrayNode row = out.addArray();
          row.add(e.getKey()).add(k.open.toPlainString()).add(k.high.toPlainString()).add(k.low.toPlainString());
          row.add(k.close.toPlainString()).add(k.volume.toPlainString()).add(e.getKey() + 59_999);
          row.add(k.quoteVolume.toPlainString()).add(k.count).add(k.takerBuy.toPlainString());
          row.add(k.takerBuyQuote.toPlainString()).add("0");
        }
        return new RestAnswer(200, out.toString(), weight(5));
      }
    }
  }

  @Override
  public synchronized RestAnswer rest(String path, Map<String, List<String>> query) {
    if (path.equals("/fapi/v1/ping")) {
      return new RestAnswer(200, "{}", weight(1)); // Binance's connectivity test (weight 1)
    }
    if (path.equals("/fapi/v1/exchangeInfo")) {
      return exchangeInfo == null
          ? new RestAnswer(404, "{\"code\":-1000,\"msg\":\"the simulator holds no recorded exchangeInfo\"}", weight(1))
          : new RestAnswer(200, exchangeInfo, weight(1));
    }
    if (List.of("/fapi/v1/aggTrades", "/fapi/v1/trades", "/fapi/v1/klines").contains(path)) {
      String symbol = query.getOrDefault("symbol", List.of("")).get(0).toUpperCase(Locale.ROOT);
      return history(path, symbol, query);
    }
    if (!path.equals("/fapi/v1/depth")) {
      return new RestAnswer(404, "{\"code\":-1000,\"msg\":\"unknown path " + path + "\"}", Map.of());
    }
    String symbol = query.getOrDefault("symbol", List.of("")).get(0).toUpperCase(Locale.ROOT);
    int limit = Integer.parseInt(query.getOrDefault("limit", List.of("500")).get(0));
    SymbolBook book = books.get(symbol);
    if (book == null) {
      return new RestAnswer(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", weight());
    }
    if (!book.straddlePlayed) {
      return null; // not yet: the venue answered after the straddling diff
    }
    if (!book.recordedServed) {
      book.recordedServed = true;
      return new RestAnswer(200, book.recordedBody, weight());
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("lastUpdateId", book.lastU);
    body.put("E", book.lastE);
    body.put("T", book.lastT);
    body.set("bids", levels(book.bids, limit));
    body.set("asks", levels(book.asks, limit));
    return new RestAnswer(200, body.toString(), weight());
  }

  private Map<String, String> weight() {
    return weight(DEPTH_WEIGHT);
  }

  private Map<String, String> weight(int weight) {
    long minute = System.currentTimeMillis() / 60_000;
    if (minute != weightMinute) {
      weightMinute = minute;
      usedWeight = 0;
    }
    usedWeight += weight;
    return Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(usedWeight));
  }

  private static ArrayNode levels(NavigableMap<BigDecimal, String[]> side, int limit) {
    ArrayNode out = JSON.createArrayNode();
    Iterator<String[]> it = side.values().iterator();
    for (int i = 0; i < limit && it.hasNext(); i++) {
      String[] l = it.next();
      out.addArray().add(l[0]).add(l[1]);
    }
    return out;
  }

  private static void apply(NavigableMap<BigDecimal, String[]> side, JsonNode levels) {
    for (JsonNode l : levels) {
      String price = l.get(0).asText();
      String size = l.get(1).asText();
      BigDecimal p = new BigDecimal(price);
      if (new BigDecimal(size).signum() == 0) {
        side.remove(p);
      } else {
        side.put(p, new String[] {price, size});
      }
    }
  }
}
