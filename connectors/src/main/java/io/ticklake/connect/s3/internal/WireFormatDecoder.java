package io.ticklake.connect.s3.internal;

import io.ticklake.schema.registry.SchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Reads Confluent wire-format bytes (magic byte 0, 4-byte big-endian schema id, Avro binary) into a
 * {@link GenericRecord} in the writer's own schema, without logical-type conversion: decimals stay
 * bytes and times stay longs, exactly what the Parquet writer stores, so nothing is converted twice.
 */
public final class WireFormatDecoder {
  private static final byte MAGIC_BYTE = 0;
  private static final int HEADER_SIZE = 5;

  private final SchemaRegistryClient registry;
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;

  public WireFormatDecoder(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /**
   * @throws DataException if the bytes are not a wire-format Avro record (a bad record)
   * @throws RetriableException if the registry could not be reached
   */
  public GenericRecord decode(String topic, byte[] bytes) {
    if (bytes.length < HEADER_SIZE || bytes[0] != MAGIC_BYTE) {
      throw new DataException("value on " + topic + " is not Confluent wire format (magic byte 0 + schema id)");
    }
    int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    GenericDatumReader<GenericRecord> reader = readers.get(id);
    if (reader == null) {
      Schema schema;
      try {
        schema = registry.getById(id);
      } catch (SchemaRegistryException e) {
        if (e.status() == SchemaRegistryException.NO_RESPONSE || e.status() >= 500) {
          throw new RetriableException("schema registry unavailable fetching schema id " + id, e);
        }
        throw new DataException("schema id " + id + " of a value on " + topic + " is unknown to the registry", e);
      }
      if (schema.getType() != Schema.Type.RECORD) {
        throw new DataException("schema id " + id + " on " + topic + " is a " + schema.getType() + ", not a record");
      }
      reader = new GenericDatumReader<>(schema, schema, GenericData.get());
      readers.put(id, reader);
    }
    try {
      decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE, decoder);
      return reader.read(null, decoder);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
      throw new DataException("could not read an Avro value on " + topic + " with schema id " + id, e);
    }
  }
}
