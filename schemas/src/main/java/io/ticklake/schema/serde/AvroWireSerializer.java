package io.ticklake.schema.serde;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro values in the Confluent wire format: magic byte {@code 0}, the 4-byte big-endian
 * registry id of the writer schema, then the Avro binary encoding.
 *
 * <p>Takes generated {@code SpecificRecord}s (their own {@code SpecificData}, so decimal and
 * timestamp fields convert), {@code GenericRecord}s (a model with the standard logical-type
 * conversions) and boxed primitives. Settings: {@link AvroWireSerdeConfig}. {@code null}
 * serializes to {@code null} (a tombstone).
 */
public class AvroWireSerializer<T> implements Serializer<T> {
  private static final Logger log = LoggerFactory.getLogger(AvroWireSerializer.class);

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;

  private SchemaRegistryClient client;
  private boolean isKey;
  private boolean autoRegister = AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS_DEFAULT;
  private boolean useLatest = AvroWireSerdeConfig.USE_LATEST_VERSION_DEFAULT;
  private SubjectNameStrategy strategy = new TopicNameStrategy();
  private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();

  private record WriterKey(Schema schema, GenericData model) {}

  /** For Kafka to instantiate; {@link #configure} creates the registry client. */
  public AvroWireSerializer() {}

  /** With a given registry client; {@link #configure} is still needed for isKey and settings. */
  public AvroWireSerializer(SchemaRegistryClient client) {
    this.client = client;
  }

  /** With a given client, configured at once. */
  public AvroWireSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
    this.client = client;
    configure(configs, isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroWireSerdeConfig config = new AvroWireSerdeConfig(configs);
    this.isKey = isKey;
    this.autoRegister = config.autoRegisterSchemas();
    this.useLatest = config.useLatestVersion();
    this.strategy = config.subjectNameStrategy(isKey);
    if (client == null) {
      client = new CachingSchemaRegistryClient(configs);
    }
    log.debug(
        "Configured Avro wire serializer (key={}, auto.register={}, use.latest={}, strategy={})",
        isKey,
        autoRegister,
        useLatest,
        strategy.getClass().getSimpleName());
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new SerializationException("AvroWireSerializer used before configure()");
    }
    Schema schema = AvroData.schemaOf(data);
    int id;
    Schema writerSchema = schema;
    Map<Schema, Integer> idsOfTopic = useLatest ? null : idsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    Integer known = idsOfTopic == null ? null : idsOfTopic.get(schema);
    String subject = null;
    try {
      if (known != null) {
        // The subject depends only on topic, key-ness and schema, and an id never changes once given.
        id = known;
      } else if (useLatest) {
        subject = strategy.subjectName(topic, isKey, schema);
        var latest = client.getLatest(subject);
        id = latest.id();
        writerSchema = latest.schema();
      } else if (autoRegister) {
        subject = strategy.subjectName(topic, isKey, schema);
        id = client.register(subject, schema);
        idsOfTopic.put(schema, id);
      } else {
        subject = strategy.subjectName(topic, isKey, schema);
        id = client.lookup(subject, schema);
        idsOfTopic.put(schema, id);
      }
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "could not " + (useLatest ? "get the latest" : autoRegister ? "register" : "look up")
              + " the Avro schema " + schema.getFullName() + " under subject '" + subject + "'",
          e);
    }
    try {
      // One buffer and encoder per thread, reused: a record is written into it and copied out once.
      // The encoder is buffered, not direct: the direct one hands the stream each varint and field
      // in a call of its own (and ByteArrayOutputStream's methods are synchronized); the buffered
      // one writes its buffer in one call at flush(). Taking it again flushes whatever a failed
      // write left in it into the stream, which the reset then drops.
      Buffer out = BUFFERS.get();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, out.encoder);
      out.encoder = encoder;
      out.reset();
      out.write(MAGIC_BYTE);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      GenericData model = AvroData.modelFor(data);
      writers
          .computeIfAbsent(new WriterKey(writerSchema, model), k -> newWriter(k.schema(), k.model()))
          .write(AvroData.toAvro(data), encoder);
      encoder.flush();
      byte[] bytes = out.toByteArray();
      out.shrink();
      return bytes;
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException(
          "could not serialize " + schema.getFullName() + " for topic " + topic + " (schema id " + id + ")",
          e);
    }
  }

  /** A growable output buffer with the encoder that writes into it, kept per thread. */
  private static final class Buffer extends ByteArrayOutputStream {
    private static final int KEEP_MAX = 64 * 1024;
    BinaryEncoder encoder;

    Buffer() {
      super(256);
    }

    /** Lets go of a buffer grown by an outsized record (a full-book snapshot), so none is pinned. */
    void shrink() {
      if (buf.length > KEEP_MAX) {
        buf = new byte[256];
      }
    }
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private static DatumWriter<Object> newWriter(Schema schema, GenericData model) {
    return DecimalBytes.writer(schema, model);
  }

  @Override
  public void close() {
    // The registry client holds no resources that need releasing.
  }
}
