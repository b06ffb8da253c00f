package io.ticklake.producers.binance;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stream names and the combined-stream URL of Binance USD-M futures: {@code <symbol>@aggTrade},
 * {@code <symbol>@trade}, {@code <symbol>@depth@100ms} (or {@code @0ms}, {@code @250ms}, {@code
 * @500ms}) and {@code <symbol>@bookTicker}, symbols in lower case. The subscription lives in the URL
 * ({@code /stream?streams=a/b/c}), so every reconnect resubscribes by itself.
 */
public final class BinanceUsdmSubscriptions {
  public static final List<String> DEFAULT_SYMBOLS =
      List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT");
  public static final List<String> DEFAULT_CHANNELS = List.of("aggTrade", "depth", "bookTicker");

  /** Binance allows at most 200 streams on one connection. */
  public static final int MAX_STREAMS_PER_CONNECTION = 200;

  private BinanceUsdmSubscriptions() {}

  /** The stream of one symbol and channel; {@code depth} alone means {@code depth@100ms}. */
  public static String stream(String symbol, String channel) {
    String sym = symbol.toLowerCase(Locale.ROOT);
    return switch (channel) {
      case "aggTrade", "trade", "bookTicker" -> sym + "@" + channel;
      case "depth" -> sym + "@depth@100ms";
      case "depth@0ms", "depth@100ms", "depth@250ms", "depth@500ms" -> sym + "@" + channel;
      default -> throw new IllegalArgumentException(
          "unknown Binance USD-M channel '" + channel
              + "' (aggTrade, trade, bookTicker, depth, depth@0ms|100ms|250ms|500ms)");
    };
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
    for (String channel : channels) {
      if (channel.startsWith("depth")) {
        return stream(symbol, channel);
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
      // Stream names are [a-z0-9@]: nothing to escape.
      sb.append(i == 0 ? "" : ",").append('"').append(streams.get(i)).append('"');
    }
    return sb.append("],\"id\":").append(id).append('}').toString();
  }
}
