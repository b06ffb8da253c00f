package io.ticklake.producers.okx;

import io.ticklake.producers.core.Connections;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OKX v5 subscriptions over its two public endpoints: {@code /ws/v5/public} for trades, books and
 * tickers, {@code /ws/v5/business} for candles (the only place OKX serves them since 2023). Each is
 * a {@link #parts() part} with connections of its own; a message {@code
 * {"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}, ...]}} subscribes (at most 100
 * arguments a message, well inside OKX's 64 KB); OKX drops a connection silent for 30 s, so the
 * text {@code ping} goes every 25 s. A book is asked for afresh by unsubscribing and subscribing its
 * {@code books} channel for that instrument only: OKX then sends a new snapshot.
 */
final class OkxSubscriptions implements Connections {
  static final List<String> DEFAULT_CHANNELS = List.of("trades", "books", "candles");
  static final Set<String> PUBLIC = Set.of("trades", "books", "books-l2-tbt", "books50-l2-tbt", "tickers", "bbo-tbt");
  static final Map<String, String> CANDLE_CHANNELS =
      Map.of("1m", "candle1m", "5m", "candle5m", "15m", "candle15m", "30m", "candle30m", "1h", "candle1H", "4h", "candle4H", "1d", "candle1Dutc");
  static final int MAX_SYMBOLS_PER_CONNECTION = 100;
  private static final int ARGS_PER_MESSAGE = 100;

  private final List<String> channels;
  private final Part publicPart;
  private final Part businessPart;

  /**
   * @param candleIntervals candle labels ({@code 1m}, {@code 5m}, {@code 1h}) subscribed when
   *     {@code candles} is a channel
   * @throws IllegalArgumentException for a channel or interval OKX does not have
   */
  OkxSubscriptions(String publicUrl, String businessUrl, List<String> channels, List<String> candleIntervals) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels must name at least one of " + PUBLIC + " or candles");
    }
    List<String> pub = new ArrayList<>();
    List<String> business = new ArrayList<>();
    for (String c : channels) {
      if (c.equals("candles")) {
        for (String interval : candleIntervals) {
          String channel = CANDLE_CHANNELS.get(interval);
          if (channel == null) {
            throw new IllegalArgumentException("OKX has no '" + interval + "' candles here: " + CANDLE_CHANNELS.keySet());
          }
          business.add(channel);
        }
      } else if (PUBLIC.contains(c)) {
        pub.add(c);
      } else {
        throw new IllegalArgumentException("'" + c + "' is not an OKX channel ticklake reads: " + PUBLIC + " or candles");
      }
    }
    this.channels = List.copyOf(channels);
    this.publicPart = pub.isEmpty() ? null : new Part(URI.create(publicUrl), pub);
    this.businessPart = business.isEmpty() ? null : new Part(URI.create(businessUrl), business);
  }

  @Override
  public List<Connections> parts() {
    List<Connections> out = new ArrayList<>();
    if (publicPart != null) {
      out.add(publicPart);
    }
    if (businessPart != null) {
      out.add(businessPart);
    }
    return out;
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
    return (publicPart != null ? publicPart : businessPart).uri(symbols);
  }

  @Override
  public List<String> openFrames(List<String> symbols) {
    throw new UnsupportedOperationException("OKX connects per part: see parts()");
  }

  @Override
  public List<String> subscribe(List<String> symbols) {
    throw new UnsupportedOperationException("OKX connects per part: see parts()");
  }

  @Override
  public List<String> unsubscribe(List<String> symbols) {
    throw new UnsupportedOperationException("OKX connects per part: see parts()");
  }

  @Override
  public List<String> resubscribeBook(String symbol) {
    return publicPart == null ? List.of() : publicPart.resubscribeBook(symbol);
  }

  @Override
  public String bookChannel() {
    return publicPart == null ? null : publicPart.bookChannel();
  }

  /** One endpoint and the channels it serves. */
  static final class Part implements Connections {
    private final URI uri;
    private final List<String> channels;

    Part(URI uri, List<String> channels) {
      this.uri = uri;
      this.channels = List.copyOf(channels);
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
      return messages("subscribe", symbols, channels);
    }

    @Override
    public List<String> subscribe(List<String> symbols) {
      return messages("subscribe", symbols, channels);
    }

    @Override
    public List<String> unsubscribe(List<String> symbols) {
      return messages("unsubscribe", symbols, channels);
    }

    @Override
    public List<String> resubscribeBook(String symbol) {
      String book = bookChannel();
      if (book == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>(messages("unsubscribe", List.of(symbol), List.of(book)));
      out.addAll(messages("subscribe", List.of(symbol), List.of(book)));
      return out;
    }

    @Override
    public Duration keepaliveInterval() {
      return Duration.ofSeconds(25);
    }

    @Override
    public String keepaliveFrame() {
      return "ping";
    }

    @Override
    public String bookChannel() {
      for (String c : channels) {
        if (c.equals("books") || c.endsWith("-l2-tbt")) {
          return c;
        }
      }
      return null;
    }
  }

  /** {@code {"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}, ...]}}, 100 arguments a message at most. */
  static List<String> messages(String op, List<String> symbols, List<String> channels) {
    List<String> args = new ArrayList<>();
    for (String channel : channels) {
      for (String s : symbols) {
        args.add("{\"channel\":\"" + channel + "\",\"instId\":\"" + s.replace("\"", "") + "\"}");
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i += ARGS_PER_MESSAGE) {
      out.add("{\"op\":\"" + op + "\",\"args\":[" + String.join(",", args.subList(i, Math.min(args.size(), i + ARGS_PER_MESSAGE))) + "]}");
    }
    return out;
  }
}
