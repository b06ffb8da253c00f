package io.ticklake.streams.internal;

import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.serde.StateSerde;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.Fixtures;
import io.ticklake.streams.ofi.OfiAggregator;
import io.ticklake.streams.ohlcv.OhlcvAggregator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Windows closed on the task's stream time, with grace, each emitted once: 1-second OFI, and
 * 1-minute candles with their history store.
 */
class ClosingWindowsTest {
  private static final String A = "binance-usdm:BTCUSDT";
  private static final String B = "binance-usdm:ETHUSDT";
  private final StateSerde<Ofi> ofis = new StateSerde<>(Ofi.class);
  private final StateSerde<Trade> trades = new StateSerde<>(Trade.class);
  private final StateSerde<Candle> candles = new StateSerde<>(Candle.class);
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Ofi> terms;
  private TestOutputTopic<String, Ofi> seconds;
  private TestInputTopic<String, Trade> tradeIn;
  private TestOutputTopic<String, Candle> candleOut;

  @BeforeEach
  void setUp() {
    Topology t = new Topology();
    t.addSource("terms", Serdes.String().deserializer(), ofis, "terms");
    t.addProcessor(
        "seconds",
        new ClosingWindows<>("open", Duration.ofSeconds(1), Duration.ofSeconds(2), ofis.listSerde(), OfiAggregator.windows("1s"), null),
        "terms");
    t.addProcessor("close", new WindowCloser<Ofi>((o, start, end) -> o), "seconds");
    t.addSink("out", "seconds", Serdes.String().serializer(), ofis, "close");
    t.addSource("trades", Serdes.String().deserializer(), trades, "trades");
    t.addProcessor(
        "minutes",
        new ClosingWindows<>(
            "candles-open",
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            candles.listSerde(),
            OhlcvAggregator.minutes(),
            Stores.windowStoreBuilder(
                Stores.persistentWindowStore("candles", Duration.ofDays(1), Duration.ofMinutes(1), false),
                Serdes.String(),
                candles)),
        "trades");
    t.addProcessor("candle-close", new WindowCloser<>(OhlcvAggregator::close), "minutes");
    t.addSink("candles-out", "candles", Serdes.String().serializer(), candles, "candle-close");
    driver = Fixtures.driver(t, "closing-windows-test", stateDir);
    terms = driver.createInputTopic("terms", Serdes.String().serializer(), ofis);
    seconds = driver.createOutputTopic("seconds", Serdes.String().deserializer(), ofis);
    tradeIn = driver.createInputTopic("trades", Serdes.String().serializer(), trades);
    candleOut = driver.createOutputTopic("candles", Serdes.String().deserializer(), candles);
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

  @Test
  void candlesCloseOnceIntoTheTopicAndTheHistoryStoreWhileOpenOnesStayInTheOpenStore() {
    Instant m0 = T0;
    trade(1, m0.plusSeconds(10), "100", "1");
    trade(2, m0.plusSeconds(50), "102", "2");
    trade(3, m0.plusSeconds(62), "101", "1"); // minute 1; minute 0 still open (5 s grace)
    trade(4, m0.plusSeconds(30), "99", "1"); // out of order, within the grace: minute 0
    assertThat(candleOut.isEmpty()).isTrue();
    trade(5, m0.plusSeconds(65), "103", "1"); // closes minute 0

    List<Candle> out = candleOut.readValuesToList();
    assertThat(out).hasSize(1);
    Candle c = out.get(0);
    assertThat(c.getOpenTime()).isEqualTo(m0);
    assertThat(c.getCloseTime()).isEqualTo(m0.plusSeconds(60));
    assertThat(c.getClosed()).isTrue();
    assertThat(List.of(c.getOpen(), c.getHigh(), c.getLow(), c.getClose())).containsExactly(d("100"), d("102"), d("99"), d("102"));
    assertThat(c.getTradeCount()).isEqualTo(3);
    assertThat(c.getVolume()).isEqualTo(d("4"));

    WindowStore<String, Candle> history = driver.getWindowStore("candles");
    Candle kept = history.fetch(Fixtures.KEY, m0.toEpochMilli());
    assertThat(kept.getTradeCount()).isEqualTo(3);
    assertThat(kept.getCloseTime()).as("kept as aggregated: the last trade's time").isEqualTo(m0.plusSeconds(50));
    List<Candle> open = driver.<String, List<Candle>>getKeyValueStore("candles-open").get(Fixtures.KEY);
    assertThat(open).extracting(Candle::getTradeCount).containsExactly(2L);
    assertThat(open.get(0).getOpenTime()).isEqualTo(m0.plusSeconds(62));

    trade(6, m0.plusSeconds(20), "1", "1"); // minute 0 has closed: late, not counted anywhere
    trade(7, m0.plusSeconds(185), "104", "1");
    assertThat(candleOut.readValuesToList()).extracting(Candle::getOpenTime, Candle::getTradeCount)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(m0.plusSeconds(60), 2L));
  }

  @Test
  void windowsClosedTogetherGoOutInTimeOrderAcrossKeys() {
    term(A, 100, "1");
    term(A, 1_100, "1");
    term(B, 200, "1");
    term(A, 10_000, "1"); // closes A@0, A@1 and B@0 at once
    List<KeyValue<String, Ofi>> out = seconds.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key + "@" + kv.value.getWindowStart())
        .containsExactly(A + "@" + T0, B + "@" + T0, A + "@" + T0.plusSeconds(1));
  }

  /**
   * A restart, as Kafka Streams does it: a new processor on the stores as committed (in-memory
   * stores here stand for the ones restored from their changelogs).
   */
  @Test
  void aWindowClosedBeforeARestartIsNotOpenedAgain() {
    ClosingWindows<Ofi, Ofi> windows =
        new ClosingWindows<>("open", Duration.ofSeconds(1), Duration.ofSeconds(2), ofis.listSerde(), OfiAggregator.windows("1s"), null);
    StoreMirror.FlushingStore<List<Ofi>> open =
        new StoreMirror.FlushingStore<>(
            Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("open"), Serdes.String(), ofis.listSerde()).withLoggingDisabled().build());
    KeyValueStore<String, Long> closedAt =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ClosingWindows.timeStoreName("open")), Serdes.String(), Serdes.Long())
            .withLoggingDisabled()
            .build();

    MockProcessorContext<Windowed<String>, Ofi> before = context(open, closedAt);
    Processor<String, Ofi, Windowed<String>, Ofi> first = windows.get();
    first.init(before);
    first.process(termRecord(A, 100, "1"));
    first.process(termRecord(A, 3_100, "2")); // closes second 0
    assertThat(before.forwarded()).extracting(f -> f.record().key().window().start()).containsExactly(T0.toEpochMilli());
    open.flushCache(); // the commit before the restart: the open windows reach their store

    MockProcessorContext<Windowed<String>, Ofi> after = context(open, closedAt);
    Processor<String, Ofi, Windowed<String>, Ofi> second = windows.get();
    second.init(after);
    second.process(termRecord(A, 500, "100")); // second 0 closed before the restart: late
    second.process(termRecord(A, 6_100, "0")); // closes second 3
    assertThat(after.forwarded()).extracting(f -> f.record().key().window().start()).containsExactly(T0.plusSeconds(3).toEpochMilli());
    assertThat(after.forwarded().get(0).record().value().getOfi()).isEqualTo(d("2"));
  }

  private static MockProcessorContext<Windowed<String>, Ofi> context(KeyValueStore<?, ?>... stores) {
    MockProcessorContext<Windowed<String>, Ofi> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(T0.plus(Duration.ofDays(1)).toEpochMilli());
    for (KeyValueStore<?, ?> store : stores) {
      if (!store.isOpen()) {
        store.init(context.getStateStoreContext(), store);
      }
      context.addStateStore(store);
    }
    return context;
  }

  private static Record<String, Ofi> termRecord(String key, long millis, String e) {
    Instant t = T0.plusMillis(millis);
    return new Record<>(key, OfiAggregator.term("binance-usdm", "BTCUSDT", d(e), List.of(), t), t.toEpochMilli());
  }

  private void trade(long id, Instant t, String price, String size) {
    tradeIn.pipeInput(Fixtures.KEY, Fixtures.trade(id, t, Side.BUY, price, size), t);
  }
}
