package io.ticklake.streams.ofi;

import io.ticklake.schema.serde.InMemorySchemaRegistryClient;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.Fixtures;

import io.ticklake.streams.TopologyFactory;
import io.ticklake.streams.serde.SerdeFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-level OFI from BookDelta ({@code ofi.source=book}). */
class BookOfiTopologyTest {
  @TempDir Path stateDir;

  @Test
  void multiLevelOfiPerMinuteFromTheBook() {
    AppConfig config =
        new AppConfig(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "ticklake-book-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092",
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                AppConfig.OFI_SOURCE_CONFIG, "book"));
    SerdeFactory serdes = new SerdeFactory(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "mock://test"));
    try (TopologyTestDriver driver = new TopologyTestDriver(TopologyFactory.build(config, serdes), Fixtures.driverProperties(config), T0)) {
      TestInputTopic<String, BookDelta> book =
          driver.createInputTopic(Topics.BOOK, Serdes.String().serializer(), serdes.value(BookDelta.class).serializer());
      pipe(book, OfiCalculatorTest.delta(true, null, 10, null,
          List.of(lv("100", "5"), lv("99", "1")), List.of(lv("100.5", "4"), lv("101", "2"))), T0.plusMillis(1));
      // Level 1 bid 5 -> 7 (+2); level 2 bid 1 -> 3 (+2).
      pipe(book, OfiCalculatorTest.delta(false, 11L, 11, 10L, List.of(lv("100", "7"), lv("99", "3")), List.of()), T0.plusMillis(2));
      // A gap: ignored until the next snapshot, contributes nothing.
      pipe(book, OfiCalculatorTest.delta(false, 20L, 20, 19L, List.of(lv("100", "50")), List.of()), T0.plusMillis(3));
      // A new snapshot, then a diff past the minute plus grace: the diff's term closes the window
      // (a snapshot itself yields no term, so it cannot move the windows' stream time).
      pipe(book, OfiCalculatorTest.delta(true, null, 30, null, List.of(lv("100", "1")), List.of(lv("101", "1"))), T0.plusSeconds(62));
      pipe(book, OfiCalculatorTest.delta(false, 31L, 31, 30L, List.of(lv("100", "2")), List.of()), T0.plusSeconds(63));
      // Minutes are rolled up from closed seconds: the minute closes once a later second has.
      pipe(book, OfiCalculatorTest.delta(false, 32L, 32, 31L, List.of(lv("100", "2")), List.of()), T0.plusSeconds(66));

      List<Ofi> out =
          driver.createOutputTopic(Topics.OFI, Serdes.String().deserializer(), serdes.value(Ofi.class).deserializer())
              .readValuesToList();
      Ofi minute = out.stream().filter(o -> o.getWindow().equals("1m")).findFirst().orElseThrow();
      assertThat(minute.getOfi()).isEqualTo(d("2"));
      assertThat(minute.getUpdates()).isEqualTo(1);
      assertThat(minute.getOfiLevels()).hasSize(OfiCalculator.DEFAULT_DEPTH);
      assertThat(minute.getOfiLevels().subList(0, 3)).containsExactly(d("2"), d("2"), d("0"));
    }
  }

  private static void pipe(TestInputTopic<String, BookDelta> topic, BookDelta delta, Instant t) {
    topic.pipeInput(KEY, BookDelta.newBuilder(delta).setEventTime(t).setReceiveTime(t).build(), t);
  }

  private static Level lv(String p, String s) {
    return new Level(d(p), d(s));
  }
}
