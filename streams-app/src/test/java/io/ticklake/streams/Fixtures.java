package io.ticklake.streams;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** Records for tests. Times are UTC instants; nothing depends on the JVM zone. */
public final class Fixtures {

  /**
   * The app's Streams settings for a {@code TopologyTestDriver}, except the wall-clock throttle of
   * window-close checks: the driver's clock stands still unless a test advances it, so the driver
   * sets that throttle to 0 itself, which only works when the settings leave it out.
   */
  public static Properties driverProperties(AppConfig config) {
    Properties p = config.streamsProperties();
    p.remove(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION);
    return p;
  }
  /**
   * The whole topology's settings for a driver: a state directory of the test's own, a 10 s grace
   * for the 1-minute windows, and {@code extra}.
   */
  public static AppConfig config(java.nio.file.Path stateDir, java.util.Map<String, String> extra) {
    java.util.Map<String, Object> settings = new java.util.HashMap<>(extra);
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "ticklake-test");
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.putIfAbsent(AppConfig.OHLCV_GRACE_MS_CONFIG, "10000");
    return new AppConfig(settings);
  }

  /** Wire-format serdes on an in-memory registry. */
  public static io.ticklake.streams.serde.SerdeFactory serdes() {
    return new io.ticklake.streams.serde.SerdeFactory(
        new io.ticklake.schema.serde.InMemorySchemaRegistryClient(), java.util.Map.of("schema.registry.url", "mock://test"));
  }

  /** A driver at {@link #T0} on a topology of the test's own, with a state directory of its own. */
  public static org.apache.kafka.streams.TopologyTestDriver driver(
      org.apache.kafka.streams.Topology topology, String appId, java.nio.file.Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new org.apache.kafka.streams.TopologyTestDriver(topology, p, T0);
  }

  public static final String VENUE = "binance-usdm";
  public static final String SYMBOL = "BTCUSDT";
  public static final String KEY = VENUE + ":" + SYMBOL;
  /** 2024-05-01T10:00:00Z — a London-session hour. */
  public static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private Fixtures() {}

  public static BigDecimal d(String s) {
    return Decimals.of(s);
  }

  public static Trade trade(long id, Instant t, Side side, String price, String size) {
    return Trade.newBuilder()
        .setVenue(VENUE)
        .setSymbol(SYMBOL)
        .setTradeId(Long.toString(id))
        .setSide(side)
        .setPrice(d(price))
        .setSize(d(size))
        .setMarketTrade(true)
        .setChannel("aggTrade")
        .setFirstTradeId(id * 10)
        .setLastTradeId(id * 10 + 9)
        .setEventTime(t)
        .setTransactTime(t)
        .setReceiveTime(t.plusMillis(5))
        .build();
  }

  public static Quote quote(long updateId, Instant t, String bid, String bidQty, String ask, String askQty) {
    return Quote.newBuilder()
        .setVenue(VENUE)
        .setSymbol(SYMBOL)
        .setUpdateId(updateId)
        .setBidPrice(d(bid))
        .setBidSize(d(bidQty))
        .setAskPrice(d(ask))
        .setAskSize(d(askQty))
        .setEventTime(t)
        .setTransactTime(t)
        .setReceiveTime(t.plusMillis(5))
        .build();
  }

  public static Candle minuteCandle(Instant open, String o, String h, String l, String c, String vol) {
    return Candle.newBuilder()
        .setVenue(VENUE)
        .setSymbol(SYMBOL)
        .setInterval("1m")
        .setSource("venue")
        .setOpenTime(open)
        .setCloseTime(open.plusSeconds(60))
        .setOpen(d(o))
        .setHigh(d(h))
        .setLow(d(l))
        .setClose(d(c))
        .setVolume(d(vol))
        .setQuoteVolume(null)
        .setVwap(null)
        .setTradeCount(1L)
        .setTakerBuyVolume(d("0"))
        .setTakerSellVolume(null)
        .setClosed(true)
        .setEventTime(open.plusSeconds(60))
        .build();
  }
}
