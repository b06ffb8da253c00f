package io.ticklake.producers.kraken;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the collector knows of Kraken's pairs: the decimals each pair's prices and quantities are
 * written with, which the book checksum needs (Kraken formats every level to its pair's precision
 * before it hashes the top ten), and how a canonical symbol is spelled by each protocol.
 *
 * <p>Precision comes from two places, and the larger wins: the venue's reference data (the v2
 * {@code instrument} channel's {@code price_precision}/{@code qty_precision}, or REST {@code
 * AssetPairs}' {@code pair_decimals}/{@code lot_decimals}) and the decimals of the numbers in the
 * frames themselves. v1 writes every level as a string with all its decimals, so its frames alone
 * are exact; v2 writes JSON numbers, which may lose trailing zeros, so the reference data decides.
 *
 * <p>Thread-safe: the parser learns on the WebSocket threads, the checksum reads under each book's
 * lock, the reference data arrives on the REST thread.
 */
public final class KrakenPairs {
  /** Per symbol: {price decimals, quantity decimals}, each the largest seen. */
  private final Map<String, int[]> precision = new ConcurrentHashMap<>();
  /** Per symbol: the decimals the reference data gives, {price, quantity}. */
  private final Map<String, int[]> reference = new ConcurrentHashMap<>();

  /** The venue's reference data says {@code symbol} has these decimals. */
  public void reference(String symbol, int priceDecimals, int qtyDecimals) {
    reference.put(symbol, new int[] {priceDecimals, qtyDecimals});
    raise(symbol, priceDecimals, qtyDecimals);
  }

  /** A level of {@code symbol} was written with these decimals (from its text). */
  public void observe(String symbol, int priceDecimals, int qtyDecimals) {
    int[] p = precision.get(symbol);
    if (p == null || p[0] < priceDecimals || p[1] < qtyDecimals) {
      raise(symbol, priceDecimals, qtyDecimals);
    }
  }

  private void raise(String symbol, int priceDecimals, int qtyDecimals) {
    precision.merge(symbol, new int[] {priceDecimals, qtyDecimals},
        (a, b) -> a[0] >= b[0] && a[1] >= b[1] ? a : new int[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
  }

  /** Decimals of {@code symbol}'s prices, or -1 when nothing is known yet. */
  public int priceDecimals(String symbol) {
    int[] p = precision.get(symbol);
    return p == null ? -1 : p[0];
  }

  /** Decimals of {@code symbol}'s quantities, or -1 when nothing is known yet. */
  public int qtyDecimals(String symbol) {
    int[] p = precision.get(symbol);
    return p == null ? -1 : p[1];
  }

  /** Whether the reference data named this symbol's precision. */
  public boolean hasReference(String symbol) {
    return reference.containsKey(symbol);
  }

  /** Decimals written in a JSON number or decimal string ({@code "0.00100000"}: 8); 0 with no fraction or an exponent. */
  static int decimals(char[] chars, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      char c = chars[i];
      if (c == '.') {
        int n = 0;
        for (int j = i + 1; j < end && chars[j] >= '0' && chars[j] <= '9'; j++) {
          n++;
        }
        return n;
      }
      if (c == 'e' || c == 'E') {
        return 0;
      }
    }
    return 0;
  }

  // ---- symbols ----

  /** Kraken's v1 and REST names of assets whose v2 name differs. */
  private static final Map<String, String> V1_ASSET = Map.of("BTC", "XBT", "DOGE", "XDG");

  /**
   * A configured symbol as {@code protocol} spells it: a canonical {@code BTC-USD} is {@code
   * BTC/USD} on v2 and {@code XBT/USD} on v1; a symbol already written with a slash is taken as
   * the venue's own.
   */
  static String nativeSymbol(String configured, KrakenProtocol protocol) {
    String s = configured.trim().toUpperCase(Locale.ROOT);
    if (s.contains("/")) {
      return s;
    }
    int dash = s.indexOf('-');
    if (dash <= 0 || dash == s.length() - 1 || s.indexOf('-', dash + 1) >= 0) {
      return s; // not BASE-QUOTE: the user's own spelling
    }
    String base = s.substring(0, dash);
    String quote = s.substring(dash + 1);
    if (protocol == KrakenProtocol.V1) {
      base = V1_ASSET.getOrDefault(base, base);
      quote = V1_ASSET.getOrDefault(quote, quote);
    }
    return base + "/" + quote;
  }

  /** The canonical name of a native symbol of either protocol: {@code XBT/USD} and {@code BTC/USD} are {@code BTC-USD}. */
  static String canonical(String nativeSymbol) {
    int slash = nativeSymbol.indexOf('/');
    if (slash < 0) {
      return nativeSymbol;
    }
    return v2Asset(nativeSymbol.substring(0, slash)) + "-" + v2Asset(nativeSymbol.substring(slash + 1));
  }

  private static String v2Asset(String asset) {
    for (Map.Entry<String, String> e : V1_ASSET.entrySet()) {
      if (e.getValue().equals(asset)) {
        return e.getKey();
      }
    }
    return asset;
  }

  /** The REST pair name of a native symbol ({@code XBT/USD} or {@code BTC/USD}: {@code XBTUSD}). */
  static String restPair(String nativeSymbol) {
    int slash = nativeSymbol.indexOf('/');
    if (slash < 0) {
      return nativeSymbol;
    }
    String base = nativeSymbol.substring(0, slash);
    String quote = nativeSymbol.substring(slash + 1);
    return V1_ASSET.getOrDefault(base, base) + V1_ASSET.getOrDefault(quote, quote);
  }
}
