package io.ticklake.ops.dq;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DqWindowTest {
  static final Instant T0 = Instant.parse("2026-03-10T11:00:00Z");
  static final DqWindow.Limits LIMITS = new DqWindow.Limits(0.999, 0, 2000, 2, false);

  static Trade trade(String symbol, long id, long latencyMs) {
    Instant event = T0.plusMillis(id);
    return Trade.newBuilder()
        .setVenue("binance-usdm").setSymbol(symbol).setTradeId(Long.toString(id)).setSide(Side.BUY)
        .setPrice(new BigDecimal("61800.200000000000000000")).setSize(new BigDecimal("0.001000000000000000"))
        .setMarketTrade(true).setChannel("trade").setFirstTradeId(null).setLastTradeId(null)
        .setEventTime(event).setTransactTime(null).setReceiveTime(event.plusMillis(latencyMs)).build();
  }

  static DqReport.Check find(List<DqReport.Check> checks, String check, String symbol) {
    return checks.stream().filter(c -> c.check().equals(check) && java.util.Objects.equals(c.symbol(), symbol)).findFirst().orElseThrow();
  }

  @Test
  void aCompleteDuplicateFreePromptWindowWithTwoRegimesPasses() {
    DqWindow w = new DqWindow(T0);
    for (long id = 1000; id < 3000; id++) {
      w.add(trade("BTCUSDT", id, 50));
    }
    w.addFeature("{\"venue\":\"binance-usdm\",\"symbol\":\"BTCUSDT\",\"windowStart\":\"a\",\"windowEnd\":\"b\",\"regime\":\"A_H\"}");
    w.addFeature("{\"venue\":\"binance-usdm\",\"symbol\":\"BTCUSDT\",\"windowStart\":\"b\",\"windowEnd\":\"c\",\"regime\":\"Q_L\"}");
    List<DqReport.Check> checks = w.judge(LIMITS, Set.of("binance-usdm:BTCUSDT"));
    assertThat(checks).extracting(DqReport.Check::status).containsOnly("PASS");
    assertThat(find(checks, "completeness", "BTCUSDT").observed()).isEqualTo("1");
    assertThat(find(checks, "latency", "BTCUSDT").observed()).isEqualTo("50");
    assertThat(find(checks, "coverage", null).observed()).isEqualTo("2");
    assertThat(w.regimeCounts()).containsEntry("A_H", 1L).containsEntry("Q_L", 1L).containsEntry("A_L", 0L);
  }

  @Test
  void missingIdsDuplicatesSlowTradesAndASilentSymbolFail() {
    DqWindow w = new DqWindow(T0);
    for (long id = 0; id < 1000; id++) {
      if (id % 100 != 7) { // ten ids missing
        w.add(trade("BTCUSDT", id, id < 980 ? 10 : 5000)); // the slowest 2 % above the bound
      }
    }
    w.add(trade("BTCUSDT", 500, 10));
    w.add(trade("BTCUSDT", 501, 10));
    w.addFeature("{\"regime\":\"A_H\"}");
    w.addFeature("not json");
    List<DqReport.Check> checks = w.judge(LIMITS, Set.of("binance-usdm:BTCUSDT", "binance-usdm:ETHUSDT"));
    DqReport.Check completeness = find(checks, "completeness", "BTCUSDT");
    assertThat(completeness.status()).isEqualTo("FAIL");
    assertThat(completeness.observed()).isEqualTo("0.99");
    assertThat(completeness.detail()).contains("990 distinct trade ids of 1000", "(10 missing)");
    assertThat(find(checks, "duplicates", "BTCUSDT")).extracting(DqReport.Check::status, DqReport.Check::observed).containsExactly("FAIL", "2");
    assertThat(find(checks, "latency", "BTCUSDT")).extracting(DqReport.Check::status, DqReport.Check::observed).containsExactly("FAIL", "5000");
    assertThat(find(checks, "completeness", "ETHUSDT").detail()).contains("no trade arrived");
    DqReport.Check coverage = find(checks, "coverage", null);
    assertThat(coverage.status()).isEqualTo("FAIL");
    assertThat(coverage.detail()).contains("1 without a regime label");
    DqReport report = new DqReport("r", T0, T0.plusSeconds(3600), checks, 1, w.regimeCounts());
    assertThat(report.status()).isEqualTo("FAIL");
    assertThat(report.failures()).contains("completeness binance-usdm:BTCUSDT 0.99 vs 0.999");
    assertThat(new String(report.toJson(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"status\" : \"FAIL\"");
  }

  @Test
  void replayedLatencyIsReportedNotJudgedAndNoFeaturesIsAWarning() {
    DqWindow w = new DqWindow(T0);
    w.add(trade("BTCUSDT", 1, 86_400_000));
    List<DqReport.Check> checks = w.judge(new DqWindow.Limits(0.999, 0, 2000, 1, true), Set.of());
    assertThat(find(checks, "latency", "BTCUSDT").status()).isEqualTo("WARN");
    assertThat(find(checks, "coverage", null).status()).isEqualTo("WARN");
    assertThat(new DqReport("r", T0, T0, checks, 0, w.regimeCounts()).status()).isEqualTo("WARN");
  }
}
