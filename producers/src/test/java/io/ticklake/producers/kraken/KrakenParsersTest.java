package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kraken's two protocols into the model, on frames of the venue's documented and recorded shapes. */
class KrakenParsersTest {
  private static final Instant RECEIVED = Instant.parse("2026-08-12T19:29:03Z");
  private final KrakenPairs pairs = new KrakenPairs();
  private final KrakenV2Parser v2 = new KrakenV2Parser("kraken", pairs);
  private final KrakenV1Parser v1 = new KrakenV1Parser("kraken", pairs);

  private static BigDecimal d(String s) {
    return new BigDecimal(s);
  }

  @Test
  void v2TradesKeepTheTakersSideTheIdAndTheNumbersText() throws Exception {
    ParsedFrame f = v2.parse("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":\"sell\",\"price\":0.5147,"
        + "\"qty\":6423.46326,\"ord_type\":\"limit\",\"trade_id\":4665846,\"timestamp\":\"2023-09-25T07:48:36.925533Z\"},"
        + "{\"symbol\":\"MATIC/USD\",\"side\":\"buy\",\"price\":0.5148,\"qty\":1.0E-5,\"ord_type\":\"market\",\"trade_id\":4665847,"
        + "\"timestamp\":\"2023-09-25T07:48:36.925533Z\"}]}", RECEIVED);
    assertThat(f.channel()).isEqualTo("trade");
    assertThat(f.stream()).isEqualTo("trade:MATIC/USD");
    assertThat(f.records()).hasSize(2);
    Trade t = (Trade) f.records().get(0);
    assertThat(t.getTradeId()).isEqualTo("4665846");
    assertThat(t.getSide()).isEqualTo(Side.SELL);
    assertThat(t.getPrice()).isEqualByComparingTo("0.5147");
    assertThat(t.getSize()).isEqualByComparingTo("6423.46326");
    assertThat(t.getEventTime()).isEqualTo(Instant.parse("2023-09-25T07:48:36.925533Z"));
    assertThat(((Trade) f.records().get(1)).getSize()).isEqualByComparingTo("0.00001");
  }

  @Test
  void v2RecordedTickerAndOhlcFrames() throws Exception {
    List<String> frames = KrakenBookReplayTest.frames("/captures/kraken/v2-ticker-ohlc-ccxt-2026.jsonl");
    int quotes = 0;
    int candles = 0;
    for (String frame : frames) {
      ParsedFrame f = v2.parse(frame, RECEIVED);
      for (Object r : f.records()) {
        if (r instanceof Quote q) {
          quotes++;
          assertThat(q.getSymbol()).isEqualTo("BTC/USD");
          assertThat(q.getBidPrice()).isLessThan(q.getAskPrice());
        } else if (r instanceof Candle c) {
          candles++;
          assertThat(c.getClosed()).as("Kraken marks no candle closed").isFalse();
          assertThat(c.getInterval()).isEqualTo("1m");
          assertThat(c.getSource()).isEqualTo("venue");
          assertThat(c.getCloseTime()).isEqualTo(c.getOpenTime().plusSeconds(60));
          assertThat(c.getLow()).isLessThanOrEqualTo(c.getHigh());
        }
      }
    }
    assertThat(quotes).isEqualTo(2);
    assertThat(candles).isEqualTo(11);
    ParsedFrame first = v2.parse(frames.stream().filter(x -> x.contains("\"ohlc\",\"type\":\"snapshot\"")).findFirst().orElseThrow(), RECEIVED);
    Candle c = (Candle) first.records().get(0);
    assertThat(c.getOpenTime()).isEqualTo(Instant.parse("2026-08-12T19:19:00Z"));
    assertThat(c.getOpen()).isEqualByComparingTo("63376");
    assertThat(c.getTradeCount()).isEqualTo(30);
    assertThat(c.getEventTime()).isEqualTo(Instant.parse("2026-08-12T19:28:43.952985Z")); // the model keeps microseconds
  }

  @Test
  void v2ControlFramesAndRefusals() throws Exception {
    assertThat(v2.parse("{\"channel\":\"heartbeat\"}", RECEIVED).isControl()).isTrue();
    assertThat(v2.parse("{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"version\":\"2.0.10\",\"system\":\"online\","
        + "\"api_version\":\"v2\",\"connection_id\":17181695158986582000}]}", RECEIVED).isControl()).isTrue();
    assertThat(v2.parse("{\"method\":\"pong\",\"req_id\":7,\"time_in\":\"x\",\"time_out\":\"y\"}", RECEIVED).isControl()).isTrue();
    assertThatThrownBy(() -> v2.parse("{\"error\":\"Currency pair not supported XBT/USDX\",\"method\":\"subscribe\",\"success\":false,"
        + "\"time_in\":\"x\",\"time_out\":\"y\"}", RECEIVED))
        .isInstanceOf(ParseException.class).hasMessageContaining("refused").hasMessageContaining("XBT/USDX");
    ParseException unknown = catchParse(() -> v2.parse("{\"channel\":\"level3\",\"type\":\"update\",\"data\":[]}", RECEIVED));
    assertThat(unknown.stage()).isEqualTo(ParseException.STAGE_UNKNOWN);
    assertThat(unknown.channel()).isEqualTo("level3");
    ParseException cut = catchParse(() -> v2.parse(KrakenSimProfile.MALFORMED_V2, RECEIVED));
    assertThat(cut.stage()).isEqualTo(ParseException.STAGE_PARSE);
    assertThat(cut.channel()).isEqualTo("trade");
  }

  @Test
  void v2DataBeforeItsChannelIsStillRead() throws Exception {
    ParsedFrame f = v2.parse("{\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\",\"price\":61800.30,\"qty\":0.006,\"ord_type\":\"market\","
        + "\"trade_id\":1,\"timestamp\":\"2024-08-08T23:54:16.322000Z\"}],\"type\":\"update\",\"channel\":\"trade\"}", RECEIVED);
    assertThat(((Trade) f.record()).getPrice()).isEqualByComparingTo("61800.3");
  }

  @Test
  void v2InstrumentFramesTeachThePairsDecimals() throws Exception {
    ParsedFrame f = v2.parse("{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[{\"id\":\"USD\"}],\"pairs\":["
        + "{\"symbol\":\"EUR/USD\",\"base\":\"EUR\",\"quote\":\"USD\",\"status\":\"online\",\"qty_precision\":8,"
        + "\"qty_increment\":0.00000001,\"price_precision\":5,\"cost_precision\":5}]}}", RECEIVED);
    assertThat(f.records()).isEmpty();
    assertThat(pairs.priceDecimals("EUR/USD")).isEqualTo(5);
    assertThat(pairs.qtyDecimals("EUR/USD")).isEqualTo(8);
    assertThat(pairs.hasReference("EUR/USD")).isTrue();
  }

  @Test
  void v1TradesSpreadTickerAndOhlc() throws Exception {
    ParsedFrame trades = v1.parse("[0,[[\"5541.20000\",\"0.15850568\",\"1534614057.321597\",\"s\",\"l\",\"\"],"
        + "[\"6060.00000\",\"0.02455000\",\"1534614057.324998\",\"b\",\"l\",\"\"]],\"trade\",\"XBT/USD\"]", RECEIVED);
    assertThat(trades.stream()).isEqualTo("trade:XBT/USD");
    assertThat(trades.records()).hasSize(2);
    Trade t = (Trade) trades.records().get(0);
    assertThat(t.getSide()).isEqualTo(Side.SELL);
    assertThat(t.getEventTime()).isEqualTo(Instant.parse("2018-08-18T17:40:57.321597Z"));
    // v1 numbers no trade: the id is made of the trade, the same on every replay.
    assertThat(t.getTradeId()).isEqualTo("1534614057321597-0-5541.20000-0.15850568");
    assertThat(v1.parse("[0,[[\"5541.20000\",\"0.15850568\",\"1534614057.321597\",\"s\",\"l\",\"\"]],\"trade\",\"XBT/USD\"]", RECEIVED)
        .record()).extracting(r -> ((Trade) r).getTradeId()).isEqualTo(t.getTradeId());

    Quote spread = (Quote) v1.parse("[0,[\"5698.40000\",\"5700.00000\",\"1542057299.545897\",\"1.01234567\",\"0.98765432\"],"
        + "\"spread\",\"XBT/USD\"]", RECEIVED).record();
    assertThat(spread.getBidPrice()).isEqualByComparingTo("5698.4");
    assertThat(spread.getAskSize()).isEqualByComparingTo("0.98765432");
    assertThat(spread.getEventTime()).isEqualTo(Instant.parse("2018-11-12T21:14:59.545897Z"));

    Quote ticker = (Quote) v1.parse("[0,{\"a\":[\"5525.40000\",1,\"1.000\"],\"b\":[\"5525.10000\",1,\"1.000\"],"
        + "\"c\":[\"5525.10000\",\"0.00398963\"],\"v\":[\"2634.11501494\",\"3591.17907851\"]},\"ticker\",\"XBT/USD\"]", RECEIVED).record();
    assertThat(ticker.getAskPrice()).isEqualByComparingTo("5525.4");
    assertThat(ticker.getBidSize()).isEqualByComparingTo("1");
    assertThat(ticker.getEventTime()).isEqualTo(RECEIVED);

    Candle c = (Candle) v1.parse("[42,[\"1542057314.748456\",\"1542057360.435743\",\"3586.70000\",\"3586.70000\",\"3586.60000\","
        + "\"3586.60000\",\"3586.68894\",\"0.03373000\",2],\"ohlc-5\",\"XBT/USD\"]", RECEIVED).record();
    assertThat(c.getInterval()).isEqualTo("5m");
    assertThat(c.getOpenTime()).isEqualTo(Instant.parse("2018-11-12T21:15:00Z"));
    assertThat(c.getCloseTime()).isEqualTo(Instant.parse("2018-11-12T21:20:00Z"));
    assertThat(c.getVolume()).isEqualByComparingTo("0.03373");
    assertThat(c.getTradeCount()).isEqualTo(2);
    assertThat(c.getClosed()).isFalse();
  }

  @Test
  void v1BookUpdatesCarryTheirChecksumAndNewestLevelTime() throws Exception {
    BookDelta d = (BookDelta) v1.parse("[1234,{\"a\":[[\"5541.30000\",\"2.50700000\",\"1534614248.456738\"],"
        + "[\"5542.50000\",\"0.40100000\",\"1534614248.456738\"]]},{\"b\":[[\"5541.30000\",\"0.00000000\",\"1534614335.345903\",\"r\"]],"
        + "\"c\":\"974942666\"},\"book-10\",\"XBT/USD\"]", RECEIVED).record();
    assertThat(d.getSnapshot()).isFalse();
    assertThat(d.getAsks()).hasSize(2);
    assertThat(d.getBids()).hasSize(1);
    assertThat(d.getBids().get(0).getSize()).isEqualByComparingTo("0");
    assertThat(d.getChecksum()).isEqualTo(974942666L);
    assertThat(d.getEventTime()).isEqualTo(Instant.parse("2018-08-18T17:45:35.345903Z"));
    assertThat(pairs.priceDecimals("XBT/USD")).isEqualTo(5);
    assertThat(pairs.qtyDecimals("XBT/USD")).isEqualTo(8);
  }

  @Test
  void v1EventsAndRefusals() throws Exception {
    assertThat(v1.parse("{\"connectionID\":13688620010177543517,\"event\":\"systemStatus\",\"status\":\"online\",\"version\":\"1.9.1\"}",
        RECEIVED).isControl()).isTrue();
    assertThat(v1.parse("{\"event\":\"heartbeat\"}", RECEIVED).isControl()).isTrue();
    assertThatThrownBy(() -> v1.parse("{\"errorMessage\":\"Currency pair not supported\",\"event\":\"subscriptionStatus\",\"pair\":\"XBT/USDX\","
        + "\"status\":\"error\",\"subscription\":{\"name\":\"book\"}}", RECEIVED)).hasMessageContaining("XBT/USDX");
    ParseException unknown = catchParse(() -> v1.parse("[0,[\"x\"],\"openOrders\",\"XBT/USD\"]", RECEIVED));
    assertThat(unknown.stage()).isEqualTo(ParseException.STAGE_UNKNOWN);
    ParseException cut = catchParse(() -> v1.parse(KrakenSimProfile.MALFORMED_V1, RECEIVED));
    assertThat(cut.stage()).isEqualTo(ParseException.STAGE_PARSE);
  }

  @Test
  void theChecksumStringFollowsKrakensExample() {
    // Kraken's guide: price 45285.2 is 452852, qty 0.00100000 is 100000.
    StringBuilder sb = new StringBuilder();
    KrakenChecksum.digits(sb, d("45285.2").setScale(18), 1);
    sb.append('|');
    KrakenChecksum.digits(sb, d("0.001").setScale(18), 8);
    assertThat(sb).hasToString("452852|100000");
  }

  @Test
  void throttlingArrivesAsAnHttp200() {
    var limits = KrakenRest.limits(1);
    assertThat(limits.isThrottle(200, "{\"error\":[\"EGeneral:Too many requests\"],\"result\":{}}")).isTrue();
    assertThat(limits.isThrottle(200, "{\"error\":[],\"result\":{\"unixtime\":1}}")).isFalse();
  }

  @Test
  void symbolsAreSpelledPerProtocol() {
    assertThat(KrakenPairs.nativeSymbol("BTC-USD", KrakenProtocol.V2)).isEqualTo("BTC/USD");
    assertThat(KrakenPairs.nativeSymbol("btc-usd", KrakenProtocol.V1)).isEqualTo("XBT/USD");
    assertThat(KrakenPairs.nativeSymbol("DOGE-USD", KrakenProtocol.V1)).isEqualTo("XDG/USD");
    assertThat(KrakenPairs.nativeSymbol("XBT/EUR", KrakenProtocol.V2)).isEqualTo("XBT/EUR");
    assertThat(KrakenPairs.canonical("XBT/USD")).isEqualTo("BTC-USD");
    assertThat(KrakenPairs.restPair("BTC/USD")).isEqualTo("XBTUSD");
    assertThat(new KrakenVenue().nativeSymbol("ETH-USD", java.util.Map.of("venue.kraken.protocol", "v1"))).isEqualTo("ETH/USD");
  }

  @Test
  void theProtocolOfACaptureIsRecognizedFromItsFrames() throws Exception {
    assertThat(KrakenProtocol.detect(KrakenBookReplayTest.frames(KrakenBookReplayTest.V1_20230830))).isEqualTo(KrakenProtocol.V1);
    assertThat(KrakenProtocol.detect(KrakenBookReplayTest.frames(KrakenBookReplayTest.V1_20230529))).isEqualTo(KrakenProtocol.V1);
    assertThat(KrakenProtocol.detect(KrakenBookReplayTest.frames(KrakenBookReplayTest.V2_CCXT))).isEqualTo(KrakenProtocol.V2);
    assertThat(KrakenProtocol.detect(List.of("{\"type\":\"match\",\"product_id\":\"BTC-USD\"}"))).isNull();
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static ParseException catchParse(Call call) {
    try {
      call.run();
    } catch (ParseException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ParseException, got " + e, e);
    }
    throw new AssertionError("expected a ParseException");
  }
}
