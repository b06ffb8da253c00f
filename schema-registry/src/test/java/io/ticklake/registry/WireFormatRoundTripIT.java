package io.ticklake.registry;

import io.ticklake.schema.serde.SampleRecords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.Schemas;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.testkit.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One record of every model schema through a real broker and our registry, with the serde set up
 * the way applications do it (class names and properties, Kafka instantiates them).
 */
@Tag("integration")
class WireFormatRoundTripIT {

  private static String topicOf(Class<?> type) {
    return "md.it.roundtrip." + type.getSimpleName().toLowerCase() + ".v1";
  }

  @Test
  void everyModelSchemaRoundTrips() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        RegistryServer registry =
            new RegistryServer(
                    new RegistryConfig(
                        Map.of(
                            RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                            RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
                .start()) {
      Map<String, SpecificRecord> sent = new HashMap<>();
      Map<String, Object> producerConfig = new HashMap<>();
      producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroWireSerializer.class.getName());
      producerConfig.put("schema.registry.url", registry.url());
      try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerConfig)) {
        int seed = 0;
        for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
          SpecificRecord record = SampleRecords.sample(type, seed++);
          sent.put(topicOf(type), record);
          producer.send(new ProducerRecord<>(topicOf(type), "binance-usdm:BTCUSDT", record)).get();
        }
      }

      List<TopicPartition> partitions = new ArrayList<>();
      sent.keySet().forEach(topic -> partitions.add(new TopicPartition(topic, 0)));
      Map<String, Object> consumerConfig = new HashMap<>();
      consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroWireDeserializer.class.getName());
      consumerConfig.put("schema.registry.url", registry.url());
      consumerConfig.put("specific.avro.reader", "true");
      Map<String, Object> received = new HashMap<>();
      try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(consumerConfig)) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
            received.put(r.topic(), r.value());
          }
          return received.size() == sent.size();
        });
      }
      for (Map.Entry<String, SpecificRecord> e : sent.entrySet()) {
        assertThat(received.get(e.getKey())).as(e.getKey()).isInstanceOf(e.getValue().getClass()).isEqualTo(e.getValue());
      }

      // The bytes on the wire: magic 0, then the registry's id for <topic>-value, big-endian.
      CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(registry.url());
      Map<String, Object> rawConfig = new HashMap<>(consumerConfig);
      rawConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      Map<String, byte[]> raw = new HashMap<>();
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(rawConfig)) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            raw.put(r.topic(), r.value());
          }
          return raw.size() == sent.size();
        });
      }
      for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
        byte[] bytes = raw.get(topicOf(type));
        int id = client.lookup(topicOf(type) + "-value", Schemas.of(type));
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).as(type.getSimpleName()).isEqualTo(id);
        assertThat(new byte[] {bytes[1], bytes[2], bytes[3], bytes[4]})
            .containsExactly((byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id);
      }
    }
  }
}
