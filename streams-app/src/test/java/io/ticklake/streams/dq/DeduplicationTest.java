package io.ticklake.streams.dq;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.serde.StateSerde;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trade-id dedup: ranges for a sequence, ids one by one once a key's ids prove sparse. */
class DeduplicationTest {
  private static final String STORE = "dedup-store";
  private final StateSerde<Trade> trades = new StateSerde<>(Trade.class);
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Trade> in;
  private TestOutputTopic<String, Trade> out;

  @BeforeEach
  void setUp() {
    Deduplication<Trade> dedup =
        new Deduplication<>(
            STORE, Duration.ofHours(1), t -> t.getSymbol() + ":" + t.getTradeId(), t -> Deduplication.canonicalLong(t.getTradeId()));
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in", Consumed.with(Serdes.String(), trades)).processValues(dedup).to("out", Produced.with(Serdes.String(), trades));
    driver = Fixtures.driver(b.build(), "dedup-test", stateDir);
    in = driver.createInputTopic("in", Serdes.String().serializer(), trades);
    out = driver.createOutputTopic("out", Serdes.String().deserializer(), trades);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void send(long id, long atMillis) {
    Instant t = T0.plusMillis(atMillis);
    in.pipeInput(KEY, Fixtures.trade(id, t, Side.BUY, "100", "1"), t);
  }

  private SeenIds ranges() {
    return driver.<String, SeenIds>getKeyValueStore(Deduplication.rangesStoreName(STORE)).get(KEY);
  }

  @Test
  void aSequenceIsOneRangeAndItsRepeatsAreDropped() {
    for (long id = 1; id <= 500; id++) {
      send(id, id);
    }
    for (long id = 1; id <= 500; id += 7) {
      send(id, 1_000 + id);
    }
    assertThat(out.readValuesToList()).hasSize(500);
    assertThat(ranges().ranges()).isEqualTo(1);
  }

  @Test
  void sparseIdsAreRememberedOneByOneAndTheirRepeatsStillDropped() {
    // A venue numbering trades across six symbols: this symbol sees every sixth id.
    for (int i = 0; i < 500; i++) {
      send(1_000 + 6L * i, i);
    }
    assertThat(ranges().ranges()).as("ranges stop growing").isEqualTo(SeenIds.SPARSE_RANGES);
    for (int i = 0; i < 500; i += 3) {
      send(1_000 + 6L * i, 1_000 + i); // repeats, from the ranges and from the one-by-one memory
    }
    send(1_001, 2_000); // joins the first range: still a range, and new
    send(1_001, 2_001);
    assertThat(out.readValuesToList()).hasSize(501);

    // The 65th id (1,384) was remembered on its own. A backfill brings the 64th range (1,378) up
    // to 1,383; a repeat of 1,384 now joins that range, and must still be found.
    long alone = 1_000 + 6L * SeenIds.SPARSE_RANGES;
    for (long id = alone - 5; id < alone; id++) {
      send(id, 3_000 + id);
    }
    send(alone, 5_000);
    assertThat(out.readValuesToList()).extracting(t -> Long.parseLong(t.getTradeId()))
        .containsExactly(alone - 5, alone - 4, alone - 3, alone - 2, alone - 1);
  }
}
