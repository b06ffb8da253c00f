package io.ticklake.producers.kraken;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Kraken's values into the normalized records, the same for both protocols and REST. */
final class KrakenRecords {
  /** Kraken's candle intervals in minutes, as ticklake's labels. */
  static final Map<Integer, String> INTERVALS =
      Map.of(1, "1m", 5, "5m", 15, "15m", 30, "30m", 60, "1h", 240, "4h", 1440, "1d", 10080, "1w", 21600, "15d");

  private KrakenRecords() {}

  /** The minutes of a candle label ({@code 1h}: 60), or -1 when Kraken has no such interval. */
  static int minutes(String label) {
    for (Map.Entry<Integer, String> e : INTERVALS.entrySet()) {
      if (e.getValue().equals(label)) {
        return e.getKey();
      }
    }
    return -1;
  }

  static Trade trade(String venue, String symbol, String tradeId, Side takerSide, BigDecimal price, BigDecimal qty, boolean marketTrade,
      Instant time, Instant receiveTime) {
    return Trade.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setTradeId(tradeId)
        .setSide(takerSide)
        .setPrice(price)
        .setSize(qty)
        .setMarketTrade(marketTrade)
        .setChannel("trade")
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(time)
        .setTransactTime(time)
        .setReceiveTime(receiveTime)
        .build();
  }

  /**
   * A book message: Kraken numbers no update, so the collector's sequence goes in {@code
   * finalUpdateId}; the venue's checksum (unsigned) rides along for the book sync to verify.
   */
  static BookDelta book(String venue, String symbol, boolean snapshot, List<Level> bids, List<Level> asks, Long checksum,
      Instant eventTime, Instant receiveTime) {
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setSnapshot(snapshot)
        .setFirstUpdateId(null)
        .setFinalUpdateId(0)
        .setPrevFinalUpdateId(null)
        .setBids(bids)
        .setAsks(asks)
        .setEventTime(eventTime)
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        .setChecksum(checksum)
        .build();
  }

  /**
   * A venue candle as Kraken sends it: never marked closed (the collector closes it once the next
   * period has begun).
   */
  static Candle candle(String venue, String symbol, String interval, Instant open, int minutes, BigDecimal o, BigDecimal h,
      BigDecimal l, BigDecimal c, BigDecimal volume, BigDecimal vwap, Long trades, boolean closed, Instant eventTime) {
    return Candle.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setInterval(interval)
        .setSource("venue")
        .setOpenTime(open)
        .setCloseTime(open.plusSeconds(60L * minutes))
        .setOpen(o)
        .setHigh(h)
        .setLow(l)
        .setClose(c)
        .setVolume(volume)
        // Kraken's vwap is rounded to the pair's price decimals: volume x vwap is not the quote volume.
        .setQuoteVolume(null)
        .setVwap(vwap != null && vwap.signum() > 0 && volume.signum() > 0 ? vwap : null)
        .setTradeCount(trades)
        .setTakerBuyVolume(null)
        .setTakerSellVolume(null)
        .setClosed(closed)
        .setEventTime(eventTime)
        .build();
  }

  static Quote quote(String venue, String symbol, BigDecimal bid, BigDecimal bidQty, BigDecimal ask, BigDecimal askQty,
      Instant eventTime, Instant receiveTime) {
    return Quote.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setUpdateId(null)
        .setBidPrice(bid)
        .setBidSize(bidQty)
        .setAskPrice(ask)
        .setAskSize(askQty)
        .setEventTime(eventTime)
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        .build();
  }

  /** Epoch seconds with a fraction ({@code "1534614057.321597"}) as an instant, to the microsecond. */
  static Instant epochSeconds(String text) {
    int dot = text.indexOf('.');
    if (dot < 0) {
      return Instant.ofEpochSecond(Long.parseLong(text));
    }
    long seconds = Long.parseLong(text.substring(0, dot));
    String frac = text.substring(dot + 1);
    if (frac.length() > 9) {
      frac = frac.substring(0, 9);
    }
    long nanos = frac.isEmpty() ? 0 : Long.parseLong(frac) * pow10(9 - frac.length());
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
