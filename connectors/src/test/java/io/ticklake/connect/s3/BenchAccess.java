package io.ticklake.connect.s3;

import io.ticklake.schema.serde.InMemorySchemaRegistryClient;

import io.ticklake.connect.s3.internal.WireFormatDecoder;
import io.ticklake.connect.s3.partition.LakePartitioner;
import io.ticklake.connect.s3.partition.RecordTimeExtractor;
import io.ticklake.connect.s3.storage.InMemoryS3Storage;
import io.ticklake.schema.serde.AvroWireSerializer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The benchmark's way into package-private classes. */
public final class BenchAccess {
  private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();
  private static final String TOPIC = "md.norm.trades.v1";

  private BenchAccess() {}

  public static byte[][] encode(List<GenericRecord> records) {
    AvroWireSerializer<Object> serializer = new AvroWireSerializer<>(REGISTRY, Map.of(), false);
    byte[][] out = new byte[records.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = serializer.serialize(TOPIC, records.get(i));
    }
    return out;
  }

  /** Decode, partition and write every record as the task does; files go to an in-memory store. */
  public static void sink(byte[][] wire, CompressionCodecName codec, Path tmp) {
    WireFormatDecoder decoder = new WireFormatDecoder(REGISTRY);
    LakePartitioner partitioner = new LakePartitioner(DateTimeFormatter.ofPattern("'date'=yyyy-MM-dd"));
    RecordTimeExtractor time = new RecordTimeExtractor(false, List.of("eventTime"));
    TopicPartitionWriter writer = new TopicPartitionWriter(new TopicPartition(TOPIC, 0),
        new WriterSettings("lake", Integer.MAX_VALUE, Optional.empty(), Optional.empty(), codec, tmp),
        new InMemoryS3Storage(), Clock.systemUTC());
    for (int i = 0; i < wire.length; i++) {
      GenericRecord r = decoder.decode(TOPIC, wire[i]);
      long t = time.micros(r, null);
      writer.write(i, partitioner.encodedPartition(TOPIC, r, t), r, t);
    }
    writer.commit();
  }
}
