package io.ticklake.connect.s3;

import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Trades as the sink sees them: generic records, decimals as bytes, times as micros. */
public final class TestRecords {
  public static final Schema TRADE = Trade.getClassSchema();

  private TestRecords() {}

  public static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  public static GenericRecord trade(String venue, String symbol, String tradeId, String price, long eventMicros) {
    GenericRecord r = new GenericData.Record(TRADE);
    r.put("venue", venue);
    r.put("symbol", symbol);
    r.put("tradeId", tradeId);
    r.put("side", new GenericData.EnumSymbol(TRADE.getField("side").schema(), "BUY"));
    r.put("price", decimal(price));
    r.put("size", decimal("0.5"));
    r.put("marketTrade", true);
    r.put("channel", "aggTrade");
    r.put("firstTradeId", null);
    r.put("lastTradeId", null);
    r.put("eventTime", eventMicros);
    r.put("transactTime", null);
    r.put("receiveTime", eventMicros + 1000);
    return r;
  }

  public static final Schema CANDLE = io.ticklake.schema.v1.Candle.getClassSchema();

  /** A closed, derived 1-minute candle opening at the given time; its eventTime is 150 ms after the close. */
  public static GenericRecord candle(String symbol, long openMicros, String open, String high, String low, String close) {
    GenericRecord r = new GenericData.Record(CANDLE);
    r.put("venue", "binance-usdm");
    r.put("symbol", symbol);
    r.put("interval", "1m");
    r.put("source", "derived");
    r.put("openTime", openMicros);
    r.put("closeTime", openMicros + 60_000_000L);
    r.put("open", decimal(open));
    r.put("high", decimal(high));
    r.put("low", decimal(low));
    r.put("close", decimal(close));
    r.put("volume", decimal("1.5"));
    r.put("quoteVolume", null);
    r.put("vwap", null);
    r.put("tradeCount", 3L);
    r.put("takerBuyVolume", decimal("1"));
    r.put("takerSellVolume", null);
    r.put("closed", true);
    r.put("eventTime", openMicros + 60_150_000L);
    return r;
  }

  /** An OFI row of BTCUSDT: {@code window} 1s, 1m or day (whose windowEnd is the last minute counted). */
  public static GenericRecord ofi(String window, long windowStart, long windowEnd, String ofi, long eventTime) {
    GenericRecord r = new GenericData.Record(io.ticklake.schema.v1.Ofi.getClassSchema());
    r.put("venue", "binance-usdm");
    r.put("symbol", "BTCUSDT");
    r.put("window", window);
    r.put("windowStart", windowStart);
    r.put("windowEnd", windowEnd);
    r.put("ofi", decimal(ofi));
    r.put("ofiLevels", java.util.List.of(decimal(ofi), decimal("0.5")));
    r.put("updates", 12L);
    r.put("eventTime", eventTime);
    return r;
  }

  /** A CVD minute of BTCUSDT. */
  public static GenericRecord cvd(long windowStart, long eventTime) {
    GenericRecord r = new GenericData.Record(io.ticklake.schema.v1.Cvd.getClassSchema());
    r.put("venue", "binance-usdm");
    r.put("symbol", "BTCUSDT");
    r.put("windowStart", windowStart);
    r.put("windowEnd", windowStart + 60_000_000L);
    r.put("delta", decimal("0.5"));
    r.put("cumulative", decimal("3.5"));
    r.put("buyVolume", decimal("1.5"));
    r.put("sellVolume", decimal("1"));
    r.put("tradeCount", 4L);
    r.put("eventTime", eventTime);
    return r;
  }

  public static ByteBuffer decimal(String value) {
    return ByteBuffer.wrap(new BigDecimal(value).setScale(18).unscaledValue().toByteArray());
  }
}
