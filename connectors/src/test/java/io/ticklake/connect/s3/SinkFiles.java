package io.ticklake.connect.s3;

import io.ticklake.connect.s3.partition.LakePartitioner;
import io.ticklake.connect.s3.storage.S3Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** Writes records into a store exactly as the sink would, for compaction and QA tests. */
public final class SinkFiles {
  private SinkFiles() {}

  /** One committed batch of md.norm.trades.v1 partition 0 starting at the given offset. */
  public static void write(S3Storage storage, Path tmp, long firstOffset, List<GenericRecord> records) {
    write(storage, tmp, "md.norm.trades.v1", firstOffset, records);
  }

  /** One committed batch of the topic's partition 0 starting at the given offset. */
  public static void write(S3Storage storage, Path tmp, String topic, long firstOffset, List<GenericRecord> records) {
    LakePartitioner partitioner = new LakePartitioner(DateTimeFormatter.ofPattern("'date'=yyyy-MM-dd"));
    TopicPartitionWriter w = new TopicPartitionWriter(new TopicPartition(topic, 0),
        new WriterSettings("lake", Integer.MAX_VALUE, Optional.empty(), Optional.empty(), CompressionCodecName.ZSTD, tmp.resolve("sink")),
        storage, Clock.systemUTC());
    long offset = firstOffset;
    for (GenericRecord r : records) {
      long t = (Long) r.get("eventTime");
      w.write(offset++, partitioner.encodedPartition(topic, r, t), r, t);
    }
    w.commit();
  }
}
