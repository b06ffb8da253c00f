package io.ticklake.producers.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The restart tail on a real broker: a quiet symbol's last trade, hours older than a busy symbol's
 * trades on the same partition, is still read back, so a restarted collector does not write it again.
 */
@Tag("integration")
class DeliveredTailIT {
  private EmbeddedKafka kafka;
  private RegistryServer registry;

  @BeforeEach
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registry = new RegistryServer(new RegistryConfig(Map.of(
        RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
        RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))).start();
    TopicSpec trades = Topics.all(List.of("coinbase")).stream().filter(t -> t.name().equals(Topics.TRADES)).findFirst().orElseThrow();
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(trades.name(), trades.partitions(), (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() {
    registry.close();
    kafka.close();
  }

  @Test
  void aQuietSymbolsLastTradeBehindABusyOnesIsReadBack() throws Exception {
    int partitions = Topics.all(List.of("coinbase")).stream().filter(t -> t.name().equals(Topics.TRADES)).findFirst().orElseThrow()
        .partitions();
    String quiet = "QUIET-USD";
    // A busy symbol whose trades land on the quiet one's partition.
    String busy = null;
    for (int i = 0; busy == null; i++) {
      if (partition("coinbase:BUSY" + i + "-USD", partitions) == partition("coinbase:" + quiet, partitions)) {
        busy = "BUSY" + i + "-USD";
      }
    }
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("schema.registry.url", registry.url());
    AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>();
    values.configure(p, false);
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p, new StringSerializer(), values)) {
      producer.send(new ProducerRecord<>(Topics.TRADES, "coinbase:" + quiet, trade(quiet, 7)));
      for (int i = 0; i < 2_500; i++) {
        producer.send(new ProducerRecord<>(Topics.TRADES, "coinbase:" + busy, trade(busy, 1000 + i)));
      }
      producer.flush();
    }

    List<SpecificRecord> tail = DeliveredTail.read("coinbase", List.of(quiet, busy), p, 200, Duration.ofSeconds(60));

    assertThat(tail).filteredOn(r -> ((Trade) r).getSymbol().equals(quiet)).extracting(r -> ((Trade) r).getTradeId())
        .containsExactly("7");
    // Read back chunk by chunk to the quiet trade, at the partition's start.
    assertThat(tail).hasSize(2_501);
    // Without the quiet symbol to wait for, the tail is the last 200 records.
    assertThat(DeliveredTail.read("coinbase", List.of(busy), p, 200, Duration.ofSeconds(60))).hasSize(200);
  }

  private static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static Trade trade(String symbol, long id) {
    Instant t = Instant.parse("2026-12-07T05:00:00Z").plusMillis(id);
    return Trade.newBuilder()
        .setVenue("coinbase")
        .setSymbol(symbol)
        .setTradeId(Long.toString(id))
        .setSide(Side.BUY)
        .setPrice(Decimals.of(new BigDecimal("1.5")))
        .setSize(Decimals.of(new BigDecimal("2")))
        .setMarketTrade(true)
        .setChannel("matches")
        .setFirstTradeId(null)
        .setLastTradeId(null)
        .setEventTime(t)
        .setTransactTime(t)
        .setReceiveTime(t)
        .build();
  }
}
