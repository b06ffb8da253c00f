package io.ticklake.schema.serde;

import io.ticklake.schema.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroWireSerializer} and {@link AvroWireDeserializer} as one {@link Serde}, for Kafka
 * Streams. Construct it for a generated class to read that class back; configure it once with the
 * registry settings.
 */
public class AvroWireSerde<T> implements Serde<T> {
  private final AvroWireSerializer<T> serializer;
  private final AvroWireDeserializer<T> deserializer;

  /** Generic records (or {@code specific.avro.reader=true}); client from configuration. */
  public AvroWireSerde() {
    this(null, null);
  }

  /** Records of a generated class; client from configuration. */
  public AvroWireSerde(Class<T> type) {
    this(null, type);
  }

  /** Records of a generated class (or generic if {@code type} is null) with a given client. */
  public AvroWireSerde(SchemaRegistryClient client, Class<T> type) {
    this.serializer = new AvroWireSerializer<>(client);
    this.deserializer = new AvroWireDeserializer<>(client, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
