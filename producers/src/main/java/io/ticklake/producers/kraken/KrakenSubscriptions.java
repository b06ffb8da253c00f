package io.ticklake.producers.kraken;

import io.ticklake.producers.core.Connections;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Subscriptions of Kraken's public WebSocket, in either protocol: one URL, and once the connection
 * is open one subscribe message per channel (and per candle interval) naming all its symbols.
 *
 * <ul>
 *   <li>v2: {@code {"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10}}};
 *       {@code trade} with {@code snapshot} (the last trades, which also close a short outage's
 *       hole), {@code ticker} triggered by every best-bid/offer change, {@code ohlc} per interval in
 *       minutes, {@code instrument} (the pairs' decimals, for the checksum) once per connection.
 *   <li>v1: {@code {"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"book","depth":10}}};
 *       {@code spread} is v1's best bid/offer with a time.
 * </ul>
 *
 * A book is asked for afresh by unsubscribing and subscribing that symbol's book only: the venue
 * then sends a new snapshot, and the connection and the other symbols go on.
 */
public final class KrakenSubscriptions implements Connections {
  /** Quotes come from the verified book: {@code ticker} (quotes when no book is collected) is not a default. */
  public static final List<String> DEFAULT_CHANNELS = List.of("trade", "book", "ohlc", "instrument");
  static final Set<String> V2_CHANNELS = Set.of("trade", "book", "ticker", "ohlc", "instrument");
  static final Set<String> V1_CHANNELS = Set.of("trade", "book", "ticker", "ohlc", "spread");
  public static final Set<Integer> DEPTHS = Set.of(10, 25, 100, 500, 1000);
  static final int MAX_SYMBOLS_PER_CONNECTION = 50;

  private final KrakenProtocol protocol;
  private final URI uri;
  private final List<String> channels;
  private final int depth;
  private final List<Integer> ohlcMinutes;

  /**
   * @param ohlcMinutes candle intervals in minutes (1, 5, 60, ...)
   * @throws IllegalArgumentException for a channel the protocol does not have, or a depth Kraken does not serve
   */
  public KrakenSubscriptions(KrakenProtocol protocol, String wsUrl, List<String> channels, int depth, List<Integer> ohlcMinutes) {
    Set<String> known = protocol == KrakenProtocol.V2 ? V2_CHANNELS : V1_CHANNELS;
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels must name at least one of " + known);
    }
    List<String> kept = new ArrayList<>();
    for (String c : channels) {
      if (protocol == KrakenProtocol.V1 && c.equals("instrument")) {
        continue; // v1 has no instrument channel: its levels carry their decimals
      }
      if (!known.contains(c)) {
        throw new IllegalArgumentException("'" + c + "' is not a Kraken " + protocol.name().toLowerCase() + " channel: " + known);
      }
      kept.add(c);
    }
    if (!DEPTHS.contains(depth)) {
      throw new IllegalArgumentException("Kraken books come in depths " + DEPTHS + ", not " + depth);
    }
    for (int m : ohlcMinutes) {
      if (!KrakenRecords.INTERVALS.containsKey(m)) {
        throw new IllegalArgumentException("Kraken has no " + m + "-minute candles: " + KrakenRecords.INTERVALS.keySet());
      }
    }
    this.protocol = protocol;
    this.uri = URI.create(wsUrl);
    this.channels = List.copyOf(kept);
    this.depth = depth;
    this.ohlcMinutes = List.copyOf(ohlcMinutes);
  }

  @Override
  public List<String> channels() {
    return channels;
  }

  @Override
  public int maxSymbolsPerConnection() {
    return MAX_SYMBOLS_PER_CONNECTION;
  }

  @Override
  public URI uri(List<String> symbols) {
    return uri;
  }

  @Override
  public List<String> openFrames(List<String> symbols) {
    List<String> out = new ArrayList<>();
    if (protocol == KrakenProtocol.V2 && channels.contains("instrument")) {
      // First, so the pairs' decimals are known before the first book arrives.
      out.add("{\"method\":\"subscribe\",\"params\":{\"channel\":\"instrument\",\"snapshot\":true}}");
    }
    out.addAll(frames("subscribe", symbols, channels));
    return out;
  }

  @Override
  public List<String> subscribe(List<String> symbols) {
    return frames("subscribe", symbols, channels);
  }

  @Override
  public List<String> unsubscribe(List<String> symbols) {
    return frames("unsubscribe", symbols, channels);
  }

  @Override
  public List<String> resubscribeBook(String symbol) {
    if (!channels.contains("book")) {
      return List.of();
    }
    List<String> out = new ArrayList<>(frames("unsubscribe", List.of(symbol), List.of("book")));
    out.addAll(frames("subscribe", List.of(symbol), List.of("book")));
    return out;
  }

  @Override
  public Duration keepaliveInterval() {
    return Duration.ofSeconds(30);
  }

  @Override
  public String keepaliveFrame() {
    return protocol == KrakenProtocol.V2 ? "{\"method\":\"ping\"}" : "{\"event\":\"ping\"}";
  }

  @Override
  public String bookChannel() {
    return channels.contains("book") ? "book" : null;
  }

  public int depth() {
    return depth;
  }

  public KrakenProtocol protocol() {
    return protocol;
  }

  private List<String> frames(String op, List<String> symbols, List<String> of) {
    List<String> out = new ArrayList<>();
    if (symbols.isEmpty()) {
      return out;
    }
    for (String channel : of) {
      if (channel.equals("instrument")) {
        continue; // about every pair: subscribed once per connection
      }
      if (channel.equals("ohlc")) {
        for (int m : ohlcMinutes) {
          out.add(frame(op, channel, symbols, ",\"interval\":" + m));
        }
      } else if (channel.equals("book")) {
        out.add(frame(op, channel, symbols, ",\"depth\":" + depth));
      } else if (channel.equals("trade") && protocol == KrakenProtocol.V2 && op.equals("subscribe")) {
        out.add(frame(op, channel, symbols, ",\"snapshot\":true"));
      } else if (channel.equals("ticker") && protocol == KrakenProtocol.V2 && op.equals("subscribe")) {
        out.add(frame(op, channel, symbols, ",\"event_trigger\":\"bbo\""));
      } else {
        out.add(frame(op, channel, symbols, ""));
      }
    }
    return out;
  }

  private String frame(String op, String channel, List<String> symbols, String extra) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < symbols.size(); i++) {
      list.append(i == 0 ? "" : ",").append('"').append(symbols.get(i).replace("\"", "")).append('"');
    }
    list.append(']');
    if (protocol == KrakenProtocol.V2) {
      return "{\"method\":\"" + op + "\",\"params\":{\"channel\":\"" + channel + "\",\"symbol\":" + list + extra + "}}";
    }
    return "{\"event\":\"" + op + "\",\"pair\":" + list + ",\"subscription\":{\"name\":\"" + channel + "\"" + extra + "}}";
  }
}
