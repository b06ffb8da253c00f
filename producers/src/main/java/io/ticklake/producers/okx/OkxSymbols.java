package io.ticklake.producers.okx;

import java.util.Locale;

/**
 * OKX instrument ids and ticklake's canonical symbols. Spot is {@code BTC-USDT}, perpetual swaps
 * {@code BTC-USDT-SWAP}, dated futures {@code BTC-USD-250627}, options {@code
 * BTC-USD-250627-100000-C}. A canonical {@code BASE-USD} is OKX's {@code BASE-USDT} spot pair
 * (OKX lists its deep books against USDT); any other spelling is taken as OKX's own id.
 */
final class OkxSymbols {
  private OkxSymbols() {}

  /** The instrument id of a configured symbol: {@code BTC-USD} is {@code BTC-USDT}; an OKX id as given. */
  static String nativeSymbol(String configured) {
    String s = configured.trim().toUpperCase(Locale.ROOT);
    String[] parts = s.split("-");
    if (parts.length == 2 && parts[1].equals("USD")) {
      return parts[0] + "-USDT";
    }
    return s;
  }

  /** Whether an instrument trades in contracts (swaps, futures, options): sizes count contracts, not base units. */
  static boolean contracts(String instId) {
    return instId.split("-").length > 2;
  }

  /** The canonical name of an instrument: {@code BTC-USDT} and {@code BTC-USDT-SWAP} are {@code BTC-USDT}. */
  static String canonical(String instId) {
    String[] parts = instId.split("-");
    return parts.length >= 2 ? parts[0] + "-" + parts[1] : instId;
  }
}
