package io.ticklake.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ticklake.producers.core.CollectorMetrics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  /** The collector's counters as its /metrics renders them, read back with the strict reader. */
  @Test
  void collectorCountersAndLatencyHistogramAreValidExposition() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CollectorMetrics m = new CollectorMetrics("binance-usdm", registry);
    m.channel("trade").received.addAndGet(7);
    m.channel("trade").produced.addAndGet(6);
    m.channel("depth").deadLettered.incrementAndGet();
    m.channel("depth").gaps.addAndGet(2);
    m.reconnects().incrementAndGet();
    m.connectFailed("connect failed: Connection refused", Instant.now());
    Instant t = Instant.parse("2024-08-08T00:00:00Z");
    m.latency("trade", t, t.plusMillis(3));
    m.latency("trade", t, t.plusMillis(300));

    List<PrometheusText.Sample> s = PrometheusText.samples(registry.scrape());

    Map<String, String> trade = Map.of("venue", "binance-usdm", "channel", "trade");
    assertThat(PrometheusText.sum(s, "ticklake_producer_msg_received_total", trade)).isEqualTo(7);
    assertThat(PrometheusText.sum(s, "ticklake_producer_msg_written_total", trade)).isEqualTo(6);
    assertThat(PrometheusText.sum(s, "ticklake_producer_dead_letters_total", Map.of("channel", "depth"))).isEqualTo(1);
    assertThat(PrometheusText.sum(s, "ticklake_producer_gaps_total", Map.of("channel", "depth"))).isEqualTo(2);
    assertThat(PrometheusText.sum(s, "ticklake_producer_ws_reconnects_total", Map.of())).isEqualTo(1);
    assertThat(PrometheusText.sum(s, "ticklake_producer_ws_connect_failures_total", Map.of())).isEqualTo(1);
    assertThat(PrometheusText.sum(s, "ticklake_producer_latency_seconds_count", trade)).isEqualTo(2);
    Map<String, String> le5ms = new LinkedHashMap<>(trade);
    le5ms.put("le", "0.005");
    assertThat(PrometheusText.sum(s, "ticklake_producer_latency_seconds_bucket", le5ms)).isEqualTo(1);
    le5ms.put("le", "+Inf");
    assertThat(PrometheusText.sum(s, "ticklake_producer_latency_seconds_bucket", le5ms)).isEqualTo(2);
  }

  @Test
  void mergeLabelsChildrenAndKeepsOneHeaderPerFamily() {
    String own = "# HELP up Whether it runs\n# TYPE up gauge\nup 1\n";
    String collector =
        "# HELP up Whether it runs\n# TYPE up gauge\nup 1\n"
            + "# HELP msgs_total Messages\n# TYPE msgs_total counter\nmsgs_total{channel=\"trade\"} 5.0\n";
    String streams = "# TYPE msgs_total counter\nmsgs_total 3\n";
    Map<String, String> children = new LinkedHashMap<>();
    children.put("collector", collector);
    children.put("streams", streams);

    String merged = PrometheusText.merge(own, children);

    Map<String, PrometheusText.Family> f = PrometheusText.families(merged);
    assertThat(f.keySet()).containsExactly("up", "msgs_total");
    assertThat(f.get("up").lines()).containsExactly("up 1", "up{component=\"collector\"} 1");
    assertThat(f.get("msgs_total").lines())
        .containsExactly("msgs_total{component=\"collector\",channel=\"trade\"} 5.0", "msgs_total{component=\"streams\"} 3");
    assertThat(merged).containsOnlyOnce("# TYPE msgs_total counter");
  }

  @Test
  void mergeLeavesOutAFamilyWhoseTypeConflictsAndStaysValid() {
    String merged =
        PrometheusText.merge("# TYPE x gauge\nx 1\n", Map.of("child", "# TYPE x counter\nx 2\n"));
    assertThat(PrometheusText.samples(merged)).hasSize(1);
    assertThat(merged).contains("# ticklake: left out child x (type counter vs gauge)");
  }

  @Test
  void invalidExpositionsAreRefusedNamingTheLine() {
    assertThatThrownBy(() -> PrometheusText.families("# TYPE a gauge\na one\n"))
        .hasMessageContaining("line 2: bad value 'one'");
    assertThatThrownBy(() -> PrometheusText.families("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n"))
        .hasMessageContaining("line 5: samples of a are not together");
    assertThatThrownBy(() -> PrometheusText.families("# TYPE a gauge\n# TYPE a gauge\na 1\n"))
        .hasMessageContaining("second TYPE");
    assertThatThrownBy(() -> PrometheusText.families("# TYPE a lemon\n")).hasMessageContaining("unknown type");
    assertThatThrownBy(() -> PrometheusText.families("a{b=c} 1\n")).hasMessageContaining("bad labels");
    assertThatThrownBy(() -> PrometheusText.families("9a 1\n")).hasMessageContaining("not a sample line");
  }

  @Test
  void labelValuesWithEscapesSurvive() {
    List<PrometheusText.Sample> s =
        PrometheusText.samples("m{a=\"x\\\"y\",b=\"1,2\"} 4 1723161255000\nm2 +Inf\n");
    assertThat(s.get(0).labels()).containsEntry("a", "x\\\"y").containsEntry("b", "1,2");
    assertThat(s.get(0).value()).isEqualTo(4);
    assertThat(s.get(1).value()).isInfinite();
  }
}
