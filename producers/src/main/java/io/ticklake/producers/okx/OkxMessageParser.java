package io.ticklake.producers.okx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * OKX v5 public and business WebSocket frames into the normalized model. Pure; safe from any
 * thread. Every data frame is {@code {"arg":{"channel":..,"instId":..},("action":..,)"data":[..]}};
 * events are {@code {"event":..}}; the keepalive answer is the bare text {@code pong}.
 *
 * <ul>
 *   <li>{@code trades}: one {@link Trade} per entry, {@code side} the taker's, {@code tradeId} the
 *       venue's; an entry may aggregate several fills of one taker order ({@code count}). Sizes stay
 *       in the venue's unit: base currency for spot, contracts for swaps and futures.
 *   <li>{@code books} (also {@code books-l2-tbt}, {@code books50-l2-tbt}): {@code snapshot} or
 *       {@code update} with {@code seqId}/{@code prevSeqId} (the chain; a snapshot's prevSeqId is
 *       -1) and {@code checksum}, which OKX sends as 0 since June 2026: 0 is "no checksum", a
 *       non-zero one (older recordings) is verified. Levels are {@code [price, size, "0",
 *       orders]}; size 0 removes the level.
 *   <li>{@code tickers} and {@code bbo-tbt}: best bid and ask as a {@link Quote} (when the book is
 *       not collected; otherwise its changes are the quotes).
 *   <li>{@code candle<bar>} (business endpoint): {@code [ts, o, h, l, c, vol, volCcy, volCcyQuote,
 *       confirm]}, {@code confirm "1"} marks the closed bar; an open one is held by the collector
 *       and closed when the next bar begins if OKX sends no closing push.
 *   <li>{@code subscribe}/{@code unsubscribe} answers, {@code notice}, {@code channel-conn-count}
 *       and {@code pong} are control frames; {@code error} (a refused request) and any channel or
 *       event not listed are errors the runtime counts and dead-letters.
 * </ul>
 */
public final class OkxMessageParser implements FrameParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build()).build();

  /** Candle channel bars as ticklake's labels. */
  static final Map<String, String> BARS = Map.of("candle1m", "1m", "candle5m", "5m", "candle15m", "15m", "candle30m", "30m",
      "candle1H", "1h", "candle4H", "4h", "candle1Dutc", "1d");

  private final String venue;
  private final boolean tickerQuotes;

  /**
   * @param tickerQuotes whether {@code tickers} and {@code bbo-tbt} become quotes: not when the book
   *     is collected, whose every change of the best levels is a quote with the book's sequence
   */
  public OkxMessageParser(String venue, boolean tickerQuotes) {
    this.venue = venue;
    this.tickerQuotes = tickerQuotes;
  }

  /** One frame's top-level fields. */
  private static final class Frame {
    String channel;
    String instId;
    String action;
    String event;
    String code;
    String msg;
    final List<SpecificRecord> records = new ArrayList<>();
  }

  @Override
  public ParsedFrame parse(String text, Instant receiveTime) throws ParseException {
    if (text.equals("pong")) {
      return ParsedFrame.control(null);
    }
    Frame f = new Frame();
    String data = null;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException("frame is neither a JSON object nor 'pong'", null, ParseException.STAGE_PARSE);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "arg" -> arg(p, f);
          case "action" -> f.action = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "event" -> f.event = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "code" -> f.code = t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
          case "msg" -> f.msg = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "data" -> {
            if (f.channel == null) {
              // OKX writes arg first; a frame that does not is read again from its text.
              data = "later";
              p.skipChildren();
            } else {
              data(p, f, receiveTime);
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ParseException("trailing content after the JSON object", stream(f), ParseException.STAGE_PARSE, channel(f), null);
      }
    } catch (ParseException e) {
      throw e.stream() == null && f.channel != null ? new ParseException(e.getMessage(), stream(f), e.stage(), channel(f), e.getCause()) : e;
    } catch (IOException | RuntimeException e) {
      throw ParseException.unreadable(e, stream(f), channel(f));
    }
    if (data != null && f.channel != null) {
      return parseWithArgFirst(text, receiveTime);
    }
    if (f.event != null) {
      return switch (f.event) {
        case "subscribe", "unsubscribe", "notice", "channel-conn-count", "login" -> ParsedFrame.control(null);
        case "error" -> throw new ParseException("the venue refused a request: " + f.code + " " + f.msg, stream(f), "refused", "control", null);
        default -> throw ParseException.unknown("unknown event '" + f.event + "'", stream(f), "control");
      };
    }
    if (f.channel == null) {
      throw ParseException.unknown("a frame with neither 'arg' nor 'event'", null, "unknown");
    }
    String kind = kind(f.channel);
    if (kind == null) {
      throw ParseException.unknown("unknown channel '" + f.channel + "'", stream(f), f.channel);
    }
    return ParsedFrame.of(stream(f), kind, f.instId, f.records);
  }

  private ParsedFrame parseWithArgFirst(String text, Instant receiveTime) throws ParseException {
    try {
      com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(text);
      com.fasterxml.jackson.databind.node.ObjectNode ordered = m.createObjectNode();
      ordered.set("arg", tree.get("arg"));
      ordered.setAll(tree);
      return parse(m.writeValueAsString(ordered), receiveTime);
    } catch (IOException | ClassCastException e) {
      throw ParseException.unreadable(e, null, null);
    }
  }

  /** The counters' channel of an OKX channel: {@code trades}, {@code books}, {@code tickers}, {@code candles}. */
  static String kind(String channel) {
    if (channel.equals("trades") || channel.equals("trades-all")) {
      return "trades";
    }
    if (channel.equals("books") || channel.endsWith("-l2-tbt")) {
      return "books";
    }
    if (channel.equals("tickers") || channel.equals("bbo-tbt")) {
      return channel;
    }
    if (BARS.containsKey(channel)) {
      return "candles";
    }
    return null;
  }

  @Override
  public String channelOf(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int colon = stream.indexOf(':');
    String channel = colon < 0 ? stream : stream.substring(0, colon);
    String kind = kind(channel);
    return kind == null ? channel : kind;
  }

  private static String channel(Frame f) {
    if (f.channel != null) {
      String kind = kind(f.channel);
      return kind == null ? f.channel : kind;
    }
    return f.event != null ? "control" : "unknown";
  }

  /** {@code books:BTC-USDT}. */
  private static String stream(Frame f) {
    return f.channel == null ? null : f.instId == null ? f.channel : f.channel + ":" + f.instId;
  }

  private static void arg(JsonParser p, Frame f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new ParseException("'arg' is not an object", null, ParseException.STAGE_PARSE);
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "channel" -> f.channel = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "instId" -> f.instId = t == JsonToken.VALUE_STRING ? p.getText() : null;
        default -> p.skipChildren();
      }
    }
  }

  private void data(JsonParser p, Frame f, Instant receiveTime) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("'data' is not an array", null, ParseException.STAGE_PARSE);
    }
    String kind = kind(f.channel);
    if (kind == null) {
      p.skipChildren();
      return;
    }
    while (true) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        return;
      }
      switch (kind) {
        case "candles" -> f.records.add(candle(p, f, receiveTime));
        case "trades" -> f.records.add(trade(entry(p), f, receiveTime));
        case "books" -> f.records.add(book(entry(p), f, receiveTime));
        default -> {
          Quote q = quote(entry(p), f, receiveTime);
          if (tickerQuotes) {
            f.records.add(q);
          }
        }
      }
    }
  }

  /** The fields of one data entry (an object). */
  private static final class Entry {
    String instId;
    String tradeId;
    String px;
    String sz;
    String side;
    String ts;
    String bidPx;
    String bidSz;
    String askPx;
    String askSz;
    List<Level> bids;
    List<Level> asks;
    Long checksum;
    Long seqId;
    Long prevSeqId;
  }

  private static Entry entry(JsonParser p) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new ParseException("an entry of 'data' is not an object", null, ParseException.STAGE_PARSE);
    }
    Entry e = new Entry();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "instId" -> e.instId = text(p, t);
        case "tradeId" -> e.tradeId = text(p, t);
        case "px" -> e.px = text(p, t);
        case "sz" -> e.sz = text(p, t);
        case "side" -> e.side = text(p, t);
        case "ts" -> e.ts = text(p, t);
        case "bidPx" -> e.bidPx = text(p, t);
        case "bidSz" -> e.bidSz = text(p, t);
        case "askPx" -> e.askPx = text(p, t);
        case "askSz" -> e.askSz = text(p, t);
        case "bids" -> e.bids = levels(p, name);
        case "asks" -> e.asks = levels(p, name);
        case "checksum" -> e.checksum = integer(p, t, name);
        case "seqId" -> e.seqId = integer(p, t, name);
        case "prevSeqId" -> e.prevSeqId = integer(p, t, name);
        default -> p.skipChildren();
      }
    }
    return e;
  }

  private Trade trade(Entry e, Frame f, Instant receiveTime) throws ParseException {
    Side side = switch (req(e.side, "side")) {
      case "buy" -> Side.BUY;
      case "sell" -> Side.SELL;
      default -> throw new ParseException("'side' is neither buy nor sell: " + e.side, null, ParseException.STAGE_SCHEMA);
    };
    BigDecimal price = decimal(req(e.px, "px"), "px");
    BigDecimal size = decimal(req(e.sz, "sz"), "sz");
    if (price.signum() <= 0 || size.signum() <= 0) {
      throw new ParseException("px and sz must be > 0, were " + e.px + " and " + e.sz, null, ParseException.STAGE_SCHEMA);
    }
    Instant time = millis(req(e.ts, "ts"));
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(e.instId != null ? e.instId : req(f.instId, "instId"))
        .setTradeId(req(e.tradeId, "tradeId"))
        .setSide(side)
        .setPrice(price)
        .setSize(size)
        .setMarketTrade(true)
        .setChannel(f.channel)
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(receiveTime)
        .build();
  }

  private BookDelta book(Entry e, Frame f, Instant receiveTime) throws ParseException {
    boolean snapshot = switch (f.action == null ? "" : f.action) {
      case "snapshot" -> true;
      case "update" -> false;
      default -> throw new ParseException("a book frame's 'action' is neither snapshot nor update: " + f.action, null,
          ParseException.STAGE_PARSE);
    };
    if (e.bids == null || e.asks == null) {
      throw new ParseException("a book entry lacks 'bids' or 'asks'", null, ParseException.STAGE_PARSE);
    }
    // A snapshot's prevSeqId is -1: it starts the chain.
    Long prev = snapshot || e.prevSeqId == null || e.prevSeqId < 0 ? null : e.prevSeqId;
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(req(f.instId, "instId"))
        .setSnapshot(snapshot)
        .setFirstUpdateId(null)
        // Recordings from before seqId existed have none: the collector numbers their book.
        .setFinalUpdateId(e.seqId == null ? 0 : e.seqId)
        .setPrevFinalUpdateId(prev)
        .setBids(e.bids)
        .setAsks(e.asks)
        .setEventTime(millis(req(e.ts, "ts")))
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        // 0 is OKX's "no checksum" since June 2026; a real CRC32 is never asked to be 0.
        .setChecksum(e.checksum == null || e.checksum == 0 ? null : e.checksum)
        .build();
  }

  private Quote quote(Entry e, Frame f, Instant receiveTime) throws ParseException {
    String bidPx = e.bidPx;
    String bidSz = e.bidSz;
    String askPx = e.askPx;
    String askSz = e.askSz;
    if (bidPx == null && e.bids != null && !e.bids.isEmpty() && e.asks != null && !e.asks.isEmpty()) {
      // bbo-tbt: one level a side
      return Quote.newBuilder()
          .setVenue(venue).setSymbol(req(f.instId, "instId")).setUpdateId(e.seqId)
          .setBidPrice(e.bids.get(0).getPrice()).setBidSize(e.bids.get(0).getSize())
          .setAskPrice(e.asks.get(0).getPrice()).setAskSize(e.asks.get(0).getSize())
          .setEventTime(millis(req(e.ts, "ts"))).setTransactTime(null).setReceiveTime(receiveTime).build();
    }
    return Quote.newBuilder()
        .setVenue(venue)
        .setSymbol(e.instId != null ? e.instId : req(f.instId, "instId"))
        .setUpdateId(null)
        .setBidPrice(decimal(req(bidPx, "bidPx"), "bidPx"))
        .setBidSize(decimal(req(bidSz, "bidSz"), "bidSz"))
        .setAskPrice(decimal(req(askPx, "askPx"), "askPx"))
        .setAskSize(decimal(req(askSz, "askSz"), "askSz"))
        .setEventTime(millis(req(e.ts, "ts")))
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        .build();
  }

  /** {@code [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]}. */
  private Candle candle(JsonParser p, Frame f, Instant receiveTime) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("a candle row is not an array", null, ParseException.STAGE_PARSE);
    }
    List<String> row = new ArrayList<>(9);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw new ParseException("a candle row holds a non-string", null, ParseException.STAGE_PARSE);
      }
      row.add(p.getText());
    }
    if (row.size() < 9) {
      throw new ParseException("a candle row of " + row.size() + " values, 9 expected", null, ParseException.STAGE_PARSE);
    }
    return candle(venue, req(f.instId, "instId"), BARS.get(f.channel), row, receiveTime);
  }

  /**
   * A candle row of the WebSocket or of REST ({@code history-candles}). Volumes in base units:
   * {@code vol} for spot, {@code volCcy} for contracts (whose {@code vol} counts contracts).
   */
  static Candle candle(String venue, String instId, String interval, List<String> row, Instant receiveTime) throws ParseException {
    Instant open = millis(row.get(0));
    int minutes = switch (interval) {
      case "1m" -> 1;
      case "5m" -> 5;
      case "15m" -> 15;
      case "30m" -> 30;
      case "1h" -> 60;
      case "4h" -> 240;
      case "1d" -> 1440;
      default -> throw new ParseException("unknown candle interval " + interval, null, ParseException.STAGE_SCHEMA);
    };
    boolean contracts = OkxSymbols.contracts(instId);
    return Candle.newBuilder()
        .setVenue(venue)
        .setSymbol(instId)
        .setInterval(interval)
        .setSource("venue")
        .setOpenTime(open)
        .setCloseTime(open.plusSeconds(60L * minutes))
        .setOpen(decimal(row.get(1), "o"))
        .setHigh(decimal(row.get(2), "h"))
        .setLow(decimal(row.get(3), "l"))
        .setClose(decimal(row.get(4), "c"))
        .setVolume(decimal(contracts ? row.get(6) : row.get(5), "vol"))
        .setQuoteVolume(decimal(row.get(7), "volCcyQuote"))
        .setVwap(null)
        .setTradeCount(null)
        .setTakerBuyVolume(null)
        .setTakerSellVolume(null)
        .setClosed("1".equals(row.get(8)))
        // OKX says not when a bar was updated: its end once confirmed, else its start (never the
        // receive time, which would move the venue's clock on a replay and close bars early).
        .setEventTime("1".equals(row.get(8)) ? open.plusSeconds(60L * minutes) : open)
        .build();
  }

  private static List<Level> levels(JsonParser p, String name) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("'" + name + "' is not an array", null, ParseException.STAGE_PARSE);
    }
    List<Level> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new ParseException("a level's price in '" + name + "' is not a string", null, ParseException.STAGE_PARSE);
      }
      BigDecimal price = decimalOf(p, "price");
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new ParseException("a level's size in '" + name + "' is not a string", null, ParseException.STAGE_PARSE);
      }
      BigDecimal size = decimalOf(p, "size");
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren(); // liquidated orders (always "0"), order count
      }
      if (price.signum() <= 0 || size.signum() < 0) {
        throw new ParseException("level " + price.toPlainString() + " x " + size.toPlainString() + " out of range", null,
            ParseException.STAGE_SCHEMA);
      }
      out.add(new Level(price, size));
    }
    return out;
  }

  private static BigDecimal decimalOf(JsonParser p, String what) throws IOException, ParseException {
    try {
      return Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new ParseException("bad decimal " + what + ": " + e.getMessage(), null, ParseException.STAGE_SCHEMA);
    }
  }

  static BigDecimal decimal(String text, String what) throws ParseException {
    try {
      return Decimals.of(text);
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new ParseException("bad decimal " + what + " '" + text + "': " + e.getMessage(), null, ParseException.STAGE_SCHEMA);
    }
  }

  static Instant millis(String text) throws ParseException {
    try {
      return Instant.ofEpochMilli(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new ParseException("not epoch milliseconds: " + text, null, ParseException.STAGE_PARSE);
    }
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : null;
  }

  private static Long integer(JsonParser p, JsonToken t, String name) throws IOException, ParseException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText());
      } catch (NumberFormatException e) {
        throw new ParseException("'" + name + "' is not an integer: " + p.getText(), null, ParseException.STAGE_PARSE);
      }
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new ParseException("'" + name + "' is not an integer", null, ParseException.STAGE_PARSE);
  }

  private static <T> T req(T value, String name) throws ParseException {
    if (value == null) {
      throw new ParseException("an entry lacks field '" + name + "'", null, ParseException.STAGE_PARSE);
    }
    return value;
  }
}
