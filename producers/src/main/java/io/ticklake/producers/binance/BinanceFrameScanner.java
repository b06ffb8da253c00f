package io.ticklake.producers.binance;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of {@link BinanceMessageParser}: one pass over a frame of the plain shape Binance
 * sends ({@code {"stream":"...","data":{...}}} or the bare payload, with the known fields of
 * {@code trade}, {@code aggTrade}, {@code bookTicker} and {@code depthUpdate}, strings without
 * escapes, integers that fit a long, decimals of the venue's plain form). It never judges a frame:
 * anything else, including every malformed frame, gives {@code null} and the general parser decides.
 * It allocates only what the record keeps.
 */
final class BinanceFrameScanner {
  private final String s;
  private final int end;
  private int pos;

  private BinanceFrameScanner(String s) {
    this.s = s;
    this.end = s.length();
  }

  /** The fields of a plain frame, or {@code null} to leave the frame to the general parser. */
  static BinanceMessageParser.Fields scan(String text) {
    try {
      return new BinanceFrameScanner(text).frame();
    } catch (RuntimeException e) {
      return null; // a number or decimal the fast path does not take: the general path will say
    }
  }

  private BinanceMessageParser.Fields frame() {
    BinanceMessageParser.Fields f = new BinanceMessageParser.Fields();
    if (!object(f, true)) {
      return null;
    }
    skipWs();
    return pos == end ? f : null;
  }

  /** Reads an object's fields into {@code f}; false if anything is not of the plain shape. */
  private boolean object(BinanceMessageParser.Fields f, boolean top) {
    skipWs();
    if (!take('{')) {
      return false;
    }
    skipWs();
    if (take('}')) {
      return true;
    }
    do {
      skipWs();
      int keyStart = pos;
      if (!skipString()) {
        return false;
      }
      int keyOff = keyStart + 1;
      int keyLen = pos - 1 - keyOff;
      skipWs();
      if (!take(':')) {
        return false;
      }
      skipWs();
      if (top && is("stream", keyOff, keyLen)) {
        f.stream = string();
        if (f.stream == null) {
          return false;
        }
      } else if (top && is("data", keyOff, keyLen)) {
        f.wrapped = true;
        if (!object(f, false)) {
          return false;
        }
      } else if (!field(f, keyOff, keyLen)) {
        return false;
      }
      skipWs();
    } while (take(','));
    return take('}');
  }

  private boolean field(BinanceMessageParser.Fields f, int keyOff, int keyLen) {
    if (keyLen == 1) {
      switch (s.charAt(keyOff)) {
        case 'e' -> f.event = string();
        case 'E' -> f.eventTime = number();
        case 'T' -> f.transactTime = number();
        case 's' -> f.symbol = string();
        case 't' -> f.tradeId = number();
        case 'p' -> f.price = decimal();
        case 'q' -> f.quantity = decimal();
        case 'X' -> f.executionType = string();
        case 'm' -> f.buyerIsMaker = bool();
        case 'f' -> f.firstTradeId = number();
        case 'l' -> f.lastTradeId = number();
        case 'U' -> f.firstUpdateId = number();
        case 'u' -> f.finalUpdateId = number();
        case 'B' -> f.bidSize = decimal();
        case 'A' -> f.askSize = decimal();
        case 'a' -> {
          char c = peek();
          if (c == '[') {
            return (f.aLevels = levels()) != null;
          } else if (c == '"') {
            f.askPrice = decimal();
          } else {
            f.aLong = number();
          }
        }
        case 'b' -> {
          if (peek() == '[') {
            return (f.bLevels = levels()) != null;
          }
          f.bidPrice = decimal();
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    if (is("pu", keyOff, keyLen)) {
      f.prevFinalUpdateId = number();
      return true;
    }
    return false; // "result", "id" (control frames) and anything unknown: the general path
  }

  /** {@code [["price","size"],...]}; null if any level is not two plain decimals in range. */
  private List<Level> levels() {
    take('[');
    List<Level> out = new ArrayList<>();
    skipWs();
    if (take(']')) {
      return out;
    }
    do {
      skipWs();
      if (!take('[')) {
        return null;
      }
      skipWs();
      BigDecimal price = decimal();
      skipWs();
      if (!take(',')) {
        return null;
      }
      skipWs();
      BigDecimal size = decimal();
      skipWs();
      if (!take(']') || price.signum() <= 0 || size.signum() < 0) {
        return null;
      }
      out.add(new Level(price, size));
      skipWs();
    } while (take(','));
    return take(']') ? out : null;
  }

  /** A string value without escapes, as a cached instance; throws if it is not one. */
  private String string() {
    int start = pos;
    if (!skipString()) {
      throw new IllegalStateException("not a plain string");
    }
    return BinanceMessageParser.cached(s, null, start + 1, pos - start - 2);
  }

  private BigDecimal decimal() {
    int start = pos;
    if (!skipString()) {
      throw new IllegalStateException("not a plain string");
    }
    return Decimals.of(s, start + 1, pos - start - 2);
  }

  /** A non-negative integer of at most 18 digits. */
  private Long number() {
    long v = 0;
    int start = pos;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      pos++;
    }
    int digits = pos - start;
    if (digits == 0 || digits > 18 || (digits > 1 && s.charAt(start) == '0')) {
      throw new IllegalStateException("not a plain integer");
    }
    return v;
  }

  private Boolean bool() {
    if (s.startsWith("true", pos)) {
      pos += 4;
      return Boolean.TRUE;
    }
    if (s.startsWith("false", pos)) {
      pos += 5;
      return Boolean.FALSE;
    }
    throw new IllegalStateException("not a boolean");
  }

  /** Moves past {@code "..."}; false (position undefined) for an escape, a control char or no end. */
  private boolean skipString() {
    if (!take('"')) {
      return false;
    }
    while (pos < end) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return true;
      }
      if (c == '\\' || c < 0x20) {
        return false;
      }
    }
    return false;
  }

  private boolean is(String name, int off, int len) {
    return len == name.length() && s.regionMatches(off, name, 0, len);
  }

  private char peek() {
    return pos < end ? s.charAt(pos) : 0;
  }

  private boolean take(char c) {
    if (pos < end && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipWs() {
    while (pos < end) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }
}
