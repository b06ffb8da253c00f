package io.ticklake.streams.serde;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryClient;
import io.ticklake.schema.serde.AvroWireSerde;
import io.ticklake.schema.serde.StateSerde;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Serdes for the topology: topics on the Confluent wire format ({@link AvroWireSerde}) over one
 * shared registry client, configured once here; state stores on {@link StateSerde}. Keys are plain
 * {@code venue:symbol} strings.
 */
public final class SerdeFactory {
  private final SchemaRegistryClient client;
  private final Map<String, Object> config;
  private final Map<Class<?>, Serde<?>> values = new ConcurrentHashMap<>();
  private final Map<Class<?>, Serde<?>> states = new ConcurrentHashMap<>();
  private final Serde<String> keys = Serdes.serdeFrom(new StringSerializer(), new RecurringStringDeserializer());

  /** Serdes over the given client (tests pass an in-memory one); {@code config} tunes the serde. */
  public SerdeFactory(SchemaRegistryClient client, Map<String, ?> config) {
    this.client = client;
    this.config = new HashMap<>(config);
  }

  /** Serdes over an HTTP registry client built from {@code schema.registry.url} and friends. */
  public static SerdeFactory forRegistry(Map<String, ?> config) {
    return new SerdeFactory(new CachingSchemaRegistryClient(config), config);
  }

  /** The value serde of a generated Avro class. */
  @SuppressWarnings("unchecked")
  public <T> Serde<T> value(Class<T> type) {
    return (Serde<T>)
        values.computeIfAbsent(
            type,
            t -> {
              AvroWireSerde<T> serde = new AvroWireSerde<>(client, type);
              serde.configure(config, false);
              return serde;
            });
  }

  /**
   * The serde of a generated Avro class in a state store and its changelog: {@link StateSerde}, no
   * registry. Only for state; topics that anyone else reads use {@link #value}.
   */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<T> state(Class<T> type) {
    return (Serde<T>) states.computeIfAbsent(type, t -> new StateSerde<>(type));
  }

  /** A list of a generated class's records in a state store ({@link StateSerde#listSerde}). */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<java.util.List<T>> stateList(Class<T> type) {
    return ((StateSerde<T>) state(type)).listSerde();
  }

  /** The key serde: {@code venue:symbol}, UTF-8; a key read again is the same String ({@link RecurringStringDeserializer}). */
  public Serde<String> key() {
    return keys;
  }
}
