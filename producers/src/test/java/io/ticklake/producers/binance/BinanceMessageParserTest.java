package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceMessageParserTest {
  private static final Instant RECEIVED = Instant.parse("2024-08-08T23:54:15.088176Z");
  private final BinanceMessageParser parser = new BinanceMessageParser();

  private static BigDecimal dec(String s) {
    return new BigDecimal(s).setScale(18);
  }

  @Test
  void tradeFramesFromTheCapture() throws Exception {
    List<String> frames = Fixtures.lines("/binance-usdm/trade.jsonl");
    ParsedFrame first = parser.parse(frames.get(0), RECEIVED);
    assertThat(first.stream()).isEqualTo("btcusdt@trade");
    assertThat(first.channel()).isEqualTo("trade");
    assertThat(first.symbol()).isEqualTo("BTCUSDT");
    Trade t = (Trade) first.record();
    assertThat(t.getVenue()).isEqualTo("binance-usdm");
    assertThat(t.getTradeId()).isEqualTo("5266583935");
    assertThat(t.getPrice()).isEqualTo(dec("61800.30")).extracting(BigDecimal::scale).isEqualTo(18);
    assertThat(t.getSize()).isEqualTo(dec("0.006"));
    assertThat(t.getSide()).isEqualTo(Side.BUY); // m=false: the buyer took liquidity
    assertThat(t.getMarketTrade()).isTrue();
    assertThat(t.getChannel()).isEqualTo("trade");
    assertThat(t.getFirstTradeId()).isNull();
    assertThat(t.getEventTime()).isEqualTo(Instant.ofEpochMilli(1723161256322L));
    assertThat(t.getTransactTime()).isEqualTo(Instant.ofEpochMilli(1723161256322L));
    assertThat(t.getReceiveTime()).isEqualTo(RECEIVED);

    Trade sell = (Trade) parser.parse(frames.get(3), RECEIVED).record();
    assertThat(sell.getTradeId()).isEqualTo("5266583939");
    assertThat(sell.getSide()).isEqualTo(Side.SELL); // m=true: buyer was maker, aggressor sold
    assertThat(sell.getPrice()).isEqualTo(dec("61800.20"));
    assertThat(sell.getSize()).isEqualTo(dec("0.015"));
  }

  @Test
  void bookTickerFramesFromTheCapture() throws Exception {
    ParsedFrame f = parser.parse(Fixtures.lines("/binance-usdm/bookTicker.jsonl").get(1), RECEIVED);
    assertThat(f.channel()).isEqualTo("bookTicker");
    Quote q = (Quote) f.record();
    assertThat(q.getUpdateId()).isEqualTo(5123107840008L);
    assertThat(q.getBidPrice()).isEqualTo(dec("61800.20"));
    assertThat(q.getBidSize()).isEqualTo(dec("2.507"));
    assertThat(q.getAskPrice()).isEqualTo(dec("61800.30"));
    assertThat(q.getAskSize()).isEqualTo(dec("2.504"));
    assertThat(q.getEventTime()).isEqualTo(Instant.ofEpochMilli(1723161256322L));
    assertThat(q.getTransactTime()).isEqualTo(Instant.ofEpochMilli(1723161256322L));
  }

  @Test
  void depthFramesFromTheCapture() throws Exception {
    ParsedFrame f = parser.parse(Fixtures.lines("/binance-usdm/depth.jsonl").get(0), RECEIVED);
    assertThat(f.stream()).isEqualTo("btcusdt@depth@0ms");
    assertThat(f.channel()).isEqualTo("depth");
    BookDelta d = (BookDelta) f.record();
    assertThat(d.getSnapshot()).isFalse();
    assertThat(d.getFirstUpdateId()).isEqualTo(5123107837801L);
    assertThat(d.getFinalUpdateId()).isEqualTo(5123107842679L);
    assertThat(d.getPrevFinalUpdateId()).isEqualTo(5123107837557L);
    assertThat(d.getBids().get(0)).isEqualTo(new Level(dec("1000.00"), dec("606.675")));
    assertThat(d.getBids().get(4)).isEqualTo(new Level(dec("55620.20"), dec("0")));
    assertThat(d.getEventTime()).isEqualTo(Instant.ofEpochMilli(1723161256352L));
  }

  @Test
  void heldOutFrames() throws Exception {
    Trade last = (Trade) parser.parse(Fixtures.lines("/binance-usdm/held-out/trade.jsonl").get(1), RECEIVED).record();
    assertThat(last.getTradeId()).isEqualTo("5266584425");
    assertThat(last.getPrice()).isEqualTo(dec("61810.50"));
    assertThat(last.getSize()).isEqualTo(dec("0.001"));
    assertThat(last.getSide()).isEqualTo(Side.BUY);
    assertThat(last.getTransactTime()).isEqualTo(Instant.ofEpochMilli(1723161268585L));

    Quote q = (Quote) parser.parse(Fixtures.lines("/binance-usdm/held-out/bookTicker.jsonl").get(0), RECEIVED).record();
    assertThat(q.getUpdateId()).isEqualTo(5123108864674L);
    assertThat(q.getBidSize()).isEqualTo(dec("9.872"));
    assertThat(q.getAskSize()).isEqualTo(dec("0.958"));
    assertThat(q.getEventTime()).isEqualTo(Instant.ofEpochMilli(1723161268663L));
    assertThat(q.getTransactTime()).isEqualTo(Instant.ofEpochMilli(1723161268662L));

    BookDelta d = (BookDelta) parser.parse(Fixtures.lines("/binance-usdm/held-out/depth.jsonl").get(0), RECEIVED).record();
    assertThat(d.getFirstUpdateId()).isEqualTo(5123108846212L);
    assertThat(d.getFinalUpdateId()).isEqualTo(5123108857217L);
    assertThat(d.getPrevFinalUpdateId()).isEqualTo(5123108846004L);
    assertThat(d.getBids()).hasSize(93);
    assertThat(d.getAsks()).hasSize(112);
    assertThat(d.getBids().get(92)).isEqualTo(new Level(dec("61811.30"), dec("10.548")));
    assertThat(d.getAsks().get(0)).isEqualTo(new Level(dec("61810.50"), dec("0")));

    ParsedFrame agg = parser.parse(Fixtures.lines("/binance-usdm/held-out/aggTrade.jsonl").get(0), RECEIVED);
    assertThat(agg.channel()).isEqualTo("aggTrade");
    Trade a = (Trade) agg.record();
    assertThat(a.getTradeId()).isEqualTo("5933014");
    assertThat(a.getFirstTradeId()).isEqualTo(100L);
    assertThat(a.getLastTradeId()).isEqualTo(105L);
    assertThat(a.getPrice()).isEqualTo(dec("0.001"));
    assertThat(a.getSize()).isEqualTo(dec("100"));
    assertThat(a.getSide()).isEqualTo(Side.SELL);
    assertThat(a.getMarketTrade()).isTrue();
    assertThat(a.getChannel()).isEqualTo("aggTrade");
    assertThat(a.getEventTime()).isEqualTo(Instant.ofEpochMilli(123456789L));
    assertThat(a.getTransactTime()).isEqualTo(Instant.ofEpochMilli(123456785L));
  }

  @Test
  void nonMarketExecutionTypesAreNotMarketTrades() throws Exception {
    List<String> frames = Fixtures.lines("/binance-usdm/held-out/trade-insurance-fund.jsonl");
    Trade insurance = (Trade) parser.parse(frames.get(0), RECEIVED).record();
    assertThat(insurance.getMarketTrade()).isFalse();
    assertThat(insurance.getSide()).isEqualTo(Side.SELL);
    assertThat(insurance.getSize()).isEqualTo(dec("0.125"));
    Trade adl = (Trade) parser.parse(frames.get(1), RECEIVED).record();
    assertThat(adl.getMarketTrade()).isFalse();
  }

  @Test
  void bareFramesAndControlFrames() throws Exception {
    ParsedFrame bare =
        parser.parse(
            "{\"e\":\"trade\",\"E\":1,\"T\":1,\"s\":\"ETHUSDT\",\"t\":7,\"p\":\"2500.1\",\"q\":\"1\",\"X\":\"MARKET\",\"m\":false}",
            RECEIVED);
    assertThat(bare.stream()).isNull();
    assertThat(bare.symbol()).isEqualTo("ETHUSDT");
    assertThat(parser.parse("{\"result\":null,\"id\":1}", RECEIVED).isControl()).isTrue();
  }

  @Test
  void malformedFramesRaiseAClearParseException() {
    assertThatThrownBy(() -> parser.parse("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":17231", RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("unreadable frame")
        .extracting(e -> ((ParseException) e).stream())
        .isEqualTo("btcusdt@trade");
    assertThatThrownBy(() -> parser.parse("not json", RECEIVED)).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> parser.parse("[1,2]", RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(
            () -> parser.parse("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":1,\"q\":\"1\",\"X\":\"MARKET\",\"m\":true}}", RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("lacks field 'p'");
    assertThatThrownBy(
            () -> parser.parse("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":\"x\",\"s\":\"BTCUSDT\"}}", RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("'E' is not an integer");
    assertThatThrownBy(() -> parser.parse("{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\",\"E\":1,\"s\":\"BTCUSDT\"}}", RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("lacks its candle 'k'");
  }

  /** Venues add streams: an event type the parser does not know is "unknown", with its channel, not a crash. */
  @Test
  void unknownEventTypesAreNamedWithTheirChannel() {
    String markPrice = "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":1723161256123,"
        + "\"s\":\"BTCUSDT\",\"p\":\"61800.10000000\",\"i\":\"61790.2\",\"r\":\"0.0001\",\"T\":1723190400000}}";
    assertThatThrownBy(() -> parser.parse(markPrice, RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("unknown event type 'markPriceUpdate'")
        .satisfies(e -> {
          ParseException pe = (ParseException) e;
          assertThat(pe.stage()).isEqualTo(ParseException.STAGE_UNKNOWN);
          assertThat(pe.channel()).isEqualTo("markPrice@1s");
          assertThat(pe.stream()).isEqualTo("btcusdt@markPrice@1s");
        });
    assertThatThrownBy(() -> parser.parse("{\"stream\":\"btcusdt@x\",\"data\":{\"s\":\"BTCUSDT\"}}", RECEIVED))
        .satisfies(e -> assertThat(((ParseException) e).stage()).isEqualTo(ParseException.STAGE_UNKNOWN));
  }

  @Test
  void decimalsThatDoNotFitAreSchemaViolations() {
    String tooFine =
        "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"t\":1,"
            + "\"p\":\"1.0000000000000000001\",\"q\":\"1\",\"X\":\"MARKET\",\"m\":true}}";
    assertThatThrownBy(() -> parser.parse(tooFine, RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("bad decimal in 'p'")
        .satisfies(e -> assertThat(((ParseException) e).stage()).isEqualTo(ParseException.STAGE_SCHEMA));
    String negativeLevel =
        "{\"stream\":\"btcusdt@depth\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"U\":1,\"u\":2,\"pu\":0,"
            + "\"b\":[[\"1.0\",\"-1\"]],\"a\":[]}}";
    assertThatThrownBy(() -> parser.parse(negativeLevel, RECEIVED))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void restDepthSnapshot() throws Exception {
    String body = "{\"lastUpdateId\":1027024,\"E\":1589436922972,\"T\":1589436922959,"
        + "\"bids\":[[\"4.00000000\",\"431.00000000\"]],\"asks\":[[\"4.00000200\",\"12.00000000\"]]}";
    BookDelta s = parser.parseDepthSnapshot("BTCUSDT", body, RECEIVED);
    assertThat(s.getSnapshot()).isTrue();
    assertThat(s.getFinalUpdateId()).isEqualTo(1027024L);
    assertThat(s.getBids()).containsExactly(new Level(dec("4"), dec("431")));
    assertThat(s.getAsks()).containsExactly(new Level(dec("4.000002"), dec("12")));
    // The book as of its last transaction (T), not when the answer was sent (E).
    assertThat(s.getEventTime()).isEqualTo(Instant.ofEpochMilli(1589436922959L));
    assertThat(parser.parseDepthSnapshot("BTCUSDT", body.replace(",\"T\":1589436922959", ""), RECEIVED).getEventTime())
        .isEqualTo(Instant.ofEpochMilli(1589436922972L));
    assertThatThrownBy(() -> parser.parseDepthSnapshot("BTCUSDT", "{\"code\":-1121}", RECEIVED))
        .isInstanceOf(ParseException.class);
  }
}
