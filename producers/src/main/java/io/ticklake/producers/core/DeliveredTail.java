package io.ticklake.producers.core;

import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a venue's earlier runs already wrote, read back from the tail of the topics at start, so a
 * restarted collector does not write a record the lake holds already: the trade a venue repeats on
 * subscribe (Coinbase's {@code last_match}), the closed candles a poller asks for again, a book
 * snapshot of an unchanged book. The runtime's ledgers are seeded with it ({@link
 * VenueRuntime#seed}); the topics stay the one truth, so a record sent but never acknowledged
 * before a crash is not in the tail and is sent again.
 *
 * <p>Only this venue's records are decoded (their keys start with {@code <venue>:}). The tail is
 * the last {@code records} of each partition of the trades and candles topics, and the last
 * {@code records / 10} of the book topic (only the latest snapshot of each symbol can be repeated:
 * a fresh snapshot's id is never below one already written).
 */
final class DeliveredTail {
  private static final Logger log = LoggerFactory.getLogger(DeliveredTail.class);

  private DeliveredTail() {}

  /**
   * The records of {@code venue} in the tails, oldest first per partition.
   *
   * @param clientConfig bootstrap servers, registry URL and any client settings
   * @throws org.apache.kafka.common.errors.TimeoutException when the tails cannot be read in {@code timeout}
   */
  static List<SpecificRecord> read(String venue, Map<String, Object> clientConfig, int records, Duration timeout) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ticklake-" + venue + "-tail");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    c.put("specific.avro.reader", true);
    AvroWireDeserializer<SpecificRecord> values = new AvroWireDeserializer<>();
    values.configure(c, false);
    String prefix = venue + ":";
    Instant deadline = Instant.now().plus(timeout);
    List<SpecificRecord> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> depth = new HashMap<>();
      for (String topic : List.of(Topics.TRADES, Topics.VENUE_CANDLES, Topics.BOOK)) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null) {
          continue; // not created yet: nothing was written
        }
        long n = topic.equals(Topics.BOOK) ? Math.max(1, records / 10) : records;
        for (PartitionInfo p : partitions) {
          depth.put(new TopicPartition(topic, p.partition()), n);
        }
      }
      if (depth.isEmpty()) {
        return out;
      }
      consumer.assign(depth.keySet());
      Map<TopicPartition, Long> ends = consumer.endOffsets(depth.keySet(), timeout);
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(depth.keySet(), timeout);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (TopicPartition tp : depth.keySet()) {
        long end = ends.get(tp);
        long from = Math.max(begins.get(tp), end - depth.get(tp));
        if (from < end) {
          consumer.seek(tp, from);
          remaining.put(tp, end);
        }
      }
      consumer.pause(depth.keySet().stream().filter(tp -> !remaining.containsKey(tp)).toList());
      while (!remaining.isEmpty()) {
        if (Instant.now().isAfter(deadline)) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "the tails of " + remaining.keySet() + " were not read in " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().startsWith(prefix) && r.value() != null) {
            out.add(values.deserialize(r.topic(), r.headers(), r.value()));
          }
        }
        // A transaction marker or a compacted-away record can leave the position past the last record read.
        remaining.entrySet().removeIf(e -> {
          if (consumer.position(e.getKey()) >= e.getValue()) {
            consumer.pause(List.of(e.getKey()));
            return true;
          }
          return false;
        });
      }
    }
    log.info("{}: {} records of earlier runs read back from the topics' tails", venue, out.size());
    return out;
  }
}
