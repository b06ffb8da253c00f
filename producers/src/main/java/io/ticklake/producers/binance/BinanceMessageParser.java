package io.ticklake.producers.binance;

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
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Binance USD-M futures WebSocket frames ({@code aggTrade}, {@code trade}, {@code bookTicker},
 * {@code depthUpdate}, {@code kline}, combined-stream wrapped or bare) and REST depth snapshots into
 * the normalized Avro model. An event type it does not know is a {@link ParseException#STAGE_UNKNOWN}
 * error (dead-lettered and counted by the runtime), never a crash. Pure: no I/O, no Netty; safe from
 * any thread (the only shared state is a cache of immutable strings).
 *
 * <p>Uses Jackson's streaming parser rather than a tree: a depth frame can carry hundreds of levels
 * and this runs once per frame on the network thread. Decimals go straight from the parser's
 * buffer to scale 18 ({@link Decimals#of(char[], int, int)}), never through a {@code double} or a
 * {@code String}; stream, symbol and event names are shared instances, not one per frame.
 */
public final class BinanceMessageParser implements FrameParser {
  /** Venue id of Binance USD-M futures. */
  public static final String VENUE = "binance-usdm";

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build())
          .build();

  private final String venue;

  public BinanceMessageParser() {
    this(VENUE);
  }

  /** For a venue sharing Binance's futures wire format under another id (e.g. a testnet). */
  public BinanceMessageParser(String venue) {
    this.venue = venue;
  }

  /**
   * Parses one frame.
   *
   * @param text the frame as received
   * @param receiveTime when our collector received it
   * @return the record, or a control frame ({@link ParsedFrame#isControl()}) for acknowledgements
   * @throws ParseException when the frame is not JSON, misses a field, or violates the model
   */
  @Override
  public ParsedFrame parse(String text, Instant receiveTime) throws ParseException {
    Fields fast = BinanceFrameScanner.scan(text);
    if (fast != null) {
      try {
        return frame(fast, receiveTime);
      } catch (ParseException e) {
        // A well-formed frame the model refuses: the general path below words the error.
      }
    }
    return parseGeneral(text, receiveTime);
  }

  /** {@link #parse} on Jackson's streaming parser alone: every frame, well-formed or not. */
  ParsedFrame parseGeneral(String text, Instant receiveTime) throws ParseException {
    Fields f = new Fields();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException("frame is not a JSON object", null, ParseException.STAGE_PARSE);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "stream" -> f.stream = cachedText(p, name, f);
          case "data" -> {
            if (t != JsonToken.START_OBJECT) {
              throw fail("'data' is not an object", f);
            }
            f.wrapped = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              readDataField(p, field, f);
            }
          }
          case "result", "id" -> {
            f.control = true;
            p.skipChildren();
          }
          case "error" -> {
            // {"error":{"code":2,"msg":"..."},"id":1}: the venue refused a request of ours.
            f.control = true;
            f.error = p.currentToken() == JsonToken.START_OBJECT ? readTree(p) : p.getText();
          }
          default -> readDataField(p, name, f);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw fail("trailing content after the JSON object", f);
      }
    } catch (ParseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Jackson's JsonParseException (truncated frame, bad token) and number overflows end here.
      throw ParseException.unreadable(e, f.stream, null);
    }
    return frame(f, receiveTime);
  }

  private ParsedFrame frame(Fields f, Instant receiveTime) throws ParseException {
    if (f.event == null) {
      if (f.control) {
        if (f.error != null) {
          throw new ParseException("the venue refused a request: " + f.error, f.stream, "refused", "control", null);
        }
        return ParsedFrame.control(f.stream);
      }
      throw ParseException.unknown("a frame without an event type 'e'", f.stream, channelOfStream(f.stream));
    }
    return switch (f.event) {
      case "trade" -> ParsedFrame.of(f.stream, "trade", f.symbol(), trade(f, receiveTime, false));
      case "aggTrade" -> ParsedFrame.of(f.stream, "aggTrade", f.symbol(), trade(f, receiveTime, true));
      case "bookTicker" -> ParsedFrame.of(f.stream, "bookTicker", f.symbol(), quote(f, receiveTime));
      case "depthUpdate" -> ParsedFrame.of(f.stream, "depth", f.symbol(), depth(f, receiveTime));
      case "kline" -> ParsedFrame.of(f.stream, "kline", f.symbol(), kline(f));
      default -> throw ParseException.unknown("unknown event type '" + f.event + "'", f.stream, channelOfStream(f.stream));
    };
  }

  /**
   * The channel of a stream for counters: {@code btcusdt@kline_1m} is {@code kline_1m}, every depth
   * speed is {@code depth}; {@code unknown} without a stream.
   */
  @Override
  public String channelOf(String stream) {
    return channelOfStream(stream);
  }

  static String channelOfStream(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int at = stream.indexOf('@');
    if (at < 0) {
      return "unknown";
    }
    String rest = stream.substring(at + 1);
    return rest.startsWith("depth") ? "depth" : rest;
  }

  /**
   * A {@code kline} event as a venue {@link Candle} ({@code closed} from {@code x}): open time
   * {@code t}, close time {@code T + 1} (Binance's T is the last millisecond), prices and volumes
   * exactly as sent, taker-sell volume = volume - taker-buy volume, VWAP = quote volume / volume.
   */
  private Candle kline(Fields f) throws ParseException {
    Kline k = f.kline;
    if (k == null) {
      throw fail("'kline' frame lacks its candle 'k'", f);
    }
    raiseDecimalError(f);
    BigDecimal volume = nonNegative(require(k.volume, "k.v", f), "k.v", f);
    BigDecimal quoteVolume = k.quoteVolume;
    BigDecimal takerBuy = nonNegative(require(k.takerBuyVolume, "k.V", f), "k.V", f);
    return Candle.newBuilder()
        .setVenue(venue)
        .setSymbol(require(k.symbol, "k.s", f))
        .setInterval(require(k.interval, "k.i", f))
        .setSource("venue")
        .setOpenTime(millis(require(k.openTime, "k.t", f)))
        .setCloseTime(millis(require(k.closeTime, "k.T", f) + 1))
        .setOpen(positive(require(k.open, "k.o", f), "k.o", f))
        .setHigh(positive(require(k.high, "k.h", f), "k.h", f))
        .setLow(positive(require(k.low, "k.l", f), "k.l", f))
        .setClose(positive(require(k.close, "k.c", f), "k.c", f))
        .setVolume(volume)
        .setQuoteVolume(quoteVolume)
        .setVwap(volume.signum() == 0 || quoteVolume == null ? null : Decimals.of(quoteVolume.divide(volume, Decimals.SCALE, RoundingMode.HALF_EVEN)))
        .setTradeCount(require(k.tradeCount, "k.n", f))
        .setTakerBuyVolume(takerBuy)
        .setTakerSellVolume(Decimals.of(volume.subtract(takerBuy)))
        .setClosed(require(k.closed, "k.x", f))
        .setEventTime(millis(require(f.eventTime, "E", f)))
        .build();
  }

  /**
   * Parses a REST {@code GET /fapi/v1/depth} response into a full-book {@link BookDelta} with
   * {@code snapshot=true} and {@code finalUpdateId = lastUpdateId}.
   */
  public BookDelta parseDepthSnapshot(String symbol, String body, Instant receiveTime)
      throws ParseException {
    Long lastUpdateId = null;
    Long eventTime = null;
    Long transactTime = null;
    List<Level> bids = null;
    List<Level> asks = null;
    String source = "rest:/fapi/v1/depth?symbol=" + symbol;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException("depth snapshot is not a JSON object", source, ParseException.STAGE_PARSE);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "lastUpdateId" -> lastUpdateId = p.getLongValue();
          case "E" -> eventTime = p.getLongValue();
          case "T" -> transactTime = p.getLongValue();
          case "bids" -> bids = levels(p, name, source);
          case "asks" -> asks = levels(p, name, source);
          default -> p.skipChildren();
        }
      }
    } catch (ParseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ParseException(
          "unreadable depth snapshot: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()),
          source,
          ParseException.STAGE_PARSE,
          e);
    }
    if (lastUpdateId == null || bids == null || asks == null) {
      throw new ParseException(
          "depth snapshot lacks lastUpdateId, bids or asks", source, ParseException.STAGE_PARSE);
    }
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setSnapshot(true)
        .setFirstUpdateId(null)
        .setFinalUpdateId(lastUpdateId)
        .setPrevFinalUpdateId(null)
        .setBids(bids)
        .setAsks(asks)
        // The book as of its last transaction (T): the diff that bridges it may have been sent (E)
        // a moment before the snapshot's answer was, never before that transaction.
        .setEventTime(transactTime != null ? Instant.ofEpochMilli(transactTime)
            : eventTime != null ? Instant.ofEpochMilli(eventTime) : receiveTime)
        .setTransactTime(transactTime == null ? null : Instant.ofEpochMilli(transactTime))
        .setReceiveTime(receiveTime)
        .build();
  }

  private Trade trade(Fields f, Instant receiveTime, boolean aggregate) throws ParseException {
    boolean market;
    Long tradeId;
    if (aggregate) {
      // aggTrade aggregates market trades only; it has no execution type.
      market = true;
      tradeId = require(f.aLong, "a", f);
    } else {
      String executionType = require(f.executionType, "X", f);
      // Only MARKET is a trade between two book participants; INSURANCE_FUND, ADL and NA are
      // venue-internal liquidation prints that CVD and candles must not count.
      market = "MARKET".equals(executionType);
      tradeId = require(f.tradeId, "t", f);
    }
    raiseDecimalError(f);
    BigDecimal price = positive(require(f.price, "p", f), "p", f);
    BigDecimal size = positive(require(f.quantity, "q", f), "q", f);
    boolean buyerIsMaker = require(f.buyerIsMaker, "m", f);
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(f.symbol())
        .setTradeId(Long.toString(tradeId))
        // m=true: the buyer was the resting (maker) order, so the taker sold.
        .setSide(buyerIsMaker ? Side.SELL : Side.BUY)
        .setPrice(price)
        .setSize(size)
        .setMarketTrade(market)
        .setChannel(aggregate ? "aggTrade" : "trade")
        .setFirstTradeId(aggregate ? f.firstTradeId : null)
        .setLastTradeId(aggregate ? f.lastTradeId : null)
        .setEventTime(millis(require(f.eventTime, "E", f)))
        .setTransactTime(f.transactTime == null ? null : millis(f.transactTime))
        .setReceiveTime(receiveTime)
        .build();
  }

  private Quote quote(Fields f, Instant receiveTime) throws ParseException {
    raiseDecimalError(f);
    return Quote.newBuilder()
        .setVenue(venue)
        .setSymbol(f.symbol())
        .setUpdateId(f.finalUpdateId)
        .setBidPrice(nonNegative(require(f.bidPrice, "b", f), "b", f))
        .setBidSize(nonNegative(require(f.bidSize, "B", f), "B", f))
        .setAskPrice(nonNegative(require(f.askPrice, "a", f), "a", f))
        .setAskSize(nonNegative(require(f.askSize, "A", f), "A", f))
        .setEventTime(millis(require(f.eventTime, "E", f)))
        .setTransactTime(f.transactTime == null ? null : millis(f.transactTime))
        .setReceiveTime(receiveTime)
        .build();
  }

  private BookDelta depth(Fields f, Instant receiveTime) throws ParseException {
    if (f.levelError != null) {
      throw new ParseException(
          f.levelError.getMessage(), f.stream, f.levelError.stage(), f.levelError.getCause());
    }
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(f.symbol())
        .setSnapshot(false)
        .setFirstUpdateId(require(f.firstUpdateId, "U", f))
        .setFinalUpdateId(require(f.finalUpdateId, "u", f))
        .setPrevFinalUpdateId(require(f.prevFinalUpdateId, "pu", f))
        .setBids(require(f.bLevels, "b", f))
        .setAsks(require(f.aLevels, "a", f))
        .setEventTime(millis(require(f.eventTime, "E", f)))
        .setTransactTime(f.transactTime == null ? null : millis(f.transactTime))
        .setReceiveTime(receiveTime)
        .build();
  }

  private static void readDataField(JsonParser p, String name, Fields f) throws IOException, ParseException {
    JsonToken t = p.currentToken();
    switch (name) {
      case "e" -> f.event = cachedText(p, name, f);
      case "E" -> f.eventTime = number(p, name, f);
      case "T" -> f.transactTime = number(p, name, f);
      case "s" -> f.symbol = cachedText(p, name, f);
      case "t" -> f.tradeId = number(p, name, f);
      case "p" -> f.price = decimalField(p, name, f);
      case "q" -> f.quantity = decimalField(p, name, f);
      case "X" -> f.executionType = cachedText(p, name, f);
      case "m" -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw fail("field 'm' is not a boolean", f);
        }
        f.buyerIsMaker = t == JsonToken.VALUE_TRUE;
      }
      case "f" -> f.firstTradeId = number(p, name, f);
      case "l" -> f.lastTradeId = number(p, name, f);
      case "U" -> f.firstUpdateId = number(p, name, f);
      case "u" -> f.finalUpdateId = number(p, name, f);
      case "pu" -> f.prevFinalUpdateId = number(p, name, f);
      case "k" -> {
        if (t != JsonToken.START_OBJECT) {
          throw fail("field 'k' is not an object", f);
        }
        f.kline = kline(p, f);
      }
      case "B" -> f.bidSize = decimalField(p, name, f);
      case "A" -> f.askSize = decimalField(p, name, f);
      // "a" and "b" mean different things per event: aggTrade id (number), bookTicker best
      // price (string), depth levels (array). The token type tells which.
      case "a" -> {
        if (t == JsonToken.START_ARRAY) {
          f.aLevels = levelsOrRemember(p, name, f);
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          f.aLong = p.getLongValue();
        } else {
          f.askPrice = decimalField(p, name, f);
        }
      }
      case "b" -> {
        if (t == JsonToken.START_ARRAY) {
          f.bLevels = levelsOrRemember(p, name, f);
        } else {
          f.bidPrice = decimalField(p, name, f);
        }
      }
      default -> p.skipChildren();
    }
  }

  /** The candle object of a kline event. */
  private static Kline kline(JsonParser p, Fields f) throws IOException, ParseException {
    Kline k = new Kline();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "t" -> k.openTime = number(p, "k.t", f);
        case "T" -> k.closeTime = number(p, "k.T", f);
        case "s" -> k.symbol = cachedText(p, "k.s", f);
        case "i" -> k.interval = cachedText(p, "k.i", f);
        case "o" -> k.open = decimalField(p, "k.o", f);
        case "c" -> k.close = decimalField(p, "k.c", f);
        case "h" -> k.high = decimalField(p, "k.h", f);
        case "l" -> k.low = decimalField(p, "k.l", f);
        case "v" -> k.volume = decimalField(p, "k.v", f);
        case "n" -> k.tradeCount = number(p, "k.n", f);
        case "q" -> k.quoteVolume = decimalField(p, "k.q", f);
        case "V" -> k.takerBuyVolume = decimalField(p, "k.V", f);
        case "x" -> {
          if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw fail("field 'k.x' is not a boolean", f);
          }
          k.closed = t == JsonToken.VALUE_TRUE;
        }
        default -> p.skipChildren();
      }
    }
    return k;
  }

  private static String readTree(JsonParser p) throws IOException {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    do {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT) {
        depth++;
      } else if (t == JsonToken.END_OBJECT) {
        depth--;
      } else if (t == JsonToken.FIELD_NAME) {
        sb.append(p.currentName()).append('=');
      } else {
        sb.append(p.getText()).append(' ');
      }
    } while (depth > 0 && p.nextToken() != null);
    return sb.toString().trim();
  }

  private static List<Level> levelsOrRemember(JsonParser p, String name, Fields f) throws IOException, ParseException {
    try {
      return levels(p, name, f.stream);
    } catch (ParseException e) {
      if (ParseException.STAGE_SCHEMA.equals(e.stage())) {
        // Keep reading so the stream name (which may come after "data") is known; raise later.
        f.levelError = e;
        return List.of();
      }
      throw e;
    }
  }

  private static List<Level> levels(JsonParser p, String name, String source) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new ParseException("field '" + name + "' is not an array", source, ParseException.STAGE_PARSE);
    }
    List<Level> levels = new ArrayList<>();
    ParseException invalid = null;
    while (p.nextToken() == JsonToken.START_ARRAY) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new ParseException("level price in '" + name + "' is not a string", source, ParseException.STAGE_PARSE);
      }
      // Decimals are read from the parser's buffer: no String per price or size.
      BigDecimal px = null;
      if (invalid == null) {
        try {
          px = Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } catch (ArithmeticException | IllegalArgumentException e) {
          invalid = badLevelDecimal(name, source, e);
        }
      }
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new ParseException("level size in '" + name + "' is not a string", source, ParseException.STAGE_PARSE);
      }
      BigDecimal sz = null;
      if (invalid == null) {
        try {
          sz = Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } catch (ArithmeticException | IllegalArgumentException e) {
          invalid = badLevelDecimal(name, source, e);
        }
      }
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw new ParseException("level in '" + name + "' has more than two elements", source, ParseException.STAGE_PARSE);
      }
      if (invalid != null) {
        continue; // keep reading to the end of the array, so the caller can read on
      }
      if (px.signum() <= 0 || sz.signum() < 0) {
        invalid = new ParseException(
            "level [" + Decimals.toPlain(px) + ", " + Decimals.toPlain(sz) + "] in '" + name + "' out of range",
            source, ParseException.STAGE_SCHEMA);
      } else {
        levels.add(new Level(px, sz));
      }
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new ParseException("level in '" + name + "' is not an array", source, ParseException.STAGE_PARSE);
    }
    if (invalid != null) {
      throw invalid;
    }
    return levels;
  }

  private static ParseException badLevelDecimal(String name, String source, RuntimeException e) {
    return new ParseException("bad decimal in '" + name + "': " + e.getMessage(), source, ParseException.STAGE_SCHEMA, e);
  }

  /**
   * A decimal string field read from the parser's buffer (no {@code String}); a bad one is kept
   * and raised once the frame is known to need it, with the stream name, as a schema violation.
   */
  private static BigDecimal decimalField(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fail("field '" + name + "' is not a string", f);
    }
    try {
      return Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (ArithmeticException | IllegalArgumentException e) {
      if (f.decimalError == null) {
        f.decimalError = new ParseException("bad decimal in '" + name + "': " + e.getMessage(), null, ParseException.STAGE_SCHEMA, e);
      }
      return null;
    }
  }

  private static void raiseDecimalError(Fields f) throws ParseException {
    if (f.decimalError != null) {
      throw new ParseException(f.decimalError.getMessage(), f.stream, f.decimalError.stage(), f.decimalError.getCause());
    }
  }

  /**
   * A string field that repeats from frame to frame (stream, symbol, event type), as a shared
   * instance when the same characters were seen before. The cache holds immutable strings and is
   * checked character by character, so a racing write only costs a miss.
   */
  private static String cachedText(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fail("field '" + name + "' is not a string", f);
    }
    return cached(null, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /** The characters {@code off..off+len} of {@code s} (or of {@code chars} when {@code s} is null), cached. */
  static String cached(String s, char[] chars, int off, int len) {
    int hash = 0;
    for (int i = off; i < off + len; i++) {
      hash = 31 * hash + (s != null ? s.charAt(i) : chars[i]);
    }
    int slot = (hash ^ (hash >>> 16)) & (TEXT_CACHE.length - 1);
    String cached = TEXT_CACHE[slot];
    if (cached != null && cached.length() == len
        && (s != null ? s.regionMatches(off, cached, 0, len) : matches(cached, chars, off))) {
      return cached;
    }
    String text = s != null ? s.substring(off, off + len) : new String(chars, off, len);
    if (len <= 64) {
      TEXT_CACHE[slot] = text;
    }
    return text;
  }

  private static boolean matches(String s, char[] chars, int off) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != chars[off + i]) {
        return false;
      }
    }
    return true;
  }

  private static final String[] TEXT_CACHE = new String[1024];

  private static String text(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fail("field '" + name + "' is not a string", f);
    }
    return p.getText();
  }

  private static Long number(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw fail("field '" + name + "' is not an integer", f);
    }
    return p.getLongValue();
  }

  private static BigDecimal positive(BigDecimal value, String name, Fields f) throws ParseException {
    if (value.signum() <= 0) {
      throw new ParseException(
          "field '" + name + "' must be > 0, was " + value.toPlainString(), f.stream, ParseException.STAGE_SCHEMA);
    }
    return value;
  }

  private static BigDecimal nonNegative(BigDecimal value, String name, Fields f) throws ParseException {
    if (value.signum() < 0) {
      throw new ParseException(
          "field '" + name + "' must be >= 0, was " + value.toPlainString(), f.stream, ParseException.STAGE_SCHEMA);
    }
    return value;
  }

  private static <T> T require(T value, String name, Fields f) throws ParseException {
    if (value == null) {
      throw fail("'" + f.event + "' frame lacks field '" + name + "'", f);
    }
    return value;
  }

  private static ParseException fail(String message, Fields f) {
    return new ParseException(message, f.stream, ParseException.STAGE_PARSE);
  }

  private static Instant millis(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The candle of a kline event. */
  static final class Kline {
    Long openTime;
    Long closeTime;
    String symbol;
    String interval;
    BigDecimal open;
    BigDecimal close;
    BigDecimal high;
    BigDecimal low;
    BigDecimal volume;
    Long tradeCount;
    BigDecimal quoteVolume;
    BigDecimal takerBuyVolume;
    Boolean closed;
  }

  /** The fields of one frame as read; which are needed depends on the event type. */
  static final class Fields {
    String stream;
    boolean wrapped;
    boolean control;
    String event;
    Long eventTime;
    Long transactTime;
    String symbol;
    Long tradeId;
    BigDecimal price;
    BigDecimal quantity;
    String executionType;
    Boolean buyerIsMaker;
    Long firstTradeId;
    Long lastTradeId;
    Long firstUpdateId;
    Long finalUpdateId;
    Long prevFinalUpdateId;
    Long aLong;
    BigDecimal bidPrice;
    BigDecimal bidSize;
    BigDecimal askPrice;
    BigDecimal askSize;
    ParseException decimalError;
    List<Level> aLevels;
    List<Level> bLevels;
    ParseException levelError;
    Kline kline;
    String error;

    String symbol() throws ParseException {
      return require(symbol, "s", this);
    }
  }
}
