package io.ticklake.producers.kraken;

import java.util.List;
import java.util.Locale;

/**
 * Kraken's two public WebSocket protocols, both still served: v2 ({@code wss://ws.kraken.com/v2},
 * JSON objects with a {@code channel}, numbers as JSON numbers, {@code BTC/USD}) and the legacy v1
 * ({@code wss://ws.kraken.com}, data as JSON arrays {@code [channelID, payload, channelName,
 * pair]}, decimals as strings, {@code XBT/USD}), in which years of recorded Kraken data are kept.
 */
public enum KrakenProtocol {
  V1("wss://ws.kraken.com"),
  V2("wss://ws.kraken.com/v2");

  private final String url;

  KrakenProtocol(String url) {
    this.url = url;
  }

  /** The venue's public endpoint of this protocol. */
  public String url() {
    return url;
  }

  /** {@code v1} or {@code v2} (any case). */
  public static KrakenProtocol of(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "v1", "1" -> V1;
      case "v2", "2" -> V2;
      default -> throw new IllegalArgumentException("'" + name + "' is not a Kraken WebSocket protocol: v1 or v2");
    };
  }

  /**
   * The protocol of recorded frames, or {@code null} when none is Kraken's: a v1 data frame is an
   * array ending in a channel name and a pair ({@code ...,"book-1000","XBT/USD"]}), a v1 event an
   * object with {@code "event"} of Kraken's; a v2 frame an object with {@code "channel"} or {@code
   * "method"}.
   */
  public static KrakenProtocol detect(List<String> frames) {
    for (String f : frames) {
      String t = f.strip();
      if (t.startsWith("[") && t.endsWith("]") && t.matches("(?s).*,\\s*\"(book-\\d+|trade|ohlc-\\d+|ticker|spread)\"\\s*,\\s*\"[A-Z0-9.]+/[A-Z0-9.]+\"\\s*]")) {
        return V1;
      }
      if (t.startsWith("{") && t.matches("(?s).*\"event\"\\s*:\\s*\"(systemStatus|subscriptionStatus)\".*")) {
        return V1;
      }
      if (t.startsWith("{") && t.matches("(?s).*\"channel\"\\s*:\\s*\"(book|trade|ohlc|ticker|instrument)\".*\"symbol\"\\s*:\\s*\"[A-Z0-9.]+/[A-Z0-9.]+\".*")) {
        return V2;
      }
    }
    return null;
  }
}
