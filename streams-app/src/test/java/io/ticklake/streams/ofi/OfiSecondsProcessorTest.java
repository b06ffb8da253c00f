package io.ticklake.streams.ofi;

import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.serde.StateSerde;
import io.ticklake.schema.v1.Ofi;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 1-second OFI windows: closed on the task's stream time, with grace, each emitted once. */
class OfiSecondsProcessorTest {
  private static final String A = "binance-usdm:BTCUSDT";
  private static final String B = "binance-usdm:ETHUSDT";
  private final StateSerde<Ofi> ofis = new StateSerde<>(Ofi.class);
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Ofi> terms;
  private TestOutputTopic<String, Ofi> seconds;

  @BeforeEach
  void setUp() {
    Topology t = new Topology();
    t.addSource("terms", Serdes.String().deserializer(), ofis, "terms");
    t.addProcessor("seconds", new OfiSecondsProcessor("open", Duration.ofSeconds(2), ofis.listSerde()), "terms");
    t.addSink("out", "seconds", Serdes.String().serializer(), ofis, "seconds");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ofi-seconds-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(t, p, T0);
    terms = driver.createInputTopic("terms", Serdes.String().serializer(), ofis);
    seconds = driver.createOutputTopic("seconds", Serdes.String().deserializer(), ofis);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void term(String key, long millis, String e) {
    Instant t = T0.plusMillis(millis);
    terms.pipeInput(key, OfiAggregator.term("binance-usdm", key.substring(key.indexOf(':') + 1), d(e), List.of(), t), t);
  }

  @Test
  void outOfOrderTermsWithinTheGraceCountLateOnesDoNot() {
    term(A, 100, "1");
    term(A, 500, "2");
    term(A, 1_200, "10");
    term(A, 900, "4"); // out of order, second 0 is still open (it closes at 1 s + 2 s grace)
    assertThat(seconds.isEmpty()).as("nothing closed before 3 s of stream time").isTrue();

    term(A, 3_000, "100");
    List<KeyValue<String, Ofi>> out = seconds.readKeyValuesToList();
    assertThat(out).hasSize(1);
    Ofi first = out.get(0).value;
    assertThat(out.get(0).key).isEqualTo(A);
    assertThat(first.getWindow()).isEqualTo("1s");
    assertThat(first.getWindowStart()).isEqualTo(T0);
    assertThat(first.getWindowEnd()).isEqualTo(T0.plusSeconds(1));
    assertThat(first.getOfi()).isEqualTo(d("7"));
    assertThat(first.getUpdates()).isEqualTo(3);
    assertThat(first.getEventTime()).isEqualTo(T0.plusMillis(900));

    term(A, 200, "1000"); // second 0 has closed: late, not added to any second
    term(A, 4_500, "0");
    out = seconds.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.value.getWindowStart()).containsExactly(T0.plusSeconds(1));
    assertThat(out.get(0).value.getOfi()).isEqualTo(d("10"));
    assertThat(out.get(0).value.getUpdates()).isEqualTo(1);
  }

  @Test
  void aSilentKeysSecondClosesOnTheTasksStreamTime() {
    term(B, 300, "5");
    term(A, 400, "1");
    term(A, 3_100, "1"); // only A moves on
    List<KeyValue<String, Ofi>> out = seconds.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder(A, B);
    Ofi b = out.stream().filter(kv -> kv.key.equals(B)).findFirst().orElseThrow().value;
    assertThat(b.getOfi()).isEqualTo(d("5"));
    assertThat(b.getSymbol()).isEqualTo("ETHUSDT");
    // The open second of A (3 s) is in the store, for the query API.
    List<Ofi> open = driver.<String, List<Ofi>>getKeyValueStore("open").get(A);
    assertThat(open).extracting(Ofi::getWindowStart).containsExactly(T0.plusSeconds(3));
  }
}
