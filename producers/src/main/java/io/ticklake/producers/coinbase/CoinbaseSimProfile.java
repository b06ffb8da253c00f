package io.ticklake.producers.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.sim.VenueProfile;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Coinbase Exchange market-data feed for the {@link io.ticklake.producers.sim.VenueSimulator},
 * as the venue behaves:
 *
 * <ul>
 *   <li>a connection subscribes with a {@code subscribe} message (products and channels, either
 *       form) and is answered {@code subscriptions} listing all it has; {@code unsubscribe} the
 *       same way;
 *   <li>a level-2 subscription gets its own {@code snapshot} of the book as the venue holds it
 *       (the recorded snapshot plus every update played since), then the {@code l2update}s played
 *       after it; a {@code matches} subscription gets the product's {@code last_match} first;
 *   <li>{@code heartbeat} subscribers get one heartbeat per product and second (last trade id and
 *       sequence as played so far), unless the capture holds heartbeats of its own;
 *   <li>REST: {@code /products/{id}/trades} (newest first, {@code after}/{@code before} cursors,
 *       {@code CB-BEFORE}/{@code CB-AFTER} headers), {@code /products/{id}/candles} (closed buckets
 *       of the trades played, newest first, at most 300), {@code /products} (the recorded answer),
 *       {@code /time}; 429 answers the venue's body without {@code Retry-After}.
 * </ul>
 *
 * Recorded {@code snapshot}, {@code last_match} and {@code subscriptions} frames are answers to the
 * recorder's own subscription: they set the venue's state and go to nobody.
 */
public final class CoinbaseSimProfile implements VenueProfile {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CoinbaseSimProfile.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([a-z_0-9]+)\"");
  private static final Pattern PRODUCT = Pattern.compile("\"product_id\"\\s*:\\s*\"([^\"]+)\"");
  /** Trades kept per product for the REST history (a day of looped demo is far more). */
  static final int HISTORY = 200_000;

  private final String products;
  private final Map<String, Book> books = new HashMap<>();
  private final Map<String, String> lastMatch = new HashMap<>();
  private final Map<String, Deque<TradeRow>> trades = new HashMap<>();
  private final Map<String, Long> lastSequence = new HashMap<>();
  private Instant venueTime;
  private boolean recordedHeartbeats;

  /** One product's book as the venue holds it: price to the level's price and size text. */
  private static final class Book {
    final NavigableMap<BigDecimal, String[]> bids = new TreeMap<>(Collections.reverseOrder());
    final NavigableMap<BigDecimal, String[]> asks = new TreeMap<>();
  }

  private record TradeRow(long id, Instant time, String price, String size, String makerSide) {}

  /** A connection's subscriptions. */
  private static final class Sub implements Session {
    final Map<String, Set<String>> byChannel = new ConcurrentHashMap<>();
    final Set<String> snapshotDue = ConcurrentHashMap.newKeySet();
    final Set<String> snapshotSent = ConcurrentHashMap.newKeySet();
    final Set<String> lastMatchDue = ConcurrentHashMap.newKeySet();
    volatile long lastHeartbeatNanos = System.nanoTime();

    boolean has(String channel, String product) {
      Set<String> p = byChannel.get(channel);
      return p != null && p.contains(product);
    }

    boolean level2(String product) {
      return has("level2_batch", product) || has("level2", product);
    }

    @Override
    public List<String> subscriptions() {
      List<String> out = new ArrayList<>();
      byChannel.forEach((c, ps) -> ps.forEach(p -> out.add(c + ":" + p)));
      Collections.sort(out);
      return out;
    }
  }

  /**
   * @param productsBody a recorded {@code GET /products} answer, or {@code null} (then the
   *     simulator answers that it has none)
   */
  public CoinbaseSimProfile(String productsBody) {
    this.products = productsBody;
  }

  @Override
  public String wsPath() {
    return "/";
  }

  @Override
  public Session open(String requestUri) {
    return new Sub();
  }

  @Override
  public List<String> onClientFrame(Session session, String text) {
    Sub sub = (Sub) session;
    JsonNode req;
    try {
      req = JSON.readTree(text);
    } catch (IOException e) {
      return List.of(error("Failed to parse the message", "malformed JSON"));
    }
    String type = req.path("type").asText("");
    if (!type.equals("subscribe") && !type.equals("unsubscribe")) {
      return List.of(error("Failed to subscribe", "type must be subscribe or unsubscribe, got '" + type + "'"));
    }
    List<String> defaultProducts = new ArrayList<>();
    req.path("product_ids").forEach(p -> defaultProducts.add(p.asText()));
    for (JsonNode c : req.path("channels")) {
      String name = c.isTextual() ? c.asText() : c.path("name").asText();
      List<String> ps = new ArrayList<>(defaultProducts);
      c.path("product_ids").forEach(p -> ps.add(p.asText()));
      Set<String> held = sub.byChannel.computeIfAbsent(name, x -> ConcurrentHashMap.newKeySet());
      for (String p : ps) {
        if (type.equals("subscribe")) {
          if (held.add(p)) {
            if (name.startsWith("level2")) {
              sub.snapshotSent.remove(p);
              sub.snapshotDue.add(p);
            } else if (name.equals("matches")) {
              sub.lastMatchDue.add(p);
            }
          }
        } else {
          held.remove(p);
          if (name.startsWith("level2") && !sub.level2(p)) {
            sub.snapshotDue.remove(p);
            sub.snapshotSent.remove(p);
          }
        }
      }
      if (held.isEmpty()) {
        sub.byChannel.remove(name);
      }
    }
    log.info("{} {} {}", type, defaultProducts, req.path("channels"));
    StringBuilder sb = new StringBuilder("{\"type\":\"subscriptions\",\"channels\":[");
    boolean first = true;
    for (Map.Entry<String, Set<String>> e : new TreeMap<>(sub.byChannel).entrySet()) {
      sb.append(first ? "" : ",").append("{\"name\":\"").append(e.getKey()).append("\",\"product_ids\":[");
      first = false;
      List<String> ps = new ArrayList<>(e.getValue());
      Collections.sort(ps);
      for (int i = 0; i < ps.size(); i++) {
        sb.append(i == 0 ? "" : ",").append('"').append(ps.get(i)).append('"');
      }
      sb.append("]}");
    }
    return List.of(sb.append("]}").toString());
  }

  private static String error(String message, String reason) {
    return "{\"type\":\"error\",\"message\":\"" + message + "\",\"reason\":\"" + reason.replace("\"", "'") + "\"}";
  }

  @Override
  public boolean wants(Session session, String frame, String stream) {
    Sub sub = (Sub) session;
    int colon = stream.indexOf(':');
    String type = colon < 0 ? stream : stream.substring(0, colon);
    String product = colon < 0 ? "" : stream.substring(colon + 1);
    return switch (type) {
      case "match" -> sub.has("matches", product);
      case "l2update" -> sub.level2(product) && sub.snapshotSent.contains(product);
      case "ticker" -> sub.has("ticker", product);
      case "heartbeat" -> sub.has("heartbeat", product);
      // Answers to the recorder's own subscription: the venue's state, sent to nobody.
      case "snapshot", "last_match", "subscriptions", "error" -> false;
      // Anything else the venue pushed (status, a type added later) goes to everyone, as it did.
      default -> true;
    };
  }

  @Override
  public synchronized List<String> due(Session session) {
    Sub sub = (Sub) session;
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = sub.snapshotDue.iterator(); it.hasNext(); ) {
      String product = it.next();
      Book book = books.get(product);
      // As the venue sends it: the whole book, without a time.
      if (book != null) {
        out.add(snapshot(product, book));
        it.remove();
        sub.snapshotSent.add(product);
      }
    }
    for (Iterator<String> it = sub.lastMatchDue.iterator(); it.hasNext(); ) {
      String product = it.next();
      String match = lastMatch.get(product);
      if (match != null) {
        out.add(match.replaceFirst("\"type\"\\s*:\\s*\"match\"", "\"type\":\"last_match\""));
        it.remove();
      }
    }
    Set<String> beating = sub.byChannel.get("heartbeat");
    if (!recordedHeartbeats && beating != null && !beating.isEmpty() && venueTime != null
        && System.nanoTime() - sub.lastHeartbeatNanos >= 1_000_000_000L) {
      sub.lastHeartbeatNanos = System.nanoTime();
      for (String product : beating) {
        Deque<TradeRow> t = trades.get(product);
        out.add("{\"type\":\"heartbeat\",\"last_trade_id\":" + (t == null || t.isEmpty() ? 0 : t.peekLast().id())
            + ",\"product_id\":\"" + product + "\",\"sequence\":" + lastSequence.getOrDefault(product, 0L) + ",\"time\":\""
            + venueTime + "\"}");
      }
    }
    return out;
  }

  private String snapshot(String product, Book book) {
    StringBuilder sb = new StringBuilder("{\"type\":\"snapshot\",\"product_id\":\"").append(product).append("\",\"asks\":");
    levels(sb, book.asks);
    sb.append(",\"bids\":");
    levels(sb, book.bids);
    return sb.append('}').toString();
  }

  private static void levels(StringBuilder sb, NavigableMap<BigDecimal, String[]> side) {
    sb.append('[');
    boolean first = true;
    for (String[] l : side.values()) {
      sb.append(first ? "" : ",").append("[\"").append(l[0]).append("\",\"").append(l[1]).append("\"]");
      first = false;
    }
    sb.append(']');
  }

  @Override
  public String streamOf(String frame) {
    Matcher t = TYPE.matcher(frame);
    String type = t.find() ? t.group(1) : "";
    Matcher p = PRODUCT.matcher(frame);
    return p.find() ? type + ":" + p.group(1) : type;
  }

  @Override
  public boolean isBookDiff(String stream) {
    return stream.startsWith("l2update:");
  }

  @Override
  public boolean isTrade(String stream) {
    return stream.startsWith("match:");
  }

  @Override
  public synchronized void played(String frame) {
    JsonNode f;
    try {
      f = JSON.readTree(frame);
    } catch (IOException e) {
      return; // not a frame the venue could have served: nothing to learn
    }
    String type = f.path("type").asText();
    String product = f.path("product_id").asText(null);
    if (f.hasNonNull("time")) {
      try {
        Instant t = Instant.parse(f.get("time").asText());
        venueTime = venueTime == null || t.isAfter(venueTime) ? t : venueTime;
      } catch (DateTimeParseException e) {
        // the venue's clock stays where it was
      }
    }
    if (f.has("sequence") && product != null) {
      lastSequence.merge(product, f.get("sequence").asLong(), Math::max);
    }
    switch (type) {
      case "snapshot" -> {
        Book book = new Book();
        set(book.bids, f.path("bids"));
        set(book.asks, f.path("asks"));
        books.put(product, book);
      }
      case "l2update" -> {
        Book book = books.computeIfAbsent(product, x -> new Book());
        for (JsonNode c : f.path("changes")) {
          NavigableMap<BigDecimal, String[]> side = "buy".equals(c.get(0).asText()) ? book.bids : book.asks;
          put(side, c.get(1).asText(), c.get(2).asText());
        }
      }
      case "match", "last_match" -> {
        long id = f.path("trade_id").asLong();
        Deque<TradeRow> t = trades.computeIfAbsent(product, x -> new ArrayDeque<>());
        if (t.isEmpty() || id > t.peekLast().id()) {
          t.addLast(new TradeRow(id, Instant.parse(f.get("time").asText()), f.get("price").asText(), f.get("size").asText(),
              f.get("side").asText()));
          if (t.size() > HISTORY) {
            t.removeFirst();
          }
          lastMatch.put(product, frame);
        }
      }
      case "heartbeat" -> recordedHeartbeats = true;
      default -> { }
    }
  }

  private static void set(NavigableMap<BigDecimal, String[]> side, JsonNode levels) {
    side.clear();
    for (JsonNode l : levels) {
      put(side, l.get(0).asText(), l.get(1).asText());
    }
  }

  private static void put(NavigableMap<BigDecimal, String[]> side, String price, String size) {
    BigDecimal p = new BigDecimal(price);
    if (new BigDecimal(size).signum() == 0) {
      side.remove(p);
    } else {
      side.put(p, new String[] {price, size});
    }
  }

  @Override
  public synchronized RestAnswer rest(String path, Map<String, List<String>> query) {
    if (path.equals("/time")) {
      Instant t = venueTime == null ? Instant.now() : venueTime;
      return ok("{\"iso\":\"" + t + "\",\"epoch\":" + t.getEpochSecond() + "." + String.format("%03d", t.getNano() / 1_000_000) + "}");
    }
    if (path.equals("/products")) {
      return products == null ? notFound() : ok(products);
    }
    String[] parts = path.split("/");
    if (parts.length == 4 && parts[1].equals("products")) {
      String product = parts[2];
      return switch (parts[3]) {
        case "trades" -> trades(product, query);
        case "candles" -> candles(product, query);
        default -> notFound();
      };
    }
    return notFound();
  }

  private RestAnswer trades(String product, Map<String, List<String>> query) {
    Deque<TradeRow> all = trades.get(product);
    if (all == null) {
      return notFound();
    }
    int limit = (int) Math.min(1000, param(query, "limit", 1000));
    long after = param(query, "after", Long.MAX_VALUE);
    long before = param(query, "before", Long.MIN_VALUE);
    List<TradeRow> page = new ArrayList<>();
    if (before != Long.MIN_VALUE) {
      // The newer page: the oldest trades above the cursor, shown newest first.
      for (TradeRow t : all) {
        if (t.id() > before && page.size() < limit) {
          page.add(t);
        }
      }
      Collections.reverse(page);
    } else {
      for (Iterator<TradeRow> it = all.descendingIterator(); it.hasNext() && page.size() < limit; ) {
        TradeRow t = it.next();
        if (t.id() < after) {
          page.add(t);
        }
      }
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < page.size(); i++) {
      TradeRow t = page.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"time\":\"").append(t.time()).append("\",\"trade_id\":").append(t.id())
          .append(",\"price\":\"").append(t.price()).append("\",\"size\":\"").append(t.size()).append("\",\"side\":\"")
          .append(t.makerSide()).append("\"}");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (!page.isEmpty()) {
      headers.put("CB-BEFORE", Long.toString(page.get(0).id()));
      headers.put("CB-AFTER", Long.toString(page.get(page.size() - 1).id()));
    }
    return new RestAnswer(200, sb.append(']').toString(), headers);
  }

  /** Closed buckets of the trades played, newest first, as {@code [time, low, high, open, close, volume]} numbers. */
  private RestAnswer candles(String product, Map<String, List<String>> query) {
    long granularity = param(query, "granularity", 60);
    if (!CoinbaseRest.GRANULARITY.containsValue((int) granularity)) {
      return new RestAnswer(400, "{\"message\":\"Unsupported granularity\"}", Map.of());
    }
    Instant start = instant(query, "start");
    Instant end = instant(query, "end");
    if (start == null || end == null) {
      return new RestAnswer(400, "{\"message\":\"start and end are required\"}", Map.of());
    }
    if ((end.getEpochSecond() - start.getEpochSecond()) / granularity > CoinbaseRest.MAX_CANDLES) {
      return new RestAnswer(400, "{\"message\":\"granularity too small for the requested time range."
          + " Count of aggregations requested exceeds 300\"}", Map.of());
    }
    Deque<TradeRow> all = trades.getOrDefault(product, new ArrayDeque<>());
    TreeMap<Long, BigDecimal[]> buckets = new TreeMap<>(Collections.reverseOrder());
    for (TradeRow t : all) {
      long bucket = Math.floorDiv(t.time().getEpochSecond(), granularity) * granularity;
      if (bucket < start.getEpochSecond() || bucket >= end.getEpochSecond()
          || venueTime == null || bucket + granularity > venueTime.getEpochSecond()) {
        continue; // outside the range, or not over on the venue's clock
      }
      BigDecimal price = new BigDecimal(t.price());
      BigDecimal size = new BigDecimal(t.size());
      BigDecimal[] c = buckets.get(bucket);
      if (c == null) {
        buckets.put(bucket, new BigDecimal[] {price, price, price, price, size}); // low high open close volume
      } else {
        c[0] = c[0].min(price);
        c[1] = c[1].max(price);
        c[3] = price;
        c[4] = c[4].add(size);
      }
    }
    StringBuilder sb = new StringBuilder("[");
    boolean first = true;
    for (Map.Entry<Long, BigDecimal[]> e : buckets.entrySet()) {
      BigDecimal[] c = e.getValue();
      sb.append(first ? "" : ",").append('[').append(e.getKey());
      for (BigDecimal v : c) {
        sb.append(',').append(v.stripTrailingZeros().toPlainString());
      }
      sb.append(']');
      first = false;
    }
    return ok(sb.append(']').toString());
  }

  private static Instant instant(Map<String, List<String>> query, String name) {
    List<String> v = query.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(v.get(0));
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(v.get(0)));
      } catch (NumberFormatException n) {
        return null;
      }
    }
  }

  private static long param(Map<String, List<String>> query, String name, long otherwise) {
    List<String> v = query.get(name);
    try {
      return v == null || v.isEmpty() ? otherwise : Long.parseLong(v.get(0));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static RestAnswer ok(String body) {
    return new RestAnswer(200, body, Map.of());
  }

  private static RestAnswer notFound() {
    return new RestAnswer(404, "{\"message\":\"NotFound\"}", Map.of());
  }

  @Override
  public RestAnswer refusal(int status, int retryAfterSeconds) {
    // Coinbase says no Retry-After: the client's penalty box decides how long to wait.
    return new RestAnswer(status, "{\"message\":\"Public rate limit exceeded\"}", Map.of());
  }

  /** A real match frame cut off in the middle. */
  public static final String MALFORMED_FRAME =
      "{\"type\":\"match\",\"trade_id\":1568282,\"maker_order_id\":\"103763b5-c234-4319-bb70-26e6";

  @Override
  public String malformedFrame() {
    return MALFORMED_FRAME;
  }
}
