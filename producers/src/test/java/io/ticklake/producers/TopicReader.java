package io.ticklake.producers;

import static org.awaitility.Awaitility.await;

import io.ticklake.schema.serde.AvroWireDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic of the test broker from the start, as the collectors' integration tests check what they wrote. */
public final class TopicReader {
  private final String bootstrap;
  private final String registryUrl;
  private int groups;

  public TopicReader(String bootstrap, String registryUrl) {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
  }

  /** Consumer settings: from the earliest offset, read committed, Avro records with their classes. */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime() + "-" + groups++);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put("schema.registry.url", registryUrl);
    c.put("specific.avro.reader", true);
    return c;
  }

  /** At least {@code atLeast} records of {@code topic} (and whatever else arrives within half a second). */
  public <T extends SpecificRecord> List<T> atLeast(String topic, int atLeast, Class<T> type) {
    return read(topic, records -> records.size() >= atLeast, Duration.ofMillis(500));
  }

  /** The records of {@code topic} read from the start until {@code done} holds for all read so far. */
  public <T extends SpecificRecord> List<T> until(String topic, Class<T> type, java.util.function.Predicate<List<T>> done) {
    return read(topic, done, Duration.ZERO);
  }

  /** Reads until {@code done} holds, then for {@code more} (anything beyond the expected shows up). */
  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> List<T> read(String topic, java.util.function.Predicate<List<T>> done, Duration more) {
    Deserializer<SpecificRecord> values = new AvroWireDeserializer<>();
    values.configure(consumerConfig(), false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
          out.add((T) r.value());
        }
        return done.test(out);
      });
      if (!more.isZero()) {
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(more)) {
          out.add((T) r.value());
        }
      }
    }
    return out;
  }

  /** The raw frames of a topic, at least {@code atLeast}. */
  public List<ConsumerRecord<String, byte[]>> raw(String topic, int atLeast) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        return out.size() >= atLeast;
      });
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}
