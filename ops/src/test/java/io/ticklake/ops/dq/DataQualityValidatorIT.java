package io.ticklake.ops.dq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.ops.stack.Provisioner;
import io.ticklake.ops.stack.StackConfig;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator on a real broker and registry: it tails what arrives, writes a report and a slices
 * manifest per run under {@code dq/}, publishes a {@code DataQualityEvent} per check, and a run of
 * failures as long as the tolerance raises the alert.
 */
@Tag("integration")
class DataQualityValidatorIT {
  @TempDir Path data;
  EmbeddedKafka kafka;
  RegistryServer registry;
  StackConfig config;
  DataQualityValidator validator;

  @BeforeEach
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registry = new RegistryServer(new RegistryConfig(Map.of(
        RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
        RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))).start();
    try (Admin admin = kafka.admin()) {
      Provisioner.ensureTopics(admin, Topics.all(List.of("binance-usdm")));
    }
    config = StackConfig.load(null, Map.of(), Map.of(
        "kafka.bootstrap.servers", kafka.bootstrapServers(),
        "schema.registry.url", registry.url(),
        "data.dir", data.toString(),
        "validate.interval.min", "0", // runs on request only
        "dq.fail.max.tol", "2"));
  }

  @AfterEach
  void stop() {
    if (validator != null) {
      validator.close();
    }
    registry.close();
    kafka.close();
  }

  @Test
  void eachRunWritesItsReportAndResultsAndTwoFailuresInARowAlert() throws Exception {
    validator = new DataQualityValidator(() -> config, () -> Set.of("binance-usdm:BTCUSDT"), data, Clock.systemUTC()).start();
    await().atMost(Duration.ofSeconds(60)).until(validator::ready);

    produce(0, 200);
    produceFeature("A_H");
    validator.requestRun();
    await().atMost(Duration.ofSeconds(60)).until(() -> validator.last() != null);
    DqReport first = validator.last();
    assertThat(first.status()).as(first.failures()).isEqualTo("PASS");
    assertThat(first.regimeCounts()).containsEntry("A_H", 1L);

    // Next window: ids 300..399 only (the window sees 100 of 100: complete), then a window with a
    // hole and a repeat: two failures in a row.
    produce(300, 100);
    produce(300, 1);
    validator.requestRun();
    await().atMost(Duration.ofSeconds(60)).until(() -> validator.last() != first);
    DqReport second = validator.last();
    assertThat(second.failed()).isTrue();
    assertThat(second.failures()).contains("duplicates binance-usdm:BTCUSDT 1 vs 0");
    assertThat(second.consecutiveFailures()).isEqualTo(1);
    assertThat(validator.alerting()).as("one failure is within the tolerance").isFalse();
    validator.requestRun(); // nothing arrives: BTCUSDT silent
    await().atMost(Duration.ofSeconds(60)).until(() -> validator.last() != second);
    assertThat(validator.last().consecutiveFailures()).isEqualTo(2);
    assertThat(validator.last().failures()).contains("completeness binance-usdm:BTCUSDT 0 vs 0.999");
    assertThat(validator.alerting()).as("two in a row: ALERT [CRITICAL] dq").isTrue();

    List<Path> reports;
    try (Stream<Path> s = Files.list(data.resolve("dq"))) {
      reports = s.sorted().toList();
    }
    assertThat(reports).extracting(p -> p.getFileName().toString()).anyMatch(n -> n.matches("report-\\d{8}T\\d{6}\\.\\d{3}Z\\.json"))
        .anyMatch(n -> n.matches("slices-\\d{8}T\\d{6}\\.\\d{3}Z\\.json"));
    assertThat(reports).as("one report and one slices manifest per run").hasSize(6);
    String slices = Files.readString(reports.stream().filter(p -> p.getFileName().toString().startsWith("slices-")).findFirst().orElseThrow());
    assertThat(slices).contains("\"A_H\":[{").contains("\"Q_L\":[]");

    List<DataQualityEvent> events = consumeDq(4 + 4 + 2);
    assertThat(events).extracting(DataQualityEvent::getCheck).contains("completeness", "duplicates", "latency", "coverage");
  }

  private void produce(long firstId, int n) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("schema.registry.url", registry.url());
    AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>();
    values.configure(props, false);
    try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(props, new StringSerializer(), values)) {
      for (long id = firstId; id < firstId + n; id++) {
        Trade t = DqWindowTest.trade("BTCUSDT", id, 20);
        p.send(new ProducerRecord<>(Topics.TRADES, "binance-usdm:BTCUSDT", t));
      }
      p.flush();
    }
  }

  private void produceFeature(String regime) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>(Topics.FEATURES_1M, "binance-usdm:BTCUSDT",
          "{\"venue\":\"binance-usdm\",\"symbol\":\"BTCUSDT\",\"windowStart\":\"2026-03-10T11:00:00Z\",\"windowEnd\":\"2026-03-10T11:01:00Z\",\"regime\":\"" + regime + "\"}"));
      p.flush();
    }
  }

  private List<DataQualityEvent> consumeDq(int atLeast) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "dq-it");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put("schema.registry.url", registry.url());
    props.put("specific.avro.reader", true);
    AvroWireDeserializer<DataQualityEvent> values = new AvroWireDeserializer<>();
    values.configure(props, false);
    List<DataQualityEvent> out = new ArrayList<>();
    try (KafkaConsumer<String, DataQualityEvent> c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      c.subscribe(List.of(Topics.DATA_QUALITY));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, DataQualityEvent> r : c.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
        return out.size() >= atLeast;
      });
    }
    return out;
  }
}
