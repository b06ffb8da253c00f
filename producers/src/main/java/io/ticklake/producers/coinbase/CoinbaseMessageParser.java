package io.ticklake.producers.coinbase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.IsoInstants;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Coinbase Exchange market-data frames into the normalized model. Pure: no I/O, no Netty;
 * safe from any thread.
 *
 * <ul>
 *   <li>{@code match} and {@code last_match} (the latest trade, sent on subscribe: a real trade) are
 *       {@link Trade}s. Coinbase's {@code side} is the <em>maker's</em> order side, so the aggressor
 *       is the other side: {@code "sell"} means the taker bought.
 *   <li>{@code snapshot} (the whole level-2 book, sent on subscribe) and {@code l2update} ({@code
 *       changes: [[side, price, new size]]}, a size of 0 removes the level) are {@link BookDelta}s;
 *       they carry no sequence, so the collector numbers them (the normalized chain) and rebuilds a
 *       book from a fresh snapshot after any disconnect.
 *   <li>{@code heartbeat} names the product's last trade id, {@code ticker} the trade it reports:
 *       marks that let the collector notice matches it never got.
 *   <li>{@code subscriptions} is a control frame; {@code error} (the venue refused a subscription)
 *       and any other type are errors the runtime counts and dead-letters.
 * </ul>
 *
 * Prices and sizes go from the parser's buffer to scale 18, never through a {@code double}.
 */
public final class CoinbaseMessageParser implements FrameParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build()).build();

  private final String venue;

  public CoinbaseMessageParser(String venue) {
    this.venue = venue;
  }

  /** The fields of one frame as read; which are needed depends on its type. */
  private static final class Fields {
    String type;
    String product;
    Long tradeId;
    Long lastTradeId;
    String side;
    BigDecimal size;
    BigDecimal price;
    String time;
    List<Level> bids;
    List<Level> asks;
    List<Level> changedBids;
    List<Level> changedAsks;
    String message;
    String reason;
    ParseException error;
  }

  @Override
  public ParsedFrame parse(String text, Instant receiveTime) throws ParseException {
    Fields f = new Fields();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException("frame is not a JSON object", null, ParseException.STAGE_PARSE);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "type" -> f.type = text(p, name);
          case "product_id" -> f.product = text(p, name);
          case "trade_id" -> f.tradeId = number(p, name);
          case "last_trade_id" -> f.lastTradeId = number(p, name);
          case "side" -> f.side = text(p, name);
          case "size" -> f.size = decimal(p, name, f);
          case "price" -> f.price = decimal(p, name, f);
          case "time" -> f.time = text(p, name);
          case "bids" -> f.bids = levels(p, name, f);
          case "asks" -> f.asks = levels(p, name, f);
          case "changes" -> changes(p, f);
          case "message" -> f.message = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "reason" -> f.reason = t == JsonToken.VALUE_STRING ? p.getText() : null;
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ParseException("trailing content after the JSON object", stream(f), ParseException.STAGE_PARSE);
      }
    } catch (ParseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw ParseException.unreadable(e, stream(f), channelOfType(f.type));
    }
    if (f.type == null) {
      throw ParseException.unknown("a frame without a 'type'", null, "unknown");
    }
    if (f.error != null) {
      throw new ParseException(f.error.getMessage(), stream(f), f.error.stage(), channelOfType(f.type), f.error.getCause());
    }
    return switch (f.type) {
      case "match", "last_match" -> ParsedFrame.of(stream(f), "matches", f.product, trade(f, receiveTime));
      case "snapshot" -> ParsedFrame.of(stream(f), "level2", f.product, snapshot(f, receiveTime));
      case "l2update" -> ParsedFrame.of(stream(f), "level2", f.product, update(f, receiveTime));
      case "heartbeat" -> ParsedFrame.marks(stream(f), "heartbeat", require(f.product, "product_id", f),
          List.of(new ParsedFrame.LastTradeId(f.product, "matches", require(f.lastTradeId, "last_trade_id", f), false)));
      case "ticker" -> f.tradeId == null
          ? ParsedFrame.of(stream(f), "ticker", require(f.product, "product_id", f), List.of())
          : ParsedFrame.marks(stream(f), "ticker", require(f.product, "product_id", f),
              List.of(new ParsedFrame.LastTradeId(f.product, "matches", f.tradeId, true)));
      case "subscriptions" -> ParsedFrame.control(null);
      case "error" -> throw new ParseException("the venue refused a request: " + f.message + (f.reason == null ? "" : " (" + f.reason + ")"),
          null, "refused", "control", null);
      default -> throw ParseException.unknown("unknown message type '" + f.type + "'", stream(f), channelOfType(f.type));
    };
  }

  /** {@code matches:BTC-USD}: the channel is the part before the colon. */
  @Override
  public String channelOf(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int colon = stream.indexOf(':');
    return colon < 0 ? stream : stream.substring(0, colon);
  }

  /** The subscription channel of a message type, for counters. */
  static String channelOfType(String type) {
    if (type == null) {
      return "unknown";
    }
    return switch (type) {
      case "match", "last_match" -> "matches";
      case "snapshot", "l2update" -> "level2";
      case "subscriptions", "error" -> "control";
      default -> type;
    };
  }

  /** {@code matches:BTC-USD}: the channel and product a frame belongs to (the raw topic's stream header). */
  private static String stream(Fields f) {
    return f.type == null ? null : f.product == null ? channelOfType(f.type) : channelOfType(f.type) + ":" + f.product;
  }

  private Trade trade(Fields f, Instant receiveTime) throws ParseException {
    String makerSide = require(f.side, "side", f);
    Side aggressor = switch (makerSide) {
      // The maker sold: the taker bought (an up-tick), and the other way round.
      case "sell" -> Side.BUY;
      case "buy" -> Side.SELL;
      default -> throw new ParseException("'side' is neither buy nor sell: " + makerSide, stream(f), ParseException.STAGE_SCHEMA, "matches", null);
    };
    BigDecimal price = require(f.price, "price", f);
    BigDecimal size = require(f.size, "size", f);
    if (price.signum() <= 0 || size.signum() <= 0) {
      throw new ParseException("price and size must be > 0, were " + price.toPlainString() + " and " + size.toPlainString(), stream(f),
          ParseException.STAGE_SCHEMA, "matches", null);
    }
    Instant time = time(require(f.time, "time", f), f);
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(require(f.product, "product_id", f))
        .setTradeId(Long.toString(require(f.tradeId, "trade_id", f)))
        .setSide(aggressor)
        .setPrice(price)
        .setSize(size)
        .setMarketTrade(true)
        .setChannel("matches")
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(receiveTime)
        .build();
  }

  private BookDelta snapshot(Fields f, Instant receiveTime) throws ParseException {
    return book(f, true, require(f.bids, "bids", f), require(f.asks, "asks", f),
        // Snapshots of the old feed carry no time: the moment we received it is the best we know.
        f.time == null ? receiveTime : time(f.time, f), receiveTime);
  }

  private BookDelta update(Fields f, Instant receiveTime) throws ParseException {
    if (f.changedBids == null) {
      throw fail("'l2update' frame lacks field 'changes'", f);
    }
    return book(f, false, f.changedBids, f.changedAsks, time(require(f.time, "time", f), f), receiveTime);
  }

  private BookDelta book(Fields f, boolean snapshot, List<Level> bids, List<Level> asks, Instant eventTime, Instant receiveTime)
      throws ParseException {
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(require(f.product, "product_id", f))
        .setSnapshot(snapshot)
        .setFirstUpdateId(null)
        // Coinbase numbers no book update: the collector's sequence goes here when it is chained.
        .setFinalUpdateId(0)
        .setPrevFinalUpdateId(null)
        .setBids(bids)
        .setAsks(asks)
        .setEventTime(eventTime)
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        .build();
  }

  /** {@code [[price, size], ...]} (a third element, the order count of REST books, is skipped). */
  private static List<Level> levels(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw fail("field '" + name + "' is not an array", f);
    }
    List<Level> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      BigDecimal price = decimal(p, name + " price", f);
      p.nextToken();
      BigDecimal size = decimal(p, name + " size", f);
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren();
      }
      if (price != null && size != null) {
        if (price.signum() <= 0 || size.signum() < 0) {
          schemaError(f, "level [" + price.toPlainString() + ", " + size.toPlainString() + "] in '" + name + "' out of range");
        } else {
          out.add(new Level(price, size));
        }
      }
    }
    return out;
  }

  /** {@code [["buy"|"sell", price, new size], ...]} into changed bids and asks. */
  private static void changes(JsonParser p, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw fail("field 'changes' is not an array", f);
    }
    f.changedBids = new ArrayList<>();
    f.changedAsks = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      String side = text(p, "changes side");
      p.nextToken();
      BigDecimal price = decimal(p, "changes price", f);
      p.nextToken();
      BigDecimal size = decimal(p, "changes size", f);
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw fail("a change has more than three elements", f);
      }
      List<Level> to = switch (side) {
        case "buy" -> f.changedBids;
        case "sell" -> f.changedAsks;
        default -> throw fail("a change's side is neither buy nor sell: " + side, f);
      };
      if (price != null && size != null) {
        if (price.signum() <= 0 || size.signum() < 0) {
          schemaError(f, "change [" + side + ", " + price.toPlainString() + ", " + size.toPlainString() + "] out of range");
        } else {
          to.add(new Level(price, size));
        }
      }
    }
  }

  private static BigDecimal decimal(JsonParser p, String name, Fields f) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fail("field '" + name + "' is not a decimal string", f);
    }
    try {
      return Decimals.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (ArithmeticException | IllegalArgumentException e) {
      schemaError(f, "bad decimal in '" + name + "': " + e.getMessage());
      return null;
    }
  }

  private static void schemaError(Fields f, String message) {
    if (f.error == null) {
      f.error = new ParseException(message, null, ParseException.STAGE_SCHEMA);
    }
  }

  private static String text(JsonParser p, String name) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new ParseException("field '" + name + "' is not a string", null, ParseException.STAGE_PARSE);
    }
    return p.getText();
  }

  private static Long number(JsonParser p, String name) throws IOException, ParseException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw new ParseException("field '" + name + "' is not an integer", null, ParseException.STAGE_PARSE);
    }
    return p.getLongValue();
  }

  private static Instant time(String iso, Fields f) throws ParseException {
    try {
      return IsoInstants.parse(iso);
    } catch (DateTimeParseException e) {
      throw fail("'time' is not an ISO-8601 instant: " + iso, f);
    }
  }

  private static <T> T require(T value, String name, Fields f) throws ParseException {
    if (value == null) {
      throw fail("'" + f.type + "' frame lacks field '" + name + "'", f);
    }
    return value;
  }

  private static ParseException fail(String message, Fields f) {
    return new ParseException(message, stream(f), ParseException.STAGE_PARSE, channelOfType(f.type), null);
  }

}
