package io.ticklake.producers.kraken;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kraken's legacy WebSocket v1 ({@code wss://ws.kraken.com}) frames into the normalized model, so
 * that live v1 collection and years of v1 recordings land as v2 data does. Data frames are arrays
 * {@code [channelID, payload..., channelName, pair]} with every decimal a string; events are
 * objects with an {@code "event"}.
 *
 * <ul>
 *   <li>{@code trade}: {@code [[price, volume, time, side, orderType, misc], ...]}; {@code side}
 *       ({@code b}/{@code s}) is the taker's. v1 numbers no trade: the id is made from the trade
 *       itself ({@code <time µs>-<index in frame>-<price>-<volume>}), the same on every replay.
 *   <li>{@code book-N}: a snapshot {@code {"as":[...],"bs":[...]}} (no checksum), then updates of
 *       one or two objects {@code {"a":[...]}}, {@code {"b":[...]}}, the last carrying the checksum
 *       {@code "c"} (unsigned CRC32 as a decimal string). A level is {@code [price, volume,
 *       timestamp]} plus {@code "r"} when republished; an update's time is its newest level's.
 *   <li>{@code ohlc-N}: {@code [time, etime, open, high, low, close, vwap, volume, count]}, the
 *       running candle, never marked closed (the collector closes it once a later one begins).
 *   <li>{@code spread} ({@code [bid, ask, time, bidVolume, askVolume]}) and {@code ticker} ({@code
 *       a}/{@code b}: {@code [price, wholeLotVolume, lotVolume]}, no time) are quotes.
 *   <li>{@code heartbeat}, {@code systemStatus}, {@code pong} and a successful {@code
 *       subscriptionStatus} are control frames; a failed one ({@code "status":"error"}) and any
 *       event or channel not listed are errors the runtime counts and dead-letters.
 * </ul>
 */
public final class KrakenV1Parser implements FrameParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build()).build();

  private final String venue;
  private final KrakenPairs pairs;
  private final boolean tickerQuotes;

  public KrakenV1Parser(String venue, KrakenPairs pairs) {
    this(venue, pairs, true);
  }

  /**
   * @param tickerQuotes whether ticker (and v1 spread) messages become quotes: not when the book
   *     is collected, whose every change of the best levels is a quote with the book's sequence
   */
  public KrakenV1Parser(String venue, KrakenPairs pairs, boolean tickerQuotes) {
    this.venue = venue;
    this.pairs = pairs;
    this.tickerQuotes = tickerQuotes;
  }

  @Override
  public ParsedFrame parse(String text, Instant receiveTime) throws ParseException {
    int start = firstNonSpace(text);
    if (start < text.length() && text.charAt(start) == '{') {
      return event(text);
    }
    if (start >= text.length() || text.charAt(start) != '[') {
      throw new ParseException("frame is neither a JSON array nor an object", null, ParseException.STAGE_PARSE);
    }
    // [channelID, payload..., "channelName", "pair"]: the name and pair are the last two strings.
    String[] tail = lastTwoStrings(text);
    if (tail == null) {
      throw new ParseException("a data frame that does not end with a channel name and a pair", null, ParseException.STAGE_PARSE);
    }
    String channelName = tail[0];
    String pair = tail[1];
    String channel = channelOfName(channelName);
    String stream = channel + ":" + pair;
    try (JsonParser p = JSON.createParser(text)) {
      p.nextToken(); // [
      JsonToken id = p.nextToken();
      if (id != JsonToken.VALUE_NUMBER_INT) {
        throw new ParseException("a data frame's first element is not a channel id", stream, ParseException.STAGE_PARSE, channel, null);
      }
      List<SpecificRecord> records = switch (channel) {
        case "trade" -> trades(p, pair, stream, receiveTime);
        case "book" -> List.of(book(p, pair, stream, receiveTime));
        case "ohlc" -> List.of(ohlc(p, pair, channelName, stream));
        case "spread" -> quotes(spread(p, pair, stream, receiveTime));
        case "ticker" -> quotes(ticker(p, pair, stream, receiveTime));
        default -> throw ParseException.unknown("unknown channel '" + channelName + "'", stream, channel);
      };
      return ParsedFrame.of(stream, channel, pair, records);
    } catch (ParseException e) {
      throw e.stream() == null ? new ParseException(e.getMessage(), stream, e.stage(), channel, e.getCause()) : e;
    } catch (IOException | RuntimeException e) {
      throw ParseException.unreadable(e, stream, channel);
    }
  }

  private List<SpecificRecord> quotes(SpecificRecord quote) {
    return tickerQuotes ? List.of(quote) : List.of();
  }

  /** {@code book-1000}: {@code book}; {@code ohlc-5}: {@code ohlc}. */
  static String channelOfName(String name) {
    int dash = name.indexOf('-');
    return dash < 0 ? name : name.substring(0, dash);
  }

  @Override
  public String channelOf(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int colon = stream.indexOf(':');
    return colon < 0 ? stream : stream.substring(0, colon);
  }

  // ---- events ----

  private ParsedFrame event(String text) throws ParseException {
    String event = null;
    String status = null;
    String error = null;
    String pair = null;
    try (JsonParser p = JSON.createParser(text)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        String value = t == JsonToken.VALUE_STRING ? p.getText() : null;
        switch (name) {
          case "event" -> event = value;
          case "status" -> status = value;
          case "errorMessage" -> error = value;
          case "pair" -> pair = value;
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw ParseException.unreadable(e, null, "control");
    }
    if (event == null) {
      throw ParseException.unknown("an object frame without 'event'", null, "unknown");
    }
    return switch (event) {
      case "heartbeat", "systemStatus", "pong" -> ParsedFrame.control(event);
      case "subscriptionStatus" -> {
        if ("error".equals(status)) {
          throw new ParseException("the venue refused a subscription" + (pair == null ? "" : " of " + pair) + ": " + error, null, "refused",
              "control", null);
        }
        yield ParsedFrame.control(event);
      }
      case "error" -> throw new ParseException("the venue answered an error: " + error, null, "refused", "control", null);
      default -> throw ParseException.unknown("unknown event '" + event + "'", null, "control");
    };
  }

  // ---- channels ----

  private List<SpecificRecord> trades(JsonParser p, String pair, String stream, Instant receiveTime) throws IOException, ParseException {
    expect(p.nextToken(), JsonToken.START_ARRAY, "trade payload");
    List<SpecificRecord> out = new ArrayList<>();
    int index = 0;
    while (p.nextToken() == JsonToken.START_ARRAY) {
      String price = next(p, "trade price");
      String volume = next(p, "trade volume");
      String time = next(p, "trade time");
      String side = next(p, "trade side");
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren(); // orderType, misc
      }
      Side taker = switch (side) {
        case "b" -> Side.BUY;
        case "s" -> Side.SELL;
        default -> throw new ParseException("trade side is neither b nor s: " + side, stream, ParseException.STAGE_SCHEMA, "trade", null);
      };
      BigDecimal px = decimal(price, "trade price", stream, "trade");
      BigDecimal qty = decimal(volume, "trade volume", stream, "trade");
      if (px.signum() <= 0 || qty.signum() <= 0) {
        throw new ParseException("trade price and volume must be > 0, were " + price + " and " + volume, stream, ParseException.STAGE_SCHEMA,
            "trade", null);
      }
      Instant at = seconds(time, stream, "trade");
      String id = micros(at) + "-" + index + "-" + price + "-" + volume;
      out.add(KrakenRecords.trade(venue, pair, id, taker, px, qty, true, at, receiveTime));
      index++;
    }
    return out;
  }

  private SpecificRecord book(JsonParser p, String pair, String stream, Instant receiveTime) throws IOException, ParseException {
    List<Level> bids = null;
    List<Level> asks = null;
    boolean snapshot = false;
    Long checksum = null;
    Instant newest;
    int[] decimals = new int[2];
    Instant[] time = new Instant[1];
    // One or two payload objects, then the channel name.
    while (p.nextToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "as" -> {
            snapshot = true;
            asks = levels(p, name, stream, decimals, time);
          }
          case "bs" -> {
            snapshot = true;
            bids = levels(p, name, stream, decimals, time);
          }
          case "a" -> asks = levels(p, name, stream, decimals, time);
          case "b" -> bids = levels(p, name, stream, decimals, time);
          case "c" -> {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
              throw new ParseException("checksum 'c' is not a string", stream, ParseException.STAGE_PARSE, "book", null);
            }
            try {
              checksum = Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
              throw new ParseException("checksum 'c' is not a number: " + p.getText(), stream, ParseException.STAGE_PARSE, "book", null);
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    if (bids == null && asks == null) {
      throw new ParseException("a book frame with neither bids nor asks", stream, ParseException.STAGE_PARSE, "book", null);
    }
    pairs.observe(pair, decimals[0], decimals[1]);
    newest = time[0];
    // A snapshot's levels carry the times they last changed, not when the book was sent.
    Instant eventTime = snapshot || newest == null ? receiveTime : newest;
    return KrakenRecords.book(venue, pair, snapshot, bids == null ? List.of() : bids, asks == null ? List.of() : asks, checksum, eventTime,
        receiveTime);
  }

  /** {@code [[price, volume, timestamp(, "r")], ...]}; decimals[0..1] and time[0] take the largest seen. */
  private static List<Level> levels(JsonParser p, String name, String stream, int[] decimals, Instant[] time)
      throws IOException, ParseException {
    expect(p.currentToken(), JsonToken.START_ARRAY, "'" + name + "'");
    List<Level> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      expect(p.nextToken(), JsonToken.VALUE_STRING, "a level's price in '" + name + "'");
      decimals[0] = Math.max(decimals[0], KrakenPairs.decimals(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
      BigDecimal price = level(p, "price", stream);
      expect(p.nextToken(), JsonToken.VALUE_STRING, "a level's volume in '" + name + "'");
      decimals[1] = Math.max(decimals[1], KrakenPairs.decimals(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
      BigDecimal volume = level(p, "volume", stream);
      if (p.nextToken() == JsonToken.VALUE_STRING) {
        Instant t = seconds(p.getText(), stream, "book");
        if (time[0] == null || t.isAfter(time[0])) {
          time[0] = t;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          p.skipChildren(); // "r": a republished level, applied like any other
        }
      } else if (p.currentToken() != JsonToken.END_ARRAY) {
        throw new ParseException("a level's timestamp is not a string", stream, ParseException.STAGE_PARSE, "book", null);
      }
      if (price.signum() <= 0 || volume.signum() < 0) {
        throw new ParseException("level " + price.toPlainString() + " x " + volume.toPlainString() + " out of range", stream,
            ParseException.STAGE_SCHEMA, "book", null);
      }
      out.add(new Level(price, volume));
    }
    return out;
  }

  private static BigDecimal level(JsonParser p, String what, String stream) throws IOException, ParseException {
    try {
      return Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new ParseException("bad decimal level " + what + ": " + e.getMessage(), stream, ParseException.STAGE_SCHEMA, "book", null);
    }
  }

  private SpecificRecord ohlc(JsonParser p, String pair, String channelName, String stream) throws IOException, ParseException {
    int minutes;
    try {
      minutes = Integer.parseInt(channelName.substring(channelName.indexOf('-') + 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new ParseException("an ohlc channel without an interval: " + channelName, stream, ParseException.STAGE_PARSE, "ohlc", null);
    }
    String label = KrakenRecords.INTERVALS.get(minutes);
    if (label == null) {
      throw new ParseException("unknown ohlc interval " + minutes, stream, ParseException.STAGE_SCHEMA, "ohlc", null);
    }
    expect(p.nextToken(), JsonToken.START_ARRAY, "ohlc payload");
    Instant updated = seconds(next(p, "ohlc time"), stream, "ohlc");
    Instant end = seconds(next(p, "ohlc etime"), stream, "ohlc");
    BigDecimal open = decimal(next(p, "ohlc open"), "open", stream, "ohlc");
    BigDecimal high = decimal(next(p, "ohlc high"), "high", stream, "ohlc");
    BigDecimal low = decimal(next(p, "ohlc low"), "low", stream, "ohlc");
    BigDecimal close = decimal(next(p, "ohlc close"), "close", stream, "ohlc");
    BigDecimal vwap = decimal(next(p, "ohlc vwap"), "vwap", stream, "ohlc");
    BigDecimal volume = decimal(next(p, "ohlc volume"), "volume", stream, "ohlc");
    JsonToken count = p.nextToken();
    Long trades = count == JsonToken.VALUE_NUMBER_INT ? Long.valueOf(p.getLongValue()) : null;
    // etime is the period's end: the period is the one on the interval's grid that ends there.
    long step = 60L * minutes;
    long endSecond = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    Instant begin = Instant.ofEpochSecond(Math.floorDiv(endSecond - 1, step) * step);
    return KrakenRecords.candle(venue, pair, label, begin, minutes, open, high, low, close, volume, vwap, trades, false, updated);
  }

  private SpecificRecord spread(JsonParser p, String pair, String stream, Instant receiveTime) throws IOException, ParseException {
    expect(p.nextToken(), JsonToken.START_ARRAY, "spread payload");
    BigDecimal bid = decimal(next(p, "spread bid"), "bid", stream, "spread");
    BigDecimal ask = decimal(next(p, "spread ask"), "ask", stream, "spread");
    Instant time = seconds(next(p, "spread time"), stream, "spread");
    BigDecimal bidVolume = decimal(next(p, "spread bidVolume"), "bidVolume", stream, "spread");
    BigDecimal askVolume = decimal(next(p, "spread askVolume"), "askVolume", stream, "spread");
    return KrakenRecords.quote(venue, pair, bid, bidVolume, ask, askVolume, time, receiveTime);
  }

  private SpecificRecord ticker(JsonParser p, String pair, String stream, Instant receiveTime) throws IOException, ParseException {
    expect(p.nextToken(), JsonToken.START_OBJECT, "ticker payload");
    BigDecimal[] a = null;
    BigDecimal[] b = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "a" -> a = priceAndLot(p, stream);
        case "b" -> b = priceAndLot(p, stream);
        default -> p.skipChildren();
      }
    }
    if (a == null || b == null) {
      throw new ParseException("a ticker without 'a' or 'b'", stream, ParseException.STAGE_PARSE, "ticker", null);
    }
    // v1's ticker says no time: when we received it is the best we know.
    return KrakenRecords.quote(venue, pair, b[0], b[1], a[0], a[1], receiveTime, receiveTime);
  }

  /** {@code [price, wholeLotVolume, lotVolume]}: price and lot volume. */
  private static BigDecimal[] priceAndLot(JsonParser p, String stream) throws IOException, ParseException {
    expect(p.currentToken(), JsonToken.START_ARRAY, "a ticker side");
    BigDecimal price = decimal(next(p, "ticker price"), "price", stream, "ticker");
    p.nextToken();
    p.skipChildren(); // whole lot volume (an integer)
    BigDecimal lot = decimal(next(p, "ticker lot volume"), "lot volume", stream, "ticker");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
    }
    return new BigDecimal[] {price, lot};
  }

  // ---- helpers ----

  private static String next(JsonParser p, String what) throws IOException, ParseException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_STRING) {
      throw new ParseException(what + " is not a string", null, ParseException.STAGE_PARSE);
    }
    return p.getText();
  }

  private static void expect(JsonToken actual, JsonToken wanted, String what) throws ParseException {
    if (actual != wanted) {
      throw new ParseException(what + ": expected " + wanted + ", found " + actual, null, ParseException.STAGE_PARSE);
    }
  }

  private static BigDecimal decimal(String text, String what, String stream, String channel) throws ParseException {
    try {
      return Decimals.of(text);
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new ParseException("bad decimal " + what + " '" + text + "': " + e.getMessage(), stream, ParseException.STAGE_SCHEMA, channel, null);
    }
  }

  private static Instant seconds(String text, String stream, String channel) throws ParseException {
    try {
      return KrakenRecords.epochSeconds(text);
    } catch (NumberFormatException e) {
      throw new ParseException("not epoch seconds: " + text, stream, ParseException.STAGE_PARSE, channel, null);
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private static int firstNonSpace(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The last two string elements of a top-level array ({@code ..., "book-10", "XBT/USD"]}), or null. */
  static String[] lastTwoStrings(String text) {
    int end = text.length() - 1;
    while (end >= 0 && Character.isWhitespace(text.charAt(end))) {
      end--;
    }
    if (end < 0 || text.charAt(end) != ']') {
      return null;
    }
    String[] out = new String[2];
    int pos = end - 1;
    for (int k = 1; k >= 0; k--) {
      while (pos >= 0 && Character.isWhitespace(text.charAt(pos))) {
        pos--;
      }
      if (pos < 0 || text.charAt(pos) != '"') {
        return null;
      }
      int close = pos;
      int open = text.lastIndexOf('"', close - 1);
      if (open < 0) {
        return null;
      }
      out[k] = text.substring(open + 1, close);
      pos = open - 1;
      while (pos >= 0 && Character.isWhitespace(text.charAt(pos))) {
        pos--;
      }
      if (pos < 0 || text.charAt(pos) != ',') {
        return null;
      }
      pos--;
    }
    return out;
  }

}
