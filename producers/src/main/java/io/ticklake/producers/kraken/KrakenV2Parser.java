package io.ticklake.producers.kraken;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.IsoInstants;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kraken WebSocket v2 ({@code wss://ws.kraken.com/v2}) frames into the normalized model. Pure
 * except for what it teaches {@link KrakenPairs} (the decimals of the pairs); safe from any thread.
 *
 * <ul>
 *   <li>{@code trade}: each entry a {@link io.ticklake.schema.v1.Trade}; {@code side} is the
 *       taker's, {@code trade_id} numbers each pair's trades.
 *   <li>{@code book}: a {@code snapshot} or {@code update} per symbol with its {@code checksum}
 *       (CRC32 of the top ten levels, unsigned), verified by the book sync on its own book.
 *   <li>{@code ohlc}: the running candle of each interval, on every trade, never marked closed
 *       (the collector closes it once a later period begins).
 *   <li>{@code ticker}: best bid and ask into a {@link io.ticklake.schema.v1.Quote}.
 *   <li>{@code instrument}: the pairs' decimals, for the checksum; no record (reference data comes
 *       from REST {@code AssetPairs}).
 *   <li>{@code status}, {@code heartbeat} and answers to our requests ({@code subscribe}, {@code
 *       pong}) are control frames; a refused request ({@code "success":false}) and any channel or
 *       method not listed are errors the runtime counts and dead-letters.
 * </ul>
 *
 * Prices and quantities are JSON numbers: their text goes to scale 18 unchanged, never through a
 * {@code double}.
 */
public final class KrakenV2Parser implements FrameParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build()).build();

  private static final java.util.Set<String> DATA_CHANNELS = java.util.Set.of("trade", "book", "ohlc", "ticker");

  private final String venue;
  private final KrakenPairs pairs;
  private final boolean tickerQuotes;

  public KrakenV2Parser(String venue, KrakenPairs pairs) {
    this(venue, pairs, true);
  }

  /**
   * @param tickerQuotes whether ticker (and v1 spread) messages become quotes: not when the book
   *     is collected, whose every change of the best levels is a quote with the book's sequence
   */
  public KrakenV2Parser(String venue, KrakenPairs pairs, boolean tickerQuotes) {
    this.venue = venue;
    this.pairs = pairs;
    this.tickerQuotes = tickerQuotes;
  }

  /** One frame's top-level fields. */
  private static final class Frame {
    String channel;
    String type;
    String method;
    Boolean success;
    String error;
    String timestamp;
    String firstSymbol;
    boolean severalSymbols;
    final List<SpecificRecord> records = new ArrayList<>();
    ParseException problem;
  }

  @Override
  public ParsedFrame parse(String text, Instant receiveTime) throws ParseException {
    try {
      return parseInOrder(text, receiveTime);
    } catch (DataFirst e) {
      // Kraken writes the channel before the data; a frame that does not is read again in that order.
      return parseInOrder(channelFirst(text), receiveTime);
    }
  }

  /** The frame had its {@code data} before its {@code channel}. */
  private static final class DataFirst extends RuntimeException {
    DataFirst() {
      super(null, null, false, false);
    }
  }

  private static String channelFirst(String text) throws ParseException {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) REORDER.readTree(text);
      com.fasterxml.jackson.databind.node.ObjectNode ordered = REORDER.createObjectNode();
      ordered.set("channel", tree.get("channel"));
      ordered.setAll(tree);
      return REORDER.writeValueAsString(ordered);
    } catch (IOException | ClassCastException e) {
      throw ParseException.unreadable(e, null, null);
    }
  }

  /** Keeps numbers' text exactly when a frame is rewritten. */
  private static final com.fasterxml.jackson.databind.ObjectMapper REORDER =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

  private ParsedFrame parseInOrder(String text, Instant receiveTime) throws ParseException {
    Frame f = new Frame();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException("frame is not a JSON object", null, ParseException.STAGE_PARSE);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "channel" -> f.channel = string(p, name);
          case "type" -> f.type = string(p, name);
          case "method" -> f.method = string(p, name);
          case "success" -> f.success = t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
          case "error" -> f.error = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "timestamp" -> f.timestamp = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "data" -> {
            if (f.channel == null) {
              throw new DataFirst();
            }
            data(p, f, receiveTime);
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ParseException("trailing content after the JSON object", stream(f), ParseException.STAGE_PARSE, channel(f), null);
      }
    } catch (ParseException e) {
      throw e.stream() == null && f.channel != null
          ? new ParseException(e.getMessage(), stream(f), e.stage(), channel(f), e.getCause()) : e;
    } catch (DataFirst e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw ParseException.unreadable(e, stream(f), channel(f));
    }
    if (f.problem != null) {
      throw new ParseException(f.problem.getMessage(), stream(f), f.problem.stage(), channel(f), f.problem.getCause());
    }
    if (f.method != null) {
      if (Boolean.FALSE.equals(f.success)) {
        throw new ParseException("the venue refused a request: " + f.method + ": " + f.error, null, "refused", "control", null);
      }
      return switch (f.method) {
        case "subscribe", "unsubscribe", "pong" -> ParsedFrame.control(null);
        default -> throw ParseException.unknown("unknown method '" + f.method + "'", null, "control");
      };
    }
    if (f.channel == null) {
      throw ParseException.unknown("a frame with neither 'channel' nor 'method'", null, "unknown");
    }
    String symbol = f.severalSymbols ? null : f.firstSymbol;
    return switch (f.channel) {
      case "trade", "book", "ohlc", "ticker" -> {
        if (f.type == null) {
          throw new ParseException("'" + f.channel + "' frame lacks field 'type'", stream(f), ParseException.STAGE_PARSE, f.channel, null);
        }
        yield ParsedFrame.of(stream(f), f.channel, symbol, f.records);
      }
      case "instrument" -> ParsedFrame.of(stream(f), "instrument", null, List.of());
      case "status", "heartbeat" -> ParsedFrame.control(f.channel);
      default -> throw ParseException.unknown("unknown channel '" + f.channel + "'", stream(f), f.channel);
    };
  }

  private static String channel(Frame f) {
    return f.channel != null ? f.channel : f.method != null ? "control" : "unknown";
  }

  /** {@code book:BTC/USD}; the channel alone for a frame about several symbols or none. */
  private static String stream(Frame f) {
    if (f.channel == null) {
      return null;
    }
    return f.firstSymbol == null || f.severalSymbols ? f.channel : f.channel + ":" + f.firstSymbol;
  }

  /** {@code book:BTC/USD}: the channel is the part before the colon. */
  @Override
  public String channelOf(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int colon = stream.indexOf(':');
    return colon < 0 ? stream : stream.substring(0, colon);
  }

  private void data(JsonParser p, Frame f, Instant receiveTime) throws IOException, ParseException {
    if (f.channel.equals("instrument")) {
      instruments(p);
      return;
    }
    if (!DATA_CHANNELS.contains(f.channel)) {
      p.skipChildren(); // status and the like: nothing the model keeps
      return;
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("field 'data' is not an array", null, ParseException.STAGE_PARSE);
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      Entry e = entry(p, f);
      if (e.symbol == null) {
        throw new ParseException("a '" + f.channel + "' entry lacks field 'symbol'", null, ParseException.STAGE_PARSE);
      }
      if (f.firstSymbol == null) {
        f.firstSymbol = e.symbol;
      } else if (!f.firstSymbol.equals(e.symbol)) {
        f.severalSymbols = true;
      }
      if (e.problem != null) {
        f.problem = f.problem == null ? e.problem : f.problem;
        continue;
      }
      if (e.bids != null || e.asks != null) {
        pairs.observe(e.symbol, e.priceDecimals, e.qtyDecimals);
      }
      SpecificRecord r = switch (f.channel) {
        case "trade" -> trade(e, receiveTime);
        case "book" -> book(e, f, receiveTime);
        case "ohlc" -> candle(e, f, receiveTime);
        case "ticker" -> quote(e, f, receiveTime);
        default -> null;
      };
      if (r != null && (tickerQuotes || !(r instanceof io.ticklake.schema.v1.Quote))) {
        f.records.add(r);
      }
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new ParseException("an entry of 'data' is not an object", null, ParseException.STAGE_PARSE);
    }
  }

  /** The fields of one entry of {@code data}; which are needed depends on the channel. */
  private static final class Entry {
    String symbol;
    String side;
    BigDecimal price;
    BigDecimal qty;
    String ordType;
    Long tradeId;
    String timestamp;
    List<Level> bids;
    List<Level> asks;
    Long checksum;
    BigDecimal open;
    BigDecimal high;
    BigDecimal low;
    BigDecimal close;
    BigDecimal volume;
    BigDecimal vwap;
    Long trades;
    String intervalBegin;
    Integer interval;
    int priceDecimals;
    int qtyDecimals;
    BigDecimal bid;
    BigDecimal bidQty;
    BigDecimal ask;
    BigDecimal askQty;
    ParseException problem;
  }

  private Entry entry(JsonParser p, Frame f) throws IOException, ParseException {
    Entry e = new Entry();
    boolean book = f.channel.equals("book");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "symbol" -> e.symbol = string(p, name);
        case "side" -> e.side = string(p, name);
        case "price" -> e.price = number(p, name, e);
        case "qty" -> e.qty = number(p, name, e);
        case "ord_type" -> e.ordType = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "trade_id" -> e.tradeId = integer(p, name);
        case "timestamp" -> e.timestamp = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "bids" -> e.bids = book ? levels(p, name, e) : skip(p);
        case "asks" -> e.asks = book ? levels(p, name, e) : skip(p);
        case "checksum" -> e.checksum = integer(p, name);
        case "open" -> e.open = number(p, name, e);
        case "high" -> e.high = number(p, name, e);
        case "low" -> e.low = number(p, name, e);
        case "close" -> e.close = number(p, name, e);
        case "volume" -> e.volume = number(p, name, e);
        case "vwap" -> e.vwap = number(p, name, e);
        case "trades" -> e.trades = integer(p, name);
        case "interval_begin" -> e.intervalBegin = string(p, name);
        case "interval" -> e.interval = integer(p, name).intValue();
        case "bid" -> e.bid = number(p, name, e);
        case "bid_qty" -> e.bidQty = number(p, name, e);
        case "ask" -> e.ask = number(p, name, e);
        case "ask_qty" -> e.askQty = number(p, name, e);
        default -> p.skipChildren();
      }
    }
    return e;
  }

  private static <T> T skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private SpecificRecord trade(Entry e, Instant receiveTime) throws ParseException {
    Side side = switch (req(e.side, "side", "trade")) {
      case "buy" -> Side.BUY;
      case "sell" -> Side.SELL;
      default -> throw new ParseException("'side' is neither buy nor sell: " + e.side, null, ParseException.STAGE_SCHEMA);
    };
    BigDecimal price = req(e.price, "price", "trade");
    BigDecimal qty = req(e.qty, "qty", "trade");
    if (price.signum() <= 0 || qty.signum() <= 0) {
      throw new ParseException("price and qty must be > 0, were " + price.toPlainString() + " and " + qty.toPlainString(), null,
          ParseException.STAGE_SCHEMA);
    }
    Instant time = time(req(e.timestamp, "timestamp", "trade"));
    return KrakenRecords.trade(venue, e.symbol, Long.toString(req(e.tradeId, "trade_id", "trade")), side, price, qty, true, time,
        receiveTime);
  }

  private SpecificRecord book(Entry e, Frame f, Instant receiveTime) throws ParseException {
    boolean snapshot = switch (f.type) {
      case "snapshot" -> true;
      case "update" -> false;
      default -> throw ParseException.unknown("unknown book type '" + f.type + "'", null, "book");
    };
    List<Level> bids = e.bids == null ? List.of() : e.bids;
    List<Level> asks = e.asks == null ? List.of() : e.asks;
    if (snapshot && (e.bids == null || e.asks == null)) {
      throw new ParseException("a book snapshot lacks 'bids' or 'asks'", null, ParseException.STAGE_PARSE);
    }
    // A snapshot is the book as the venue holds it when we subscribed; stamped when sent if it says.
    Instant time = e.timestamp != null ? time(e.timestamp) : receiveTime;
    // Kraken sends a checksum with every book message; one without is kept, unverified.
    return KrakenRecords.book(venue, e.symbol, snapshot, bids, asks, e.checksum, time, receiveTime);
  }

  private SpecificRecord candle(Entry e, Frame f, Instant receiveTime) throws ParseException {
    int minutes = req(e.interval, "interval", "ohlc");
    String label = KrakenRecords.INTERVALS.get(minutes);
    if (label == null) {
      throw new ParseException("unknown ohlc interval " + minutes, null, ParseException.STAGE_SCHEMA);
    }
    Instant open = time(req(e.intervalBegin, "interval_begin", "ohlc"));
    // The frame's own timestamp is when the venue sent it (an entry's is the period's end); without
    // one, the period's start (never the receive time, which would move the venue's clock on a replay).
    Instant sent = f.timestamp != null ? time(f.timestamp) : open;
    return KrakenRecords.candle(venue, e.symbol, label, open, minutes, req(e.open, "open", "ohlc"), req(e.high, "high", "ohlc"),
        req(e.low, "low", "ohlc"), req(e.close, "close", "ohlc"), req(e.volume, "volume", "ohlc"), e.vwap, e.trades, false, sent);
  }

  private SpecificRecord quote(Entry e, Frame f, Instant receiveTime) throws ParseException {
    if (e.bid == null || e.ask == null) {
      throw new ParseException("a ticker entry lacks 'bid' or 'ask'", null, ParseException.STAGE_PARSE);
    }
    Instant time = e.timestamp != null ? time(e.timestamp) : f.timestamp != null ? time(f.timestamp) : receiveTime;
    return KrakenRecords.quote(venue, e.symbol, e.bid, req(e.bidQty, "bid_qty", "ticker"), e.ask, req(e.askQty, "ask_qty", "ticker"),
        time, receiveTime);
  }

  /** {@code [{"price":..,"qty":..}, ...]}; the decimals of each are taught to {@link KrakenPairs} once the symbol is known. */
  private List<Level> levels(JsonParser p, String name, Entry e) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("field '" + name + "' is not an array", null, ParseException.STAGE_PARSE);
    }
    List<Level> out = new ArrayList<>();
    int priceDecimals = 0;
    int qtyDecimals = 0;
    while (p.nextToken() == JsonToken.START_OBJECT) {
      BigDecimal price = null;
      BigDecimal qty = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "price" -> {
            priceDecimals = Math.max(priceDecimals, textDecimals(p));
            price = number(p, name + " price", e);
          }
          case "qty" -> {
            qtyDecimals = Math.max(qtyDecimals, textDecimals(p));
            qty = number(p, name + " qty", e);
          }
          default -> p.skipChildren();
        }
      }
      if (price == null || qty == null) {
        if (e.problem == null) {
          e.problem = new ParseException("a level in '" + name + "' lacks 'price' or 'qty'", null, ParseException.STAGE_PARSE);
        }
      } else if (price.signum() <= 0 || qty.signum() < 0) {
        if (e.problem == null) {
          e.problem = new ParseException("level " + price.toPlainString() + " x " + qty.toPlainString() + " in '" + name + "' out of range",
              null, ParseException.STAGE_SCHEMA);
        }
      } else {
        out.add(new Level(price, qty));
      }
    }
    e.priceDecimals = Math.max(e.priceDecimals, priceDecimals);
    e.qtyDecimals = Math.max(e.qtyDecimals, qtyDecimals);
    return out;
  }

  /** The {@code instrument} channel's pairs: their decimals. */
  private void instruments(JsonParser p) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new ParseException("instrument 'data' is not an object", null, ParseException.STAGE_PARSE);
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (!name.equals("pairs") || p.currentToken() != JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String symbol = null;
        Integer priceDecimals = null;
        Integer qtyDecimals = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "symbol" -> symbol = string(p, field);
            case "price_precision" -> priceDecimals = integer(p, field).intValue();
            case "qty_precision" -> qtyDecimals = integer(p, field).intValue();
            default -> p.skipChildren();
          }
        }
        if (symbol != null && priceDecimals != null && qtyDecimals != null) {
          pairs.reference(symbol, priceDecimals, qtyDecimals);
        }
      }
    }
  }

  private static int textDecimals(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
      return 0;
    }
    return KrakenPairs.decimals(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /** A JSON number (or a decimal string) to scale 18 from its text. */
  private static BigDecimal number(JsonParser p, String name, Entry e) throws IOException, ParseException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
      throw new ParseException("field '" + name + "' is not a number", null, ParseException.STAGE_PARSE);
    }
    try {
      return Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (ArithmeticException | IllegalArgumentException ex) {
      if (e.problem == null) {
        e.problem = new ParseException("bad decimal in '" + name + "': " + ex.getMessage(), null, ParseException.STAGE_SCHEMA);
      }
      return null;
    }
  }

  private static String string(JsonParser p, String name) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new ParseException("field '" + name + "' is not a string", null, ParseException.STAGE_PARSE);
    }
    return p.getText();
  }

  private static Long integer(JsonParser p, String name) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw new ParseException("field '" + name + "' is not an integer", null, ParseException.STAGE_PARSE);
    }
    return p.getLongValue();
  }

  private static Instant time(String iso) throws ParseException {
    try {
      return IsoInstants.parse(iso);
    } catch (DateTimeParseException e) {
      throw new ParseException("not an RFC 3339 time: " + iso, null, ParseException.STAGE_PARSE);
    }
  }

  private static <T> T req(T value, String name, String channel) throws ParseException {
    if (value == null) {
      throw new ParseException("'" + channel + "' entry lacks field '" + name + "'", null, ParseException.STAGE_PARSE);
    }
    return value;
  }

}
