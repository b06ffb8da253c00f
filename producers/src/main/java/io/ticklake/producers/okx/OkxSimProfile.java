package io.ticklake.producers.okx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.book.OrderBook;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.VenueProfile;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * OKX's v5 public and business WebSocket and its REST API for the {@link
 * io.ticklake.producers.sim.VenueSimulator}, as the venue behaves:
 *
 * <ul>
 *   <li>{@code /ws/v5/public} serves trades, books and tickers, {@code /ws/v5/business} candles; a
 *       channel asked on the wrong endpoint is refused with OKX's error 60018. Each argument of a
 *       {@code subscribe} is acknowledged; the text {@code ping} is answered {@code pong};
 *   <li>a {@code books} subscription gets a snapshot of the book as the venue holds it ({@code
 *       prevSeqId -1}, the venue's current {@code seqId}), then the updates played after it. The
 *       venue numbers its book messages itself, each update's {@code prevSeqId} the previous
 *       {@code seqId}, so a looped capture stays one chain; a recorded snapshot played again moves
 *       the subscribers' books to it with one update. Checksums are 0, as OKX sends since June 2026,
 *       unless the capture is from before {@code seqId} existed: then its frames play as recorded,
 *       with their checksums, and a snapshot carries the checksum of the venue's book;
 *   <li>candle subscribers get the running bar of their interval after every trade played ({@code
 *       confirm "0"}), and the finished bar with {@code confirm "1"} when the next one begins;
 *   <li>REST: {@code /api/v5/public/time}, {@code /public/instruments} (a recorded answer),
 *       {@code /market/history-trades} ({@code type=1} by trade id, {@code type=2} by time, older
 *       than {@code after}, newest first) and {@code /market/history-candles} (older than {@code
 *       after}, newest first, the running bar unconfirmed), from the trades played; a refusal is
 *       HTTP 429 with code 50011.
 * </ul>
 */
final class OkxSimProfile implements VenueProfile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHANNEL = Pattern.compile("\"channel\":\"([A-Za-z0-9-]+)\"");
  private static final Pattern INST = Pattern.compile("\"instId\":\"([^\"]+)\"");
  private static final Pattern SEQ = Pattern.compile("\"seqId\":(-?\\d+)");
  private static final Pattern PREV_SEQ = Pattern.compile("\"prevSeqId\":(-?\\d+)");
  static final int HISTORY = 200_000;

  private final boolean sequenced;
  private final String instruments;
  private final OkxMessageParser parser = new OkxMessageParser(OkxVenue.ID, true);
  private final Map<String, OrderBook> books = new HashMap<>();
  private final Map<String, Long> seq = new HashMap<>();
  private final Map<String, Long> lastTs = new HashMap<>();
  private final Map<String, Deque<Trade>> trades = new HashMap<>();
  /** Per instrument and candle channel, the running bar. */
  private final Map<String, io.ticklake.producers.sim.RunningBar> bars = new HashMap<>();
  private final Map<Sub, Boolean> sessions = new WeakHashMap<>();
  private final AtomicLong connIds = new AtomicLong(0x5e0000);
  private Instant venueTime;

  /** A connection: its endpoint, subscriptions and what it is owed. */
  private static final class Sub implements Session {
    final boolean business;
    final String connId;
    final Map<String, Set<String>> byChannel = new ConcurrentHashMap<>();
    final Set<String> snapshotDue = ConcurrentHashMap.newKeySet();
    final Set<String> snapshotSent = ConcurrentHashMap.newKeySet();
    final Deque<String> owed = new ArrayDeque<>();

    Sub(boolean business, String connId) {
      this.business = business;
      this.connId = connId;
    }

    boolean has(String channel, String instId) {
      Set<String> s = byChannel.get(channel);
      return s != null && s.contains(instId);
    }

    @Override
    public List<String> subscriptions() {
      List<String> out = new ArrayList<>();
      byChannel.forEach((c, ss) -> ss.forEach(s -> out.add(c + ":" + s)));
      Collections.sort(out);
      return out;
    }
  }

  /**
   * @param sequenced whether the capture's books carry {@code seqId} (OKX since 2022); else they
   *     play as recorded, with their checksums
   * @param instruments a recorded {@code /api/v5/public/instruments} answer, or {@code null}
   */
  OkxSimProfile(boolean sequenced, String instruments) {
    this.sequenced = sequenced;
    this.instruments = instruments;
  }

  @Override
  public String wsPath() {
    return "/ws/v5"; // /ws/v5/public and /ws/v5/business
  }

  @Override
  public Session open(String requestUri) {
    Sub sub = new Sub(requestUri.contains("/business"), Long.toHexString(connIds.incrementAndGet()));
    synchronized (this) {
      sessions.put(sub, Boolean.TRUE);
    }
    return sub;
  }

  @Override
  public List<String> onClientFrame(Session session, String text) {
    Sub sub = (Sub) session;
    if (text.equals("ping")) {
      return List.of("pong");
    }
    JsonNode req;
    try {
      req = JSON.readTree(text);
    } catch (IOException e) {
      return List.of(error("60012", "Invalid request: " + text.replace("\"", "'"), sub));
    }
    String op = req.path("op").asText("");
    if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
      return List.of(error("60012", "Invalid request: unknown op " + op, sub));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode arg : req.path("args")) {
      String channel = arg.path("channel").asText("");
      String instId = arg.path("instId").asText("");
      boolean candle = OkxMessageParser.BARS.containsKey(channel);
      boolean known = candle || OkxSubscriptions.PUBLIC.contains(channel);
      if (!known || candle != sub.business) {
        out.add(error("60018", "Wrong URL or channel:" + channel + ",instId:" + instId
            + " doesn't exist. Please use the correct URL, channel and parameters referring to API document.", sub));
        continue;
      }
      Set<String> held = sub.byChannel.computeIfAbsent(channel, x -> ConcurrentHashMap.newKeySet());
      if (op.equals("subscribe")) {
        if (held.add(instId) && OkxMessageParser.kind(channel).equals("books")) {
          sub.snapshotSent.remove(instId);
          sub.snapshotDue.add(instId);
        }
      } else {
        held.remove(instId);
        if (OkxMessageParser.kind(channel).equals("books")) {
          sub.snapshotDue.remove(instId);
          sub.snapshotSent.remove(instId);
        }
      }
      out.add("{\"event\":\"" + op + "\",\"arg\":{\"channel\":\"" + channel + "\",\"instId\":\"" + instId + "\"},\"connId\":\""
          + sub.connId + "\"}");
    }
    return out;
  }

  private static String error(String code, String msg, Sub sub) {
    return "{\"event\":\"error\",\"code\":\"" + code + "\",\"msg\":\"" + msg + "\",\"connId\":\"" + sub.connId + "\"}";
  }

  @Override
  public boolean wants(Session session, String frame, String stream) {
    Sub sub = (Sub) session;
    int colon = stream.indexOf(':');
    String channel = colon < 0 ? stream : stream.substring(0, colon);
    String instId = colon < 0 ? "" : stream.substring(colon + 1);
    if (channel.equals("book-snapshot") || channel.equals("control")) {
      return false; // answers to the recorder's own subscription
    }
    String kind = OkxMessageParser.kind(channel);
    if (kind == null) {
      return false;
    }
    if (kind.equals("books")) {
      return sub.has(channel, instId) && sub.snapshotSent.contains(instId);
    }
    return sub.has(channel, instId);
  }

  @Override
  public synchronized List<String> due(Session session) {
    Sub sub = (Sub) session;
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = sub.snapshotDue.iterator(); it.hasNext(); ) {
      String instId = it.next();
      OrderBook book = books.get(instId);
      if (book != null && !book.isEmpty()) {
        String channel = sub.byChannel.keySet().stream().filter(c -> OkxMessageParser.kind(c).equals("books")
            && sub.has(c, instId)).findFirst().orElse("books");
        out.add(bookFrame(channel, instId, "snapshot", book.topAsks(Integer.MAX_VALUE), book.topBids(Integer.MAX_VALUE),
            sequenced ? -1L : null, sequenced ? seq.getOrDefault(instId, 0L) : null, sequenced ? 0 : new OkxChecksum().compute(instId, book),
            lastTs.getOrDefault(instId, 0L)));
        it.remove();
        sub.snapshotSent.add(instId);
      }
    }
    while (!sub.owed.isEmpty()) {
      out.add(sub.owed.pollFirst());
    }
    return out;
  }

  // ---- the venue's state ----

  @Override
  public String streamOf(String frame) {
    Matcher c = CHANNEL.matcher(frame);
    if (!frame.startsWith("{\"arg\"") || !c.find()) {
      return "control";
    }
    String channel = c.group(1);
    if (OkxMessageParser.kind(channel) != null && OkxMessageParser.kind(channel).equals("books") && frame.contains("\"action\":\"snapshot\"")) {
      channel = "book-snapshot";
    }
    Matcher i = INST.matcher(frame);
    return i.find() ? channel + ":" + i.group(1) : channel;
  }

  @Override
  public boolean isBookDiff(String stream) {
    String channel = stream.contains(":") ? stream.substring(0, stream.indexOf(':')) : stream;
    String kind = OkxMessageParser.kind(channel);
    return kind != null && kind.equals("books");
  }

  @Override
  public boolean isTrade(String stream) {
    return stream.startsWith("trades:");
  }

  /**
   * A recorded book message changes the venue's book (even one a fault then drops) and, when the
   * capture is sequenced, goes out numbered by the venue: {@code prevSeqId} its last {@code
   * seqId}. A snapshot played again becomes one update moving the book to it.
   */
  @Override
  public synchronized String render(String frame) {
    String stream = streamOf(frame);
    if (!stream.startsWith("book")) {
      return frame;
    }
    ParsedFrame parsed;
    try {
      parsed = parser.parse(frame, Instant.now());
    } catch (ParseException e) {
      return frame;
    }
    if (parsed.records().size() != 1 || !(parsed.records().get(0) instanceof BookDelta d)) {
      return frame;
    }
    String instId = d.getSymbol();
    OrderBook book = books.computeIfAbsent(instId, x -> new OrderBook());
    long ts = d.getEventTime().toEpochMilli();
    lastTs.put(instId, ts);
    String channel = streamChannel(frame);
    if (d.getSnapshot() && !book.isEmpty()) {
      OrderBook before = book.copy();
      book.apply(d);
      List<Level> asks = OrderBook.changes(before.topAsks(Integer.MAX_VALUE), book.topAsks(Integer.MAX_VALUE));
      List<Level> bids = OrderBook.changes(before.topBids(Integer.MAX_VALUE), book.topBids(Integer.MAX_VALUE));
      long prev = seq.getOrDefault(instId, 0L);
      long next = prev + 1;
      if (sequenced) {
        seq.put(instId, next);
      }
      return bookFrame(channel, instId, "update", asks, bids, sequenced ? prev : null, sequenced ? next : null,
          sequenced ? 0 : new OkxChecksum().compute(instId, book), ts);
    }
    book.apply(d);
    if (!sequenced) {
      return frame; // a recording from before seqId: played as recorded, checksums and all
    }
    if (d.getSnapshot()) {
      seq.put(instId, d.getFinalUpdateId());
      return frame;
    }
    long prev = seq.getOrDefault(instId, 0L);
    long step = d.getPrevFinalUpdateId() != null && d.getFinalUpdateId() > d.getPrevFinalUpdateId()
        ? d.getFinalUpdateId() - d.getPrevFinalUpdateId() : 1;
    long next = prev + step;
    seq.put(instId, next);
    String out = replace(SEQ, frame, Long.toString(next));
    return replace(PREV_SEQ, out, Long.toString(prev));
  }

  private static String replace(Pattern p, String frame, String value) {
    Matcher m = p.matcher(frame);
    return m.find() ? frame.substring(0, m.start(1)) + value + frame.substring(m.end(1)) : frame;
  }

  private static String streamChannel(String frame) {
    Matcher c = CHANNEL.matcher(frame);
    return c.find() ? c.group(1) : "books";
  }


  private static String bookFrame(String channel, String instId, String action, List<Level> asks, List<Level> bids, Long prevSeq,
      Long seqId, long checksum, long ts) {
    StringBuilder sb = new StringBuilder("{\"arg\":{\"channel\":\"").append(channel).append("\",\"instId\":\"").append(instId)
        .append("\"},\"action\":\"").append(action).append("\",\"data\":[{\"asks\":");
    levels(sb, asks);
    sb.append(",\"bids\":");
    levels(sb, bids);
    sb.append(",\"ts\":\"").append(ts).append("\",\"checksum\":").append(checksum);
    if (seqId != null) {
      sb.append(",\"prevSeqId\":").append(prevSeq).append(",\"seqId\":").append(seqId);
    }
    return sb.append("}]}").toString();
  }

  private static void levels(StringBuilder sb, List<Level> levels) {
    sb.append('[');
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      sb.append(i == 0 ? "" : ",").append("[\"").append(plain(l.getPrice())).append("\",\"").append(plain(l.getSize()))
          .append("\",\"0\",\"1\"]");
    }
    sb.append(']');
  }

  @Override
  public synchronized void played(String frame) {
    if (!frame.startsWith("{\"arg\":{\"channel\":\"trades\"")) {
      return;
    }
    ParsedFrame parsed;
    try {
      parsed = parser.parse(frame, Instant.now());
    } catch (ParseException e) {
      return;
    }
    for (SpecificRecord r : parsed.records()) {
      if (r instanceof Trade t) {
        Deque<Trade> history = trades.computeIfAbsent(t.getSymbol(), x -> new ArrayDeque<>());
        history.addLast(t);
        if (history.size() > HISTORY) {
          history.removeFirst();
        }
        venueTime = venueTime == null || t.getEventTime().isAfter(venueTime) ? t.getEventTime() : venueTime;
        candlesAfterTrade(t);
      }
    }
  }

  /** Each candle subscriber of the instrument: the finished bar when a new one begins, then the running one. */
  private void candlesAfterTrade(Trade t) {
    Map<String, String[]> finished = new HashMap<>();
    Map<String, String[]> running = new HashMap<>();
    for (Map.Entry<String, String> bar : OkxMessageParser.BARS.entrySet()) {
      io.ticklake.producers.sim.RunningBar b =
          bars.computeIfAbsent(t.getSymbol() + "\u0000" + bar.getKey(), k -> new io.ticklake.producers.sim.RunningBar(stepSeconds(bar.getValue())));
      io.ticklake.producers.sim.RunningBar done = b.add(t);
      if (done != null) {
        finished.put(bar.getKey(), row(t.getSymbol(), done, "1"));
      }
      running.put(bar.getKey(), row(t.getSymbol(), b, "0"));
    }
    for (Sub sub : sessions.keySet()) {
      if (!sub.business) {
        continue;
      }
      for (Map.Entry<String, Set<String>> e : sub.byChannel.entrySet()) {
        if (!e.getValue().contains(t.getSymbol()) || !running.containsKey(e.getKey())) {
          continue;
        }
        if (finished.containsKey(e.getKey())) {
          sub.owed.addLast(candleFrame(e.getKey(), t.getSymbol(), finished.get(e.getKey())));
        }
        sub.owed.addLast(candleFrame(e.getKey(), t.getSymbol(), running.get(e.getKey())));
      }
    }
  }

  private static String[] row(String instId, io.ticklake.producers.sim.RunningBar b, String confirm) {
    boolean contracts = OkxSymbols.contracts(instId);
    return new String[] {Long.toString(b.begin() * 1000), plain(b.open()), plain(b.high()), plain(b.low()), plain(b.close()),
        plain(b.volume()), contracts ? plain(b.volume()) : plain(b.notional()), plain(b.notional()), confirm};
  }

  static long stepSeconds(String interval) {
    return switch (interval) {
      case "1m" -> 60;
      case "5m" -> 300;
      case "15m" -> 900;
      case "30m" -> 1800;
      case "1h" -> 3600;
      case "4h" -> 14_400;
      default -> 86_400;
    };
  }

  /** {@code [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]} of the trades played in one bar, or null when none. */
  private String[] bar(String instId, long begin, long step, String confirm) {
    BigDecimal open = null;
    BigDecimal high = null;
    BigDecimal low = null;
    BigDecimal close = null;
    BigDecimal vol = BigDecimal.ZERO;
    BigDecimal quote = BigDecimal.ZERO;
    // Newest first, stopping at the bar's start: a long play keeps many bars of history.
    for (Iterator<Trade> it = trades.getOrDefault(instId, new ArrayDeque<>()).descendingIterator(); it.hasNext(); ) {
      Trade t = it.next();
      long s = t.getEventTime().getEpochSecond();
      if (s < begin) {
        break;
      }
      if (s >= begin + step) {
        continue;
      }
      BigDecimal p = t.getPrice();
      open = p; // the oldest seen last
      high = high == null || p.compareTo(high) > 0 ? p : high;
      low = low == null || p.compareTo(low) < 0 ? p : low;
      close = close == null ? p : close;
      vol = vol.add(t.getSize());
      quote = quote.add(t.getSize().multiply(p));
    }
    if (open == null) {
      return null;
    }
    boolean contracts = OkxSymbols.contracts(instId);
    return new String[] {Long.toString(begin * 1000), plain(open), plain(high), plain(low), plain(close), plain(vol),
        contracts ? plain(vol) : plain(quote), plain(quote), confirm};
  }

  private static String candleFrame(String channel, String instId, String[] row) {
    return "{\"arg\":{\"channel\":\"" + channel + "\",\"instId\":\"" + instId + "\"},\"data\":[[\"" + String.join("\",\"", row) + "\"]]}";
  }

  // ---- REST ----

  @Override
  public synchronized RestAnswer rest(String path, Map<String, List<String>> query) {
    return switch (path) {
      case "/api/v5/public/time" -> ok("[{\"ts\":\"" + (venueTime == null ? Instant.now() : venueTime).toEpochMilli() + "\"}]");
      case "/api/v5/public/instruments" -> instruments(query);
      case "/api/v5/market/history-trades" -> historyTrades(query);
      case "/api/v5/market/history-candles" -> historyCandles(query);
      default -> new RestAnswer(404, "{\"code\":\"50000\",\"msg\":\"Not found\",\"data\":[]}", Map.of());
    };
  }

  private RestAnswer instruments(Map<String, List<String>> query) {
    String instId = first(query, "instId");
    if (instruments == null) {
      return ok("[]");
    }
    try {
      List<String> out = new ArrayList<>();
      for (JsonNode i : OkxRest.data(instruments, "instruments")) {
        if (instId == null || instId.equals(i.path("instId").asText())) {
          out.add(JSON.writeValueAsString(i));
        }
      }
      return ok("[" + String.join(",", out) + "]");
    } catch (IOException e) {
      return new RestAnswer(500, "{\"code\":\"50000\",\"msg\":\"" + e.getMessage() + "\",\"data\":[]}", Map.of());
    }
  }

  private RestAnswer historyTrades(Map<String, List<String>> query) {
    Deque<Trade> all = trades.get(first(query, "instId"));
    if (all == null) {
      return ok("[]");
    }
    boolean byTime = "2".equals(first(query, "type"));
    String after = first(query, "after");
    int limit = (int) Math.min(100, param(query, "limit", 100));
    List<String> out = new ArrayList<>();
    for (Iterator<Trade> it = all.descendingIterator(); it.hasNext() && out.size() < limit; ) {
      Trade t = it.next();
      if (after != null) {
        boolean older = byTime ? t.getEventTime().toEpochMilli() < Long.parseLong(after)
            : Long.parseLong(t.getTradeId()) < Long.parseLong(after);
        if (!older) {
          continue;
        }
      }
      out.add("{\"instId\":\"" + t.getSymbol() + "\",\"side\":\"" + (t.getSide() == Side.BUY ? "buy" : "sell") + "\",\"sz\":\""
          + plain(t.getSize()) + "\",\"px\":\"" + plain(t.getPrice()) + "\",\"source\":\"0\",\"tradeId\":\"" + t.getTradeId()
          + "\",\"ts\":\"" + t.getEventTime().toEpochMilli() + "\"}");
    }
    return ok("[" + String.join(",", out) + "]");
  }

  private RestAnswer historyCandles(Map<String, List<String>> query) {
    String instId = first(query, "instId");
    String bar = first(query, "bar");
    String interval = bar == null ? null : OkxMessageParser.BARS.get("candle" + bar);
    if (instId == null || interval == null) {
      return new RestAnswer(200, "{\"code\":\"51000\",\"msg\":\"Parameter bar error\",\"data\":[]}", Map.of());
    }
    long step = stepSeconds(interval);
    long after = param(query, "after", Long.MAX_VALUE);
    int limit = (int) Math.min(100, param(query, "limit", 100));
    Deque<Trade> all = trades.getOrDefault(instId, new ArrayDeque<>());
    java.util.TreeSet<Long> begins = new java.util.TreeSet<>(Collections.reverseOrder());
    all.forEach(t -> begins.add(Math.floorDiv(t.getEventTime().getEpochSecond(), step) * step));
    long running = venueTime == null ? Long.MAX_VALUE : Math.floorDiv(venueTime.getEpochSecond(), step) * step;
    List<String> out = new ArrayList<>();
    for (long begin : begins) {
      if (begin * 1000 >= after || out.size() >= limit) {
        continue;
      }
      String[] row = bar(instId, begin, step, begin >= running ? "0" : "1");
      out.add("[\"" + String.join("\",\"", row) + "\"]");
    }
    return ok("[" + String.join(",", out) + "]");
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static long param(Map<String, List<String>> query, String name, long otherwise) {
    try {
      String v = first(query, name);
      return v == null ? otherwise : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static RestAnswer ok(String data) {
    return new RestAnswer(200, "{\"code\":\"0\",\"msg\":\"\",\"data\":" + data + "}", Map.of());
  }

  @Override
  public RestAnswer refusal(int status, int retryAfterSeconds) {
    return new RestAnswer(429, "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}", Map.of());
  }

  /** A real-shaped trade frame cut off in the middle. */
  static final String MALFORMED =
      "{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-USDT\",\"tradeId\":\"1040968613\",\"px\":\"640";

  @Override
  public String malformedFrame() {
    return MALFORMED;
  }

  private static String plain(BigDecimal v) {
    return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
  }
}
