package io.ticklake.producers.core;

import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Trade;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
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
 * a fresh snapshot's id is never below one already written). A partition of the trades topic is
 * read further back, {@code records} at a time, until it has shown the latest trade of every
 * collected symbol it holds (a quiet product's last trade may be hours old, behind a busy one's),
 * or its start, or fifty times {@code records}.
 */
final class DeliveredTail {
  private static final Logger log = LoggerFactory.getLogger(DeliveredTail.class);
  private static final int MAX_DEPTH_FACTOR = 50;

  private DeliveredTail() {}

  /**
   * The records of {@code venue} in the tails, oldest first per partition.
   *
   * @param symbols the collected symbols, whose latest trades the trades topic is read back for
   * @param clientConfig bootstrap servers, registry URL and any client settings
   * @throws TimeoutException when the tails cannot be read in {@code timeout}
   */
  static List<SpecificRecord> read(String venue, List<String> symbols, Map<String, Object> clientConfig, int records, Duration timeout) {
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
    int[] unreadable = {0};
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : List.of(Topics.TRADES, Topics.VENUE_CANDLES, Topics.BOOK)) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
          continue; // not created yet: nothing was written
        }
        long depth = topic.equals(Topics.BOOK) ? Math.max(1, records / 10) : records;
        for (PartitionInfo p : partitions) {
          TopicPartition tp = new TopicPartition(topic, p.partition());
          // The symbols whose latest trade this partition must show (records are keyed venue:symbol).
          Set<String> awaited = new HashSet<>();
          if (topic.equals(Topics.TRADES)) {
            for (String s : symbols) {
              byte[] key = (prefix + s).getBytes(StandardCharsets.UTF_8);
              if (Utils.toPositive(Utils.murmur2(key)) % partitions.size() == p.partition()) {
                awaited.add(s);
              }
            }
          }
          out.addAll(readBack(consumer, tp, depth, awaited, prefix, values, deadline, unreadable));
        }
      }
    }
    if (unreadable[0] > 0) {
      log.warn("{}: {} records of earlier runs could not be read back; they are not remembered", venue, unreadable[0]);
    }
    log.info("{}: {} records of earlier runs read back from the topics' tails", venue, out.size());
    return out;
  }

  /**
   * One partition's tail: the last {@code depth} records, then {@code depth} more at a time while
   * a symbol of {@code awaited} has shown no trade, back to the start or {@link #MAX_DEPTH_FACTOR}
   * times {@code depth}. Oldest first.
   */
  private static List<SpecificRecord> readBack(KafkaConsumer<String, byte[]> consumer, TopicPartition tp, long depth,
      Set<String> awaited, String prefix, AvroWireDeserializer<SpecificRecord> values, Instant deadline, int[] unreadable) {
    consumer.assign(List.of(tp));
    Duration left = Duration.between(Instant.now(), deadline);
    long begin = consumer.beginningOffsets(List.of(tp), left).get(tp);
    long end = consumer.endOffsets(List.of(tp), left).get(tp);
    List<List<SpecificRecord>> chunks = new ArrayList<>();
    long to = end;
    while (to > begin && to > end - depth * MAX_DEPTH_FACTOR) {
      long from = Math.max(begin, to - depth);
      List<SpecificRecord> chunk = new ArrayList<>();
      consumer.seek(tp, from);
      while (consumer.position(tp) < to) {
        if (Instant.now().isAfter(deadline)) {
          throw new TimeoutException("the tail of " + tp + " was not read back in time");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= to) {
            break;
          }
          if (r.key() == null || !r.key().startsWith(prefix) || r.value() == null) {
            continue;
          }
          try {
            SpecificRecord v = values.deserialize(r.topic(), r.headers(), r.value());
            chunk.add(v);
            if (v instanceof Trade t) {
              awaited.remove(t.getSymbol());
            }
          } catch (RuntimeException e) {
            unreadable[0]++;
          }
        }
      }
      chunks.add(0, chunk);
      to = from;
      if (awaited.isEmpty()) {
        break;
      }
    }
    List<SpecificRecord> out = new ArrayList<>();
    chunks.forEach(out::addAll);
    return out;
  }
}
