package io.ticklake.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrored values reach their store at each commit, as they stand then, and only then. */
class StoreMirrorTest {
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Serde<List<Long>> LONGS = (Serde) Serdes.ListSerde(ArrayList.class, Serdes.Long());

  @TempDir Path stateDir;

  @Test
  void aValueReachesTheStoreAtTheFlushAsItStandsThen() {
    StoreMirror.FlushingStore<List<Long>> store = new StoreMirror.FlushingStore<>(inMemory("s"));
    MockProcessorContext<String, String> context = context(store);
    StoreMirror<List<Long>> mirror = StoreMirror.of(context, "s");

    List<Long> ids = new ArrayList<>(List.of(1L));
    mirror.put("k", ids);
    ids.add(2L); // changed in place after the put, as the processors do
    assertThat(store.get("k")).as("nothing is written before the commit").isNull();
    assertThat(mirror.get("k")).isSameAs(ids);

    store.flushCache();
    assertThat(store.get("k")).containsExactly(1L, 2L);

    ids.add(3L); // not put again: not marked, so the next flush leaves the store as it was
    store.flushCache();
    assertThat(store.get("k")).containsExactly(1L, 2L);
  }

  @Test
  void aNewMirrorReadsTheStoreAndReplacesTheOldOnesWrite() {
    StoreMirror.FlushingStore<List<Long>> store = new StoreMirror.FlushingStore<>(inMemory("s"));
    MockProcessorContext<String, String> context = context(store);
    StoreMirror<List<Long>> old = StoreMirror.of(context, "s");
    old.put("k", new ArrayList<>(List.of(1L)));
    store.flushCache();
    old.put("k", new ArrayList<>(List.of(1L, 99L))); // never committed: the task failed here

    StoreMirror<List<Long>> revived = StoreMirror.of(context, "s");
    assertThat(revived.get("k")).containsExactly(1L);
    store.flushCache();
    assertThat(store.get("k")).as("the old mirror's uncommitted value is not written").containsExactly(1L);
  }

  @Test
  void aStoreNotBuiltForAMirrorIsRefused() {
    MockProcessorContext<String, String> context = context(inMemory("plain"));
    assertThatThrownBy(() -> StoreMirror.of(context, "plain"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plain")
        .hasMessageContaining("StoreMirror.builder");
  }

  /**
   * Kafka Streams' own commit writes the mirror: the test driver commits after every record, and
   * the store (as interactive queries see it) then holds every id so far.
   */
  @Test
  void kafkaStreamsCommitWritesTheMirroredValues() {
    Topology t = new Topology();
    t.addSource("in", Serdes.String().deserializer(), Serdes.Long().deserializer(), "in");
    t.addProcessor("collect", new Collect(), "in");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-mirror-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(t, p)) {
      TestInputTopic<String, Long> in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.Long().serializer());
      KeyValueStore<String, List<Long>> store = driver.getKeyValueStore("ids");
      in.pipeInput("a", 1L);
      assertThat(store.get("a")).containsExactly(1L);
      in.pipeInput("b", 7L);
      in.pipeInput("a", 2L);
      assertThat(store.get("a")).containsExactly(1L, 2L);
      assertThat(store.get("b")).containsExactly(7L);
    }
  }

  /** Appends each record's value to its key's list, in place. */
  private static final class Collect implements ProcessorSupplier<String, Long, Void, Void> {
    @Override
    public Processor<String, Long, Void, Void> get() {
      return new Processor<>() {
        private StoreMirror<List<Long>> ids;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
          ids = StoreMirror.of(context, "ids");
        }

        @Override
        public void process(Record<String, Long> record) {
          List<Long> list = ids.get(record.key());
          list = list == null ? new ArrayList<>() : list;
          list.add(record.value());
          ids.put(record.key(), list);
        }
      };
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return Set.of(StoreMirror.builder("ids", LONGS));
    }
  }

  private static KeyValueStore<String, List<Long>> inMemory(String name) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), LONGS).withLoggingDisabled().build();
  }

  private static MockProcessorContext<String, String> context(KeyValueStore<?, ?> store) {
    MockProcessorContext<String, String> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return context;
  }
}
