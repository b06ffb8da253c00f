package io.ticklake.producers.kraken;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kraken's public WebSocket and REST API for the {@link io.ticklake.producers.sim.VenueSimulator},
 * in the protocol of the capture it plays (v2, or the legacy v1), as the venue behaves:
 *
 * <ul>
 *   <li>a connection subscribes per channel with the protocol's message and is acknowledged per
 *       symbol ({@code "success":true} / {@code subscriptionStatus}); {@code ping} is answered;
 *   <li>a {@code book} subscription gets a snapshot of the book as the venue holds it (the
 *       recorded snapshot with every update played since, at the recorded depth; v2 with its
 *       checksum, v1 without, as Kraken does), then the updates played after it, with the
 *       checksums recorded; a looped capture's later updates (played again on a book that moved
 *       on) get the checksum of the venue's book as it stands after them, so the feed stays valid;
 *   <li>{@code ohlc} subscribers get the running candle of each interval after every trade played
 *       (Kraken marks none closed); {@code ticker} subscribers (v2) a ticker whenever the best bid
 *       or offer changed; {@code instrument} the pairs' decimals, unless the capture holds such
 *       frames itself;
 *   <li>REST {@code /0/public/Time}, {@code AssetPairs} (the recorded answer), {@code Trades}
 *       (the trades played, from a nanosecond cursor) and {@code OHLC} (their candles, the last
 *       720, the running one last), every answer HTTP 200 with an {@code error} list, throttling
 *       too ({@code EGeneral:Too many requests}).
 * </ul>
 */
final class KrakenSimProfile implements VenueProfile {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private static final Pattern CHANNEL_V2 = Pattern.compile("^\\{\"channel\":\"([a-z_]+)\"(?:,\"type\":\"([a-z]+)\")?");
  private static final Pattern SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");
  private static final Pattern CHECKSUM_V2 = Pattern.compile("\"checksum\":(-?\\d+)");
  private static final Pattern CHECKSUM_V1 = Pattern.compile("\"c\":\"(-?\\d+)\"");
  /**
   * A book update's checksum left to the simulator (a looped capture's later loops): no CRC32 is
   * negative. A recorded checksum is sent as recorded, so a capture's own errors still show.
   */
  static final String CHECKSUM_DUE = "-1";
  static final int HISTORY = 200_000;
  static final int OHLC_ROWS = 720;

  private final KrakenProtocol protocol;
  private final int depth;
  private final String assetPairs;
  private final KrakenPairs pairs = new KrakenPairs();
  private final KrakenChecksum checksum = new KrakenChecksum(pairs);
  private final io.ticklake.producers.core.FrameParser parser;
  private final Map<String, OrderBook> books = new HashMap<>();
  /** The text of each level as last sent, so a snapshot repeats the venue's own writing. */
  private final Map<String, Map<BigDecimal, String[]>> levelText = new HashMap<>();
  private final Map<String, Deque<Trade>> trades = new HashMap<>();
  /** Per symbol and interval (minutes), the running candle. */
  private final Map<String, io.ticklake.producers.sim.RunningBar> bars = new HashMap<>();
  /** Per pair, the last trades' entries as sent (v2), for the snapshot of a trade subscription. */
  private final Map<String, Deque<String>> recentTrades = new HashMap<>();
  static final int TRADE_SNAPSHOT = 50;
  private static final Pattern V2_ENTRIES = Pattern.compile("\"data\":\\[(.*)\\]\\}$");
  private static final Pattern V2_ENTRY = Pattern.compile("\\{[^{}]*\\}");
  private final Map<Sub, Boolean> sessions = new WeakHashMap<>();
  private final AtomicInteger channelIds = new AtomicInteger(100);
  private Instant venueTime;
  private boolean recordedInstruments;
  /** The pairs of the recorded AssetPairs answer, as v2 spells them. */
  private final List<String> referenced = new ArrayList<>();

  /** A connection's subscriptions and what it is owed. */
  private final class Sub implements Session {
    volatile KrakenProtocol speaks;
    final Map<String, Set<String>> byChannel = new ConcurrentHashMap<>();
    final Map<Integer, Set<String>> ohlc = new ConcurrentHashMap<>();
    final Set<String> snapshotDue = ConcurrentHashMap.newKeySet();
    final Set<String> snapshotSent = ConcurrentHashMap.newKeySet();
    final Set<String> tradeSnapshotDue = ConcurrentHashMap.newKeySet();
    final Deque<String> owed = new ArrayDeque<>();
    final Map<String, Level[]> quoted = new HashMap<>();
    volatile boolean instrumentDue;

    boolean has(String channel, String symbol) {
      Set<String> s = byChannel.get(channel);
      return s != null && s.contains(symbol);
    }

    @Override
    public List<String> subscriptions() {
      List<String> out = new ArrayList<>();
      byChannel.forEach((c, ss) -> ss.forEach(s -> out.add(c + ":" + s)));
      ohlc.forEach((m, ss) -> ss.forEach(s -> out.add("ohlc-" + m + ":" + s)));
      if (instrumentDue || byChannel.containsKey("instrument")) {
        out.add("instrument");
      }
      Collections.sort(out);
      return out;
    }
  }

  /**
   * @param protocol the capture's protocol (the one the simulator speaks)
   * @param depth the depth the capture's book was recorded at
   * @param assetPairs a recorded {@code AssetPairs} answer, or {@code null}
   */
  KrakenSimProfile(KrakenProtocol protocol, int depth, String assetPairs) {
    this.protocol = protocol;
    this.depth = depth;
    this.assetPairs = assetPairs;
    this.parser = KrakenVenue.parser(protocol, pairs);
    if (assetPairs != null && protocol == KrakenProtocol.V2) {
      try {
        JsonNode result = KrakenRest.result(assetPairs, "AssetPairs");
        result.fields().forEachRemaining(e -> {
          JsonNode p = e.getValue();
          String symbol = KrakenPairs.nativeSymbol(KrakenPairs.canonical(p.path("wsname").asText()), KrakenProtocol.V2);
          pairs.reference(symbol, p.path("pair_decimals").asInt(), p.path("lot_decimals").asInt());
          referenced.add(symbol);
        });
      } catch (IOException e) {
        throw new IllegalArgumentException("the recorded AssetPairs answer is unreadable", e);
      }
    }
  }

  @Override
  public String wsPath() {
    return "/"; // v1 on "/", v2 on "/v2": both start with it
  }

  @Override
  public Session open(String requestUri) {
    Sub sub = new Sub();
    sub.speaks = requestUri.startsWith("/v2") ? KrakenProtocol.V2 : null;
    synchronized (this) {
      sessions.put(sub, Boolean.TRUE);
    }
    return sub;
  }

  @Override
  public List<String> onClientFrame(Session session, String text) {
    Sub sub = (Sub) session;
    JsonNode req;
    try {
      req = JSON.readTree(text);
    } catch (IOException e) {
      return List.of(sub.speaks == KrakenProtocol.V1 ? "{\"event\":\"error\",\"errorMessage\":\"Malformed request\"}"
          : "{\"error\":\"Malformed request\",\"method\":\"\",\"success\":false}");
    }
    if (req.has("event")) {
      sub.speaks = KrakenProtocol.V1;
      return v1Request(sub, req);
    }
    sub.speaks = KrakenProtocol.V2;
    return v2Request(sub, req);
  }

  private List<String> v2Request(Sub sub, JsonNode req) {
    String method = req.path("method").asText("");
    String reqId = req.has("req_id") ? ",\"req_id\":" + req.get("req_id").asLong() : "";
    String times = ",\"time_in\":\"" + now() + "\",\"time_out\":\"" + now() + "\"";
    if (method.equals("ping")) {
      return List.of("{\"method\":\"pong\"" + reqId + times + "}");
    }
    if (!method.equals("subscribe") && !method.equals("unsubscribe")) {
      return List.of("{\"error\":\"Method not found\",\"method\":\"" + method + "\",\"success\":false" + reqId + times + "}");
    }
    JsonNode params = req.path("params");
    String channel = params.path("channel").asText("");
    if (!KrakenSubscriptions.V2_CHANNELS.contains(channel)) {
      return List.of("{\"error\":\"Channel " + channel + " not found\",\"method\":\"" + method + "\",\"success\":false" + reqId + times + "}");
    }
    boolean subscribe = method.equals("subscribe");
    if (channel.equals("instrument")) {
      if (subscribe) {
        sub.instrumentDue = true;
      }
      return List.of("{\"method\":\"" + method + "\",\"result\":{\"channel\":\"instrument\",\"snapshot\":true},\"success\":true" + reqId
          + times + "}");
    }
    List<String> out = new ArrayList<>();
    int interval = params.path("interval").asInt(1);
    for (JsonNode s : params.path("symbol")) {
      String symbol = s.asText();
      change(sub, channel, symbol, interval, subscribe);
      if (subscribe && channel.equals("trade") && params.path("snapshot").asBoolean(false)) {
        sub.tradeSnapshotDue.add(symbol); // sent before any trade played after it
      }
      String extra = channel.equals("book") ? ",\"depth\":" + params.path("depth").asInt(10) + ",\"snapshot\":true"
          : channel.equals("ohlc") ? ",\"interval\":" + interval + ",\"snapshot\":false" : "";
      out.add("{\"method\":\"" + method + "\",\"result\":{\"channel\":\"" + channel + "\"" + extra + ",\"symbol\":\"" + symbol
          + "\"},\"success\":true" + reqId + times + "}");
    }
    return out;
  }

  private List<String> v1Request(Sub sub, JsonNode req) {
    String event = req.path("event").asText("");
    String reqId = req.has("reqid") ? ",\"reqid\":" + req.get("reqid").asLong() : "";
    if (event.equals("ping")) {
      return List.of("{\"event\":\"pong\"" + reqId + "}");
    }
    if (!event.equals("subscribe") && !event.equals("unsubscribe")) {
      return List.of("{\"errorMessage\":\"Unsupported event\",\"event\":\"error\"" + reqId + ",\"status\":\"error\"}");
    }
    JsonNode subscription = req.path("subscription");
    String name = subscription.path("name").asText("");
    if (!KrakenSubscriptions.V1_CHANNELS.contains(name)) {
      return List.of("{\"errorMessage\":\"Subscription name invalid\",\"event\":\"subscriptionStatus\"" + reqId + ",\"status\":\"error\"}");
    }
    boolean subscribe = event.equals("subscribe");
    int interval = subscription.path("interval").asInt(1);
    int bookDepth = subscription.path("depth").asInt(10);
    String channelName = name.equals("book") ? "book-" + bookDepth : name.equals("ohlc") ? "ohlc-" + interval : name;
    List<String> out = new ArrayList<>();
    for (JsonNode p : req.path("pair")) {
      String pair = p.asText();
      change(sub, name, pair, interval, subscribe);
      out.add("{\"channelID\":" + channelIds.incrementAndGet() + ",\"channelName\":\"" + channelName + "\",\"event\":\"subscriptionStatus\""
          + ",\"pair\":\"" + pair + "\"" + reqId + ",\"status\":\"" + (subscribe ? "subscribed" : "unsubscribed")
          + "\",\"subscription\":{" + (name.equals("book") ? "\"depth\":" + bookDepth + "," : "")
          + (name.equals("ohlc") ? "\"interval\":" + interval + "," : "") + "\"name\":\"" + name + "\"}}");
    }
    return out;
  }

  private void change(Sub sub, String channel, String symbol, int interval, boolean subscribe) {
    if (channel.equals("ohlc")) {
      Set<String> held = sub.ohlc.computeIfAbsent(interval, x -> ConcurrentHashMap.newKeySet());
      if (subscribe) {
        held.add(symbol);
      } else {
        held.remove(symbol);
      }
      return;
    }
    Set<String> held = sub.byChannel.computeIfAbsent(channel, x -> ConcurrentHashMap.newKeySet());
    if (subscribe) {
      if (held.add(symbol) && channel.equals("book")) {
        sub.snapshotSent.remove(symbol);
        sub.snapshotDue.add(symbol);
      }
    } else {
      held.remove(symbol);
      if (channel.equals("book")) {
        sub.snapshotDue.remove(symbol);
        sub.snapshotSent.remove(symbol);
      }
    }
  }

  @Override
  public boolean wants(Session session, String frame, String stream) {
    Sub sub = (Sub) session;
    if (sub.speaks != protocol) {
      return false; // the capture's frames are in the other protocol
    }
    int colon = stream.indexOf(':');
    String channel = colon < 0 ? stream : stream.substring(0, colon);
    String symbol = colon < 0 ? "" : stream.substring(colon + 1);
    return switch (channel) {
      case "trade" -> sub.has(channel, symbol) && !sub.tradeSnapshotDue.contains(symbol);
      case "ticker", "spread" -> sub.has(channel, symbol);
      case "book" -> sub.has("book", symbol) && sub.snapshotSent.contains(symbol);
      case "book-snapshot", "control" -> false; // answers to the recorder's own subscription
      case "instrument" -> sub.byChannel.containsKey("instrument");
      case "ohlc" -> false; // the venue's candles are made from the trades played
      default -> channel.startsWith("ohlc") ? false : true;
    };
  }

  @Override
  public synchronized List<String> due(Session session) {
    Sub sub = (Sub) session;
    List<String> out = new ArrayList<>();
    if (sub.speaks != protocol) {
      return out;
    }
    if (sub.instrumentDue) {
      sub.instrumentDue = false;
      sub.byChannel.computeIfAbsent("instrument", x -> ConcurrentHashMap.newKeySet());
      if (!recordedInstruments && protocol == KrakenProtocol.V2) {
        out.add(instrumentSnapshot());
      }
    }
    for (Iterator<String> it = sub.snapshotDue.iterator(); it.hasNext(); ) {
      String symbol = it.next();
      OrderBook book = books.get(symbol);
      if (book != null && !book.isEmpty()) {
        out.add(snapshot(symbol, book));
        it.remove();
        sub.snapshotSent.add(symbol);
      }
    }
    for (Iterator<String> it = sub.tradeSnapshotDue.iterator(); it.hasNext(); ) {
      String symbol = it.next();
      it.remove();
      Deque<String> recent = recentTrades.get(symbol);
      if (recent != null && !recent.isEmpty()) {
        // Kraken's answer to a trade subscription with a snapshot: the pair's last 50 trades.
        out.add("{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":[" + String.join(",", recent) + "]}");
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
    if (protocol == KrakenProtocol.V2) {
      Matcher m = CHANNEL_V2.matcher(frame);
      if (!m.find()) {
        return "control";
      }
      String channel = m.group(1);
      if (channel.equals("book") && "snapshot".equals(m.group(2))) {
        channel = "book-snapshot";
      }
      Matcher s = SYMBOL.matcher(frame);
      return s.find() ? channel + ":" + s.group(1) : channel;
    }
    if (!frame.startsWith("[")) {
      return "control";
    }
    String[] tail = KrakenV1Parser.lastTwoStrings(frame);
    if (tail == null) {
      return "control";
    }
    String channel = KrakenV1Parser.channelOfName(tail[0]);
    if (channel.equals("book") && frame.contains("{\"as\":")) {
      channel = "book-snapshot";
    }
    return channel + ":" + tail[1];
  }

  @Override
  public boolean isBookDiff(String stream) {
    return stream.startsWith("book:");
  }

  @Override
  public boolean isTrade(String stream) {
    return stream.startsWith("trade:");
  }

  @Override
  public boolean altersLevels() {
    return true; // every v2 book message and every v1 update carries a checksum
  }

  /** The first non-zero quantity of the message, one unit of the 8th decimal larger; the checksum as it was. */
  @Override
  public String alterLevel(String frame) {
    Matcher m = (protocol == KrakenProtocol.V2 ? V2_LEVEL : V1_LEVEL).matcher(frame);
    while (m.find()) {
      BigDecimal qty = new BigDecimal(m.group(2));
      if (qty.signum() != 0) {
        BigDecimal changed = qty.add(new BigDecimal("0.00000001"));
        // v1 writes quantities with 8 decimals as strings, v2 as JSON numbers
        String text = protocol == KrakenProtocol.V2 ? changed.toPlainString() : changed.setScale(Math.max(8, qty.scale())).toPlainString();
        return frame.substring(0, m.start(2)) + text + frame.substring(m.end(2));
      }
    }
    return null;
  }

  /**
   * A recorded book frame changes the venue's book (even one a fault then drops) and goes out with
   * the checksum of the book it leaves; other frames are sent as recorded.
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
      return frame; // not a frame the venue could have made: sent as it is
    }
    for (SpecificRecord r : parsed.records()) {
      if (r instanceof BookDelta d) {
        OrderBook book = books.computeIfAbsent(d.getSymbol(), x -> new OrderBook());
        if (d.getSnapshot() && !book.isEmpty()) {
          // A snapshot played again (a looped capture, a recorder that resubscribed): the venue's
          // book moves to it, which its subscribers see as one update.
          OrderBook before = book.copy();
          book.apply(d);
          book.truncate(depth);
          remember(d.getSymbol(), d, frame);
          quotesAfterBook(d.getSymbol(), book);
          return moveTo(d.getSymbol(), before, book, d.getEventTime());
        }
        book.apply(d);
        book.truncate(depth);
        remember(d.getSymbol(), d, frame);
        Matcher m = (protocol == KrakenProtocol.V2 ? CHECKSUM_V2 : CHECKSUM_V1).matcher(frame);
        if (!d.getSnapshot() && m.find() && m.group(1).equals(CHECKSUM_DUE)) {
          frame = frame.substring(0, m.start(1)) + checksum.compute(d.getSymbol(), book) + frame.substring(m.end(1));
        }
        quotesAfterBook(d.getSymbol(), book);
      }
    }
    return frame;
  }

  /** An update taking a subscriber's book from {@code before} to {@code after}: changed levels, and 0 for those gone. */
  private String moveTo(String symbol, OrderBook before, OrderBook after, Instant time) {
    Map<BigDecimal, String[]> texts = levelText.getOrDefault(symbol, Map.of());
    List<String[]> bids = changes(before.topBids(depth), after.topBids(depth), texts);
    List<String[]> asks = changes(before.topAsks(depth), after.topAsks(depth), texts);
    long sum = checksum.compute(symbol, after);
    if (protocol == KrakenProtocol.V2) {
      StringBuilder sb = new StringBuilder("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"").append(symbol)
          .append("\",\"bids\":");
      v2Changes(sb, bids);
      sb.append(",\"asks\":");
      v2Changes(sb, asks);
      return sb.append(",\"checksum\":").append(sum).append(",\"timestamp\":\"").append(KrakenCaptureLoop.format(time, 6))
          .append("\"}]}").toString();
    }
    String at = seconds(time);
    StringBuilder sb = new StringBuilder("[").append(channelIds.get()).append(",{\"a\":");
    v1Changes(sb, asks, at);
    sb.append("},{\"b\":");
    v1Changes(sb, bids, at);
    return sb.append(",\"c\":\"").append(sum).append("\"},\"book-").append(depth).append("\",\"").append(symbol).append("\"]")
        .toString();
  }

  /** {price text, qty text} of each level new or changed in {@code after}, and qty 0 (in the level's own decimals) for each gone from it. */
  private static List<String[]> changes(List<Level> before, List<Level> after, Map<BigDecimal, String[]> texts) {
    List<String[]> out = new ArrayList<>();
    for (Level l : OrderBook.changes(before, after)) {
      String[] t = texts.get(l.getPrice().stripTrailingZeros());
      String price = t != null ? t[0] : plain(l.getPrice());
      if (l.getSize().signum() != 0) {
        out.add(new String[] {price, t != null ? t[1] : plain(l.getSize())});
      } else {
        out.add(new String[] {price, t != null && t[1].contains(".") ? "0." + "0".repeat(t[1].length() - t[1].indexOf('.') - 1) : "0"});
      }
    }
    return out;
  }

  private static void v2Changes(StringBuilder sb, List<String[]> levels) {
    sb.append('[');
    for (int i = 0; i < levels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("{\"price\":").append(levels.get(i)[0]).append(",\"qty\":").append(levels.get(i)[1]).append('}');
    }
    sb.append(']');
  }

  private static void v1Changes(StringBuilder sb, List<String[]> levels, String at) {
    sb.append('[');
    for (int i = 0; i < levels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("[\"").append(levels.get(i)[0]).append("\",\"").append(levels.get(i)[1]).append("\",\"")
          .append(at).append("\"]");
    }
    sb.append(']');
  }

  /** Keeps each level's text as the venue wrote it (v1 strings, v2 numbers). */
  private void remember(String symbol, BookDelta d, String frame) {
    Map<BigDecimal, String[]> texts = levelText.computeIfAbsent(symbol, x -> new HashMap<>());
    if (d.getSnapshot()) {
      texts.clear();
    }
    for (String[] l : levelsOf(frame)) {
      texts.put(new BigDecimal(l[0]).stripTrailingZeros(), l);
    }
  }

  private static final Pattern V2_LEVEL = Pattern.compile("\\{\"price\":([0-9.eE+-]+),\"qty\":([0-9.eE+-]+)}");
  private static final Pattern V1_LEVEL = Pattern.compile("\\[\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\"");

  private List<String[]> levelsOf(String frame) {
    List<String[]> out = new ArrayList<>();
    Matcher m = (protocol == KrakenProtocol.V2 ? V2_LEVEL : V1_LEVEL).matcher(frame);
    while (m.find()) {
      out.add(protocol == KrakenProtocol.V2 ? new String[] {m.group(1), m.group(2)} : new String[] {m.group(1), m.group(2), m.group(3)});
    }
    return out;
  }

  @Override
  public synchronized void played(String frame) {
    String stream = streamOf(frame);
    if (stream.startsWith("instrument")) {
      recordedInstruments = true;
    }
    if (!stream.startsWith("trade:")) {
      return;
    }
    if (protocol == KrakenProtocol.V2) {
      Matcher entries = V2_ENTRIES.matcher(frame);
      if (entries.find()) {
        Deque<String> recent = recentTrades.computeIfAbsent(stream.substring("trade:".length()), x -> new ArrayDeque<>());
        for (Matcher e = V2_ENTRY.matcher(entries.group(1)); e.find(); ) {
          recent.addLast(e.group());
          if (recent.size() > TRADE_SNAPSHOT) {
            recent.removeFirst();
          }
        }
      }
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
        addToBars(t);
        candlesAfterTrade(t.getSymbol());
      }
    }
  }

  /** Every ohlc subscriber of the symbol is owed the running candle of its intervals. */
  private void candlesAfterTrade(String symbol) {
    for (Sub sub : sessions.keySet()) {
      if (sub.speaks != protocol) {
        continue;
      }
      sub.ohlc.forEach((minutes, symbols) -> {
        if (symbols.contains(symbol)) {
          BigDecimal[] c = running(symbol, minutes);
          if (c != null) {
            sub.owed.addLast(ohlcFrame(symbol, minutes, c));
          }
        }
      });
    }
  }

  /** A ticker (v2) to each ticker subscriber whose last quote of the symbol is not the book's best. */
  private void quotesAfterBook(String symbol, OrderBook book) {
    if (protocol != KrakenProtocol.V2) {
      return;
    }
    Level bid = book.bestBid();
    Level ask = book.bestAsk();
    if (bid == null || ask == null) {
      return;
    }
    for (Sub sub : sessions.keySet()) {
      if (sub.speaks != protocol || !sub.has("ticker", symbol)) {
        continue;
      }
      Level[] last = sub.quoted.get(symbol);
      if (last != null && last[0].equals(bid) && last[1].equals(ask)) {
        continue;
      }
      sub.quoted.put(symbol, new Level[] {bid, ask});
      sub.owed.addLast(tickerFrame(symbol, bid, ask, last == null ? "snapshot" : "update"));
    }
  }

  /** The running candle of the symbol's latest period: {open, high, low, close, volume, vwap, count, begin s}. */
  private BigDecimal[] running(String symbol, int minutes) {
    io.ticklake.producers.sim.RunningBar bar = bars.get(symbol + "\u0000" + minutes);
    if (bar == null || bar.isEmpty()) {
      return null;
    }
    return new BigDecimal[] {bar.open(), bar.high(), bar.low(), bar.close(), bar.volume(), bar.vwap(1), BigDecimal.valueOf(bar.count()),
        BigDecimal.valueOf(bar.begin())};
  }

  /** Every interval Kraken serves, kept up to date trade by trade. */
  private void addToBars(Trade t) {
    for (int minutes : KrakenRecords.INTERVALS.keySet()) {
      bars.computeIfAbsent(t.getSymbol() + "\u0000" + minutes, k -> new io.ticklake.producers.sim.RunningBar(60L * minutes)).add(t);
    }
  }

  private static BigDecimal[] candle(Iterable<Trade> all, long begin, long step) {
    BigDecimal open = null;
    BigDecimal high = null;
    BigDecimal low = null;
    BigDecimal close = null;
    BigDecimal volume = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    long count = 0;
    for (Trade t : all) {
      long s = t.getEventTime().getEpochSecond();
      if (s < begin || s >= begin + step) {
        continue;
      }
      BigDecimal p = t.getPrice().stripTrailingZeros();
      open = open == null ? p : open;
      high = high == null || p.compareTo(high) > 0 ? p : high;
      low = low == null || p.compareTo(low) < 0 ? p : low;
      close = p;
      volume = volume.add(t.getSize());
      notional = notional.add(t.getSize().multiply(t.getPrice()));
      count++;
    }
    if (open == null) {
      return null;
    }
    BigDecimal vwap = notional.divide(volume, 1, java.math.RoundingMode.HALF_EVEN);
    return new BigDecimal[] {open, high, low, close, volume.stripTrailingZeros(), vwap, BigDecimal.valueOf(count), BigDecimal.valueOf(begin)};
  }

  // ---- frames the venue writes ----

  private String snapshot(String symbol, OrderBook book) {
    Map<BigDecimal, String[]> texts = levelText.getOrDefault(symbol, Map.of());
    if (protocol == KrakenProtocol.V2) {
      StringBuilder sb = new StringBuilder("{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"").append(symbol)
          .append("\",\"bids\":");
      v2Levels(sb, book.topBids(depth), texts);
      sb.append(",\"asks\":");
      v2Levels(sb, book.topAsks(depth), texts);
      return sb.append(",\"checksum\":").append(checksum.compute(symbol, book)).append(",\"timestamp\":\"").append(now())
          .append("\"}]}").toString();
    }
    StringBuilder sb = new StringBuilder("[").append(channelIds.get()).append(",{\"as\":");
    v1Levels(sb, book.topAsks(depth), texts);
    sb.append(",\"bs\":");
    v1Levels(sb, book.topBids(depth), texts);
    return sb.append("},\"book-").append(depth).append("\",\"").append(symbol).append("\"]").toString();
  }

  private static void v2Levels(StringBuilder sb, List<Level> levels, Map<BigDecimal, String[]> texts) {
    sb.append('[');
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      String[] t = texts.get(l.getPrice().stripTrailingZeros());
      sb.append(i == 0 ? "" : ",").append("{\"price\":").append(t != null ? t[0] : plain(l.getPrice())).append(",\"qty\":")
          .append(t != null ? t[1] : plain(l.getSize())).append('}');
    }
    sb.append(']');
  }

  private static void v1Levels(StringBuilder sb, List<Level> levels, Map<BigDecimal, String[]> texts) {
    sb.append('[');
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      String[] t = texts.get(l.getPrice().stripTrailingZeros());
      sb.append(i == 0 ? "" : ",").append("[\"").append(t != null ? t[0] : plain(l.getPrice())).append("\",\"")
          .append(t != null ? t[1] : plain(l.getSize())).append("\",\"").append(t != null ? t[2] : "0.000000").append("\"]");
    }
    sb.append(']');
  }

  private String ohlcFrame(String symbol, int minutes, BigDecimal[] c) {
    Instant begin = Instant.ofEpochSecond(c[7].longValue());
    if (protocol == KrakenProtocol.V2) {
      return "{\"channel\":\"ohlc\",\"type\":\"update\",\"timestamp\":\"" + now() + "\",\"data\":[{\"symbol\":\"" + symbol
          + "\",\"open\":" + plain(c[0]) + ",\"high\":" + plain(c[1]) + ",\"low\":" + plain(c[2]) + ",\"close\":" + plain(c[3])
          + ",\"trades\":" + c[6].longValue() + ",\"volume\":" + plain(c[4]) + ",\"vwap\":" + plain(c[5])
          + ",\"interval_begin\":\"" + KrakenCaptureLoop.format(begin, 9) + "\",\"interval\":" + minutes
          + ",\"timestamp\":\"" + KrakenCaptureLoop.format(begin.plusSeconds(60L * minutes), 6) + "\"}]}";
    }
    Instant now = venueTime == null ? Instant.now() : venueTime;
    return "[" + channelIds.get() + ",[\"" + seconds(now) + "\",\"" + seconds(begin.plusSeconds(60L * minutes)) + "\",\"" + plain(c[0])
        + "\",\"" + plain(c[1]) + "\",\"" + plain(c[2]) + "\",\"" + plain(c[3]) + "\",\"" + plain(c[5]) + "\",\"" + plain(c[4]) + "\","
        + c[6].longValue() + "],\"ohlc-" + minutes + "\",\"" + symbol + "\"]";
  }

  private String tickerFrame(String symbol, Level bid, Level ask, String type) {
    Deque<Trade> all = trades.getOrDefault(symbol, new ArrayDeque<>());
    BigDecimal last = all.isEmpty() ? bid.getPrice() : all.peekLast().getPrice();
    BigDecimal[] day = all.isEmpty() ? null : running(symbol, 1440);
    return "{\"channel\":\"ticker\",\"type\":\"" + type + "\",\"data\":[{\"symbol\":\"" + symbol + "\",\"bid\":" + plain(bid.getPrice())
        + ",\"bid_qty\":" + plain(bid.getSize()) + ",\"ask\":" + plain(ask.getPrice()) + ",\"ask_qty\":" + plain(ask.getSize())
        + ",\"last\":" + plain(last) + ",\"volume\":" + (day == null ? "0" : plain(day[4])) + ",\"vwap\":" + (day == null ? plain(last)
        : plain(day[5])) + ",\"low\":" + (day == null ? plain(last) : plain(day[2])) + ",\"high\":" + (day == null ? plain(last)
        : plain(day[1])) + ",\"change\":" + (day == null ? "0" : plain(last.subtract(day[0]))) + ",\"change_pct\":0,\"timestamp\":\""
        + now() + "\"}]}";
  }

  private String instrumentSnapshot() {
    StringBuilder sb = new StringBuilder("{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[],\"pairs\":[");
    boolean first = true;
    for (String symbol : referenced) {
      int[] quoteBase = {pairs.priceDecimals(symbol), pairs.qtyDecimals(symbol)};
      String[] assets = symbol.split("/");
      sb.append(first ? "" : ",").append("{\"symbol\":\"").append(symbol).append("\",\"base\":\"").append(assets[0])
          .append("\",\"quote\":\"").append(assets.length > 1 ? assets[1] : "").append("\",\"status\":\"online\",\"qty_precision\":")
          .append(quoteBase[1]).append(",\"qty_increment\":").append(plain(BigDecimal.ONE.movePointLeft(quoteBase[1])))
          .append(",\"price_precision\":").append(quoteBase[0]).append(",\"price_increment\":")
          .append(plain(BigDecimal.ONE.movePointLeft(quoteBase[0]))).append('}');
      first = false;
    }
    return sb.append("]}}").toString();
  }

  // ---- REST ----

  @Override
  public synchronized RestAnswer rest(String path, Map<String, List<String>> query) {
    return switch (path) {
      case "/0/public/Time" -> {
        Instant t = venueTime == null ? Instant.now() : venueTime;
        yield ok("{\"unixtime\":" + t.getEpochSecond() + ",\"rfc1123\":\"" + t + "\"}");
      }
      case "/0/public/AssetPairs" -> assetPairs == null ? error("EGeneral:Internal error") : new RestAnswer(200, assetPairs, Map.of());
      case "/0/public/Trades" -> trades(query);
      case "/0/public/OHLC" -> ohlc(query);
      default -> new RestAnswer(404, "{\"error\":[\"EGeneral:Unknown method\"]}", Map.of());
    };
  }

  /** The pair a REST call names ({@code XBTUSD}), as the symbol the capture spells. */
  private String symbolOf(Map<String, List<String>> query) {
    List<String> v = query.get("pair");
    if (v == null || v.isEmpty()) {
      return null;
    }
    for (String symbol : trades.keySet()) {
      if (KrakenPairs.restPair(symbol).equals(v.get(0)) || symbol.equals(v.get(0))) {
        return symbol;
      }
    }
    return null;
  }

  private RestAnswer trades(Map<String, List<String>> query) {
    String symbol = symbolOf(query);
    if (symbol == null) {
      return error("EQuery:Unknown asset pair");
    }
    long since = param(query, "since", 0);
    int count = (int) Math.min(1000, param(query, "count", 1000));
    StringBuilder sb = new StringBuilder("{\"error\":[],\"result\":{\"").append(KrakenPairs.restPair(symbol)).append("\":[");
    long last = since;
    int n = 0;
    for (Trade t : trades.get(symbol)) {
      long ns = ChronoUnit.NANOS.between(Instant.EPOCH, t.getEventTime());
      if (ns <= since) {
        continue;
      }
      if (n == count) {
        break;
      }
      sb.append(n == 0 ? "" : ",").append("[\"").append(plain(t.getPrice())).append("\",\"").append(plain(t.getSize())).append("\",")
          .append(seconds(t.getEventTime())).append(",\"").append(t.getSide() == Side.BUY ? "b" : "s").append("\",\"l\",\"\",")
          .append(t.getTradeId().matches("\\d+") ? t.getTradeId() : "0").append(']');
      last = ns;
      n++;
    }
    return ok(sb.append("],\"last\":\"").append(last).append("\"}}").toString());
  }

  private RestAnswer ohlc(Map<String, List<String>> query) {
    String symbol = symbolOf(query);
    if (symbol == null) {
      return error("EQuery:Unknown asset pair");
    }
    int minutes = (int) param(query, "interval", 1);
    if (!KrakenRecords.INTERVALS.containsKey(minutes)) {
      return error("EGeneral:Invalid arguments");
    }
    long step = 60L * minutes;
    long since = param(query, "since", 0);
    TreeMap<Long, List<Trade>> periods = new TreeMap<>();
    for (Trade t : trades.get(symbol)) {
      periods.computeIfAbsent(Math.floorDiv(t.getEventTime().getEpochSecond(), step) * step, x -> new ArrayList<>()).add(t);
    }
    // Only the last 720 periods are kept, whatever 'since' says; the last one is still running.
    List<Long> keys = new ArrayList<>(periods.keySet());
    List<Long> kept = keys.subList(Math.max(0, keys.size() - OHLC_ROWS), keys.size());
    StringBuilder sb = new StringBuilder("{\"error\":[],\"result\":{\"").append(KrakenPairs.restPair(symbol)).append("\":[");
    int n = 0;
    long last = 0;
    for (long begin : kept) {
      if (begin <= since && begin != kept.get(kept.size() - 1)) {
        continue;
      }
      BigDecimal[] c = candle(periods.get(begin), begin, step);
      sb.append(n++ == 0 ? "" : ",").append('[').append(begin).append(",\"").append(plain(c[0])).append("\",\"").append(plain(c[1]))
          .append("\",\"").append(plain(c[2])).append("\",\"").append(plain(c[3])).append("\",\"").append(plain(c[5])).append("\",\"")
          .append(plain(c[4])).append("\",").append(c[6].longValue()).append(']');
      last = begin;
    }
    return ok(sb.append("],\"last\":").append(last).append("}}").toString());
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

  private static RestAnswer error(String error) {
    return new RestAnswer(200, "{\"error\":[\"" + error + "\"],\"result\":{}}", Map.of());
  }

  @Override
  public RestAnswer refusal(int status, int retryAfterSeconds) {
    // Kraken refuses with HTTP 200 and an error in the body, never a 429.
    return new RestAnswer(200, "{\"error\":[\"EGeneral:Too many requests\"],\"result\":{}}", Map.of());
  }

  /** A real-shaped trade frame cut off in the middle. */
  static final String MALFORMED_V2 =
      "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\",\"price\":61800.3,\"qty\":0.00";
  static final String MALFORMED_V1 = "[0,[[\"27918.60000\",\"0.10013466\",\"1685349920.743439\",\"b\",\"l\",\"\"]],\"tra";

  @Override
  public String malformedFrame() {
    return protocol == KrakenProtocol.V2 ? MALFORMED_V2 : MALFORMED_V1;
  }

  private String now() {
    return KrakenCaptureLoop.format(venueTime == null ? Instant.now() : venueTime, 6);
  }

  private static String seconds(Instant t) {
    return t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
  }

  private static String plain(BigDecimal v) {
    String s = v.stripTrailingZeros().toPlainString();
    return s;
  }

  /** For tests: the venue's book of a symbol. */
  synchronized OrderBook book(String symbol) {
    OrderBook b = books.get(symbol);
    return b == null ? null : b.copy();
  }

  @SuppressWarnings("unused")
  private static Map<String, String> ordered() {
    return new LinkedHashMap<>();
  }
}
