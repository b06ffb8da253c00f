package io.ticklake.producers.binance;

import io.ticklake.producers.core.Connections;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Stream names and combined-stream connections of Binance USD-M futures: {@code <symbol>@aggTrade},
 * {@code <symbol>@trade}, {@code <symbol>@depth@100ms} (or {@code @0ms}, {@code @250ms}, {@code
 * @500ms}), {@code <symbol>@bookTicker} and {@code <symbol>@kline_<interval>}, symbols in lower
 * case. The subscription lives in the URL ({@code /stream?streams=a/b/c}), so every reconnect
 * resubscribes by itself; live changes are {@code SUBSCRIBE} / {@code UNSUBSCRIBE} requests on the
 * open connection. Any other channel of Binance's stream syntax is subscribed as named: its frames
 * are kept raw and, since ticklake has no parser for them, counted and dead-lettered.
 */
public final class BinanceUsdmSubscriptions implements Connections {
  public static final List<String> DEFAULT_SYMBOLS =
      List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT");
  public static final List<String> DEFAULT_CHANNELS = List.of("aggTrade", "depth", "bookTicker");

  /** Binance allows at most 200 streams on one connection. */
  public static final int MAX_STREAMS_PER_CONNECTION = 200;

  /** Channels ticklake reads; {@code depth} alone means {@code depth@100ms}. */
  static final Set<String> READ = Set.of("aggTrade", "trade", "bookTicker", "depth", "depth@0ms", "depth@100ms",
      "depth@250ms", "depth@500ms");
  private static final Pattern KLINE = Pattern.compile("kline_(1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)");
  private static final Pattern STREAM_SYNTAX = Pattern.compile("[A-Za-z0-9_@!]+");

  private final String wsBase;
  private final List<String> channels;
  private final AtomicLong requestIds = new AtomicLong();

  /**
   * @throws IllegalArgumentException for a channel that is not a Binance stream name
   */
  public BinanceUsdmSubscriptions(String wsBase, List<String> channels) {
    this.wsBase = wsBase;
    this.channels = List.copyOf(channels);
    for (String c : channels) {
      stream("x", c); // checks it
    }
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels must name at least one of " + READ + " or kline_<interval>");
    }
  }

  /** Whether ticklake parses a channel (the others are kept raw and dead-lettered). */
  public static boolean reads(String channel) {
    return READ.contains(channel) || KLINE.matcher(channel).matches();
  }

  /** The stream of one symbol and channel; {@code depth} alone means {@code depth@100ms}. */
  public static String stream(String symbol, String channel) {
    String sym = symbol.toLowerCase(Locale.ROOT);
    if (channel.equals("depth")) {
      return sym + "@depth@100ms";
    }
    if (!STREAM_SYNTAX.matcher(channel).matches()) {
      throw new IllegalArgumentException(
          "'" + channel + "' is not a Binance USD-M channel (aggTrade, trade, bookTicker, depth, depth@0ms|100ms|250ms|500ms,"
              + " kline_<interval>)");
    }
    return sym + "@" + channel;
  }

  /** Every stream for the symbols and channels, symbol by symbol. */
  public static List<String> streams(List<String> symbols, List<String> channels) {
    List<String> out = new ArrayList<>();
    for (String symbol : symbols) {
      for (String channel : channels) {
        out.add(stream(symbol, channel));
      }
    }
    if (out.size() > MAX_STREAMS_PER_CONNECTION) {
      throw new IllegalArgumentException(out.size() + " streams exceed Binance's " + MAX_STREAMS_PER_CONNECTION + " per connection");
    }
    return out;
  }

  /** The depth stream of a symbol among the channels, or {@code null} if no depth channel is on. */
  public static String depthStream(String symbol, List<String> channels) {
    String c = depthChannel(channels);
    return c == null ? null : stream(symbol, c);
  }

  private static String depthChannel(List<String> channels) {
    for (String channel : channels) {
      if (channel.startsWith("depth")) {
        return channel;
      }
    }
    return null;
  }

  /** {@code <wsBase>?streams=a/b/c}, e.g. {@code wss://fstream.binance.com/stream?streams=...}. */
  public static URI combinedStreamUri(String wsBase, List<String> symbols, List<String> channels) {
    return URI.create(wsBase + (wsBase.contains("?") ? "&" : "?") + "streams=" + String.join("/", streams(symbols, channels)));
  }

  /** Binance's live-subscribe request: {@code {"method":"SUBSCRIBE","params":[...],"id":N}}. */
  public static String subscribe(List<String> streams, long id) {
    return request("SUBSCRIBE", streams, id);
  }

  /** Binance's live-unsubscribe request. */
  public static String unsubscribe(List<String> streams, long id) {
    return request("UNSUBSCRIBE", streams, id);
  }

  private static String request(String method, List<String> streams, long id) {
    StringBuilder sb = new StringBuilder("{\"method\":\"").append(method).append("\",\"params\":[");
    for (int i = 0; i < streams.size(); i++) {
      // Stream names are [a-z0-9@_]: nothing to escape.
      sb.append(i == 0 ? "" : ",").append('"').append(streams.get(i)).append('"');
    }
    return sb.append("],\"id\":").append(id).append('}').toString();
  }

  // ---- Connections ----

  @Override
  public List<String> channels() {
    return channels;
  }

  @Override
  public int maxSymbolsPerConnection() {
    return Math.max(1, MAX_STREAMS_PER_CONNECTION / channels.size());
  }

  @Override
  public URI uri(List<String> symbols) {
    return combinedStreamUri(wsBase, symbols, channels);
  }

  @Override
  public List<String> openFrames(List<String> symbols) {
    return List.of(); // the URL subscribes
  }

  @Override
  public List<String> subscribe(List<String> symbols) {
    return List.of(subscribe(streams(symbols, channels), requestIds.incrementAndGet()));
  }

  @Override
  public List<String> unsubscribe(List<String> symbols) {
    return List.of(unsubscribe(streams(symbols, channels), requestIds.incrementAndGet()));
  }

  @Override
  public String bookChannel() {
    return depthChannel(channels);
  }
}
