package io.ticklake.producers.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser on real frames of the shipped Coinbase Exchange capture, and on what it must refuse. */
class CoinbaseMessageParserTest {
  static final List<CaptureFile.Entry> CAPTURE = CaptureFile.readResource("/captures/coinbase/coinbase-20210417.capture");
  private static final Instant RECEIVED = Instant.parse("2021-04-17T16:43:37.130Z");
  private final CoinbaseMessageParser parser = new CoinbaseMessageParser("coinbase");

  private static String first(String type, String product) {
    return CAPTURE.stream().map(CaptureFile.Entry::frame)
        .filter(f -> f.contains("\"type\":\"" + type + "\"") && (product == null || f.contains("\"product_id\":\"" + product + "\"")))
        .findFirst().orElseThrow();
  }

  static BigDecimal dec(String s) {
    return new BigDecimal(s).setScale(18);
  }

  @Test
  void theCaptureReadsWithoutCryptofeedsOwnLines() {
    assertThat(CAPTURE).hasSize(3630);
    assertThat(CAPTURE).allSatisfy(e -> assertThat(e.frame()).startsWith("{\"type\":"));
  }

  /** Coinbase's side is the maker's: "sell" means the taker bought. */
  @Test
  void aMatchIsATradeWhoseAggressorIsTheOtherSideOfTheMaker() throws Exception {
    ParsedFrame f = parser.parse(first("match", "SKL-USD"), RECEIVED);
    assertThat(f.channel()).isEqualTo("matches");
    assertThat(f.stream()).isEqualTo("matches:SKL-USD");
    assertThat(f.symbol()).isEqualTo("SKL-USD");
    Trade t = (Trade) f.record();
    assertThat(t.getTradeId()).isEqualTo("1568268");
    assertThat(t.getSide()).isEqualTo(Side.BUY);
    assertThat(t.getPrice()).isEqualTo(dec("0.791"));
    assertThat(t.getSize()).isEqualTo(dec("450"));
    assertThat(t.getEventTime()).isEqualTo(Instant.parse("2021-04-17T16:43:37.121358Z"));
    assertThat(t.getReceiveTime()).isEqualTo(RECEIVED);
    assertThat(t.getMarketTrade()).isTrue();
    Trade sold = (Trade) parser.parse(first("match", "SKL-USD").replace("\"side\":\"sell\"", "\"side\":\"buy\""), RECEIVED).record();
    assertThat(sold.getSide()).isEqualTo(Side.SELL);
  }

  @Test
  void lastMatchIsARealTrade() throws Exception {
    Trade t = (Trade) parser.parse(first("last_match", "BAND-GBP"), RECEIVED).record();
    assertThat(t.getTradeId()).isEqualTo("881613");
    assertThat(t.getSymbol()).isEqualTo("BAND-GBP");
  }

  @Test
  void theSnapshotIsTheWholeBookAndUpdatesAreDiffsWithoutSequence() throws Exception {
    ParsedFrame snap = parser.parse(first("snapshot", "SKL-BTC"), RECEIVED);
    BookDelta s = (BookDelta) snap.record();
    assertThat(snap.channel()).isEqualTo("level2");
    assertThat(s.getSnapshot()).isTrue();
    assertThat(s.getBids()).hasSizeGreaterThan(10);
    assertThat(s.getAsks()).hasSizeGreaterThan(10);
    assertThat(s.getEventTime()).as("the 2021 feed's snapshot has no time").isEqualTo(RECEIVED);
    assertThat(s.getSequence()).as("numbered by the collector").isNull();

    BookDelta u = (BookDelta) parser.parse(first("l2update", "SKL-BTC"), RECEIVED).record();
    assertThat(u.getSnapshot()).isFalse();
    assertThat(u.getAsks()).containsExactly(new Level(dec("0.00001306"), dec("660.5")));
    assertThat(u.getBids()).isEmpty();
    assertThat(u.getEventTime()).isEqualTo(Instant.parse("2021-04-17T16:43:37.075687Z"));
    assertThat(u.getPrevFinalUpdateId()).isNull();
  }

  @Test
  void heartbeatsAndTickersNameTheLastTrade() throws Exception {
    ParsedFrame hb = parser.parse(
        "{\"type\":\"heartbeat\",\"last_trade_id\":1568276,\"product_id\":\"SKL-USD\",\"sequence\":201391692,\"time\":\"2021-04-17T16:43:50.673426Z\"}",
        RECEIVED);
    assertThat(hb.records()).isEmpty();
    assertThat(hb.marks()).containsExactly(new ParsedFrame.LastTradeId("SKL-USD", "matches", 1568276, false));
    ParsedFrame ticker = parser.parse(first("ticker", "SKL-GBP"), RECEIVED);
    assertThat(ticker.marks()).containsExactly(new ParsedFrame.LastTradeId("SKL-GBP", "matches", 82007, true));
    assertThat(parser.parse(first("subscriptions", null), RECEIVED).isControl()).isTrue();
  }

  /** Every frame of the capture parses; the trades are each product's contiguous ids. */
  @Test
  void everyFrameOfTheCaptureParses() throws Exception {
    Map<String, Long> lastId = new HashMap<>();
    int trades = 0;
    for (CaptureFile.Entry e : CAPTURE) {
      ParsedFrame f = parser.parse(e.frame(), e.receiveTime());
      for (var r : f.records()) {
        if (r instanceof Trade t) {
          trades++;
          long id = Long.parseLong(t.getTradeId());
          Long prev = lastId.put(t.getSymbol(), id);
          if (prev != null) {
            assertThat(id).as("%s ids", t.getSymbol()).isEqualTo(prev + 1);
          }
        }
      }
    }
    assertThat(trades).isEqualTo(34); // 24 matches and 10 last_matches
  }

  @Test
  void unknownTypesRefusalsAndMalformedFramesAreErrorsWithTheirChannel() {
    assertThatThrownBy(() -> parser.parse("{\"type\":\"status\",\"products\":[],\"currencies\":[]}", RECEIVED))
        .isInstanceOf(ParseException.class)
        .satisfies(e -> {
          ParseException p = (ParseException) e;
          assertThat(p.stage()).isEqualTo(ParseException.STAGE_UNKNOWN);
          assertThat(p.channel()).isEqualTo("status");
        });
    assertThatThrownBy(() -> parser.parse(
            "{\"type\":\"error\",\"message\":\"Failed to subscribe\",\"reason\":\"level2, level3, and full channels now require authentication.\"}",
            RECEIVED))
        .hasMessageContaining("Failed to subscribe").hasMessageContaining("require authentication");
    assertThatThrownBy(() -> parser.parse(CoinbaseSimProfile.MALFORMED_FRAME, RECEIVED))
        .isInstanceOf(ParseException.class)
        .satisfies(e -> assertThat(((ParseException) e).stage()).isEqualTo(ParseException.STAGE_PARSE))
        .satisfies(e -> assertThat(((ParseException) e).channel()).isEqualTo("matches"));
    assertThatThrownBy(() -> parser.parse(first("match", "SKL-USD").replace("\"price\":\"0.791\"", "\"price\":\"-0.791\""), RECEIVED))
        .satisfies(e -> assertThat(((ParseException) e).stage()).isEqualTo(ParseException.STAGE_SCHEMA));
    assertThatThrownBy(() -> parser.parse(first("match", "SKL-USD").replace("\"price\":\"0.791\"", "\"price\":\"0.1234567890123456789\""),
            RECEIVED))
        .hasMessageContaining("bad decimal");
  }
}
