package io.ticklake.schema.serde;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Confluent wire format written by {@link AvroWireSerializer} or Confluent's
 * serializers: checks the magic byte, fetches the writer schema by id (cached) and resolves it to
 * the reader schema, so records written with an older or newer compatible schema still read.
 *
 * <p>Generic by default (reader schema = writer schema, a {@code GenericRecord} with logical types
 * converted). Specific when constructed for a class, or with {@code specific.avro.reader=true}:
 * then the generated class named by the writer schema is loaded and its {@code SCHEMA$} is the
 * reader schema. Top-level strings come back as {@code String}, bytes as {@code byte[]}.
 */
public class AvroWireDeserializer<T> implements Deserializer<T> {
  private static final Logger log = LoggerFactory.getLogger(AvroWireDeserializer.class);

  private SchemaRegistryClient client;
  private final Class<T> type;
  private boolean specific;
  private final Map<ReaderKey, DatumReader<Object>> readers = new ConcurrentHashMap<>();

  private record ReaderKey(int writerId, Class<?> readerClass) {}

  /** For Kafka to instantiate; {@link #configure} creates the registry client. */
  public AvroWireDeserializer() {
    this(null, null);
  }

  /** Reads into the given generated class (or, for a non-record type, generic data). */
  public AvroWireDeserializer(Class<T> type) {
    this(null, type);
  }

  /** With a given registry client, generic unless configured otherwise. */
  public AvroWireDeserializer(SchemaRegistryClient client) {
    this(client, null);
  }

  /** With a given registry client, reading into the given class; usable without configure. */
  public AvroWireDeserializer(SchemaRegistryClient client, Class<T> type) {
    this.client = client;
    this.type = type;
    this.specific = type != null && SpecificRecord.class.isAssignableFrom(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroWireSerdeConfig config = new AvroWireSerdeConfig(configs);
    specific = config.specificAvroReader() || (type != null && SpecificRecord.class.isAssignableFrom(type));
    if (client == null) {
      client = new CachingSchemaRegistryClient(configs);
    }
    log.debug("Configured Avro wire deserializer (key={}, specific={}, type={})", isKey, specific, type);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (client == null) {
      throw new SerializationException("AvroWireDeserializer used before configure()");
    }
    if (bytes.length < AvroWireSerializer.HEADER_SIZE) {
      throw new SerializationException(
          "record on topic " + topic + " is " + bytes.length
              + " bytes, shorter than the 5-byte wire-format header (magic byte 0 + schema id)");
    }
    if (bytes[0] != AvroWireSerializer.MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "Unknown magic byte 0x%02x on topic %s: not Confluent wire format (magic byte 0,"
                  + " 4-byte schema id, Avro binary); was it written by another serializer?",
              bytes[0], topic));
    }
    int id =
        ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    Schema writerSchema;
    try {
      writerSchema = client.getById(id);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "could not fetch the writer schema id " + id + " for a record on topic " + topic, e);
    }
    try {
      DatumReader<Object> reader = readerFor(id, writerSchema);
      Object value =
          reader.read(
              null,
              DecoderFactory.get()
                  .binaryDecoder(bytes, AvroWireSerializer.HEADER_SIZE, bytes.length - AvroWireSerializer.HEADER_SIZE, null));
      return (T) AvroData.fromAvro(value);
    } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
      throw new SerializationException(
          "could not deserialize a record on topic " + topic + " with writer schema id " + id, e);
    }
  }

  private DatumReader<Object> readerFor(int id, Schema writerSchema) {
    Class<?> readerClass = specific ? specificClass(writerSchema) : null;
    return readers.computeIfAbsent(new ReaderKey(id, readerClass), k -> newReader(writerSchema, k.readerClass()));
  }

  private Class<?> specificClass(Schema writerSchema) {
    if (type != null && SpecificRecord.class.isAssignableFrom(type)) {
      return type;
    }
    Schema.Type kind = writerSchema.getType();
    if (kind != Schema.Type.RECORD && kind != Schema.Type.ENUM && kind != Schema.Type.FIXED) {
      return null;
    }
    Class<?> found = SpecificData.get().getClass(writerSchema);
    if (found == null || found == Object.class) {
      throw new SerializationException(
          "specific.avro.reader is set but no generated class " + writerSchema.getFullName()
              + " is on the class path");
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static DatumReader<Object> newReader(Schema writerSchema, Class<?> readerClass) {
    if (readerClass == null) {
      return (DatumReader<Object>) AvroData.GENERIC.createDatumReader(writerSchema, writerSchema);
    }
    SpecificData model = SpecificData.getForClass(readerClass);
    Schema readerSchema = model.getSchema(readerClass);
    GenericData data = model;
    return (DatumReader<Object>) data.createDatumReader(writerSchema, readerSchema);
  }

  @Override
  public void close() {
    // The registry client holds no resources that need releasing.
  }
}
