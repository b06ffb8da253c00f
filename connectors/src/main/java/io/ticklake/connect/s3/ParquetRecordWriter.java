package io.ticklake.connect.s3;

import io.ticklake.connect.s3.partition.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.DelegatingWriteSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * One Parquet file being written to local disk: {@link #write}, then {@link #commit} (closes the
 * file, which is then ready to upload) or {@link #abort} (closes and deletes it).
 *
 * <p>The footer carries the Kafka source of the rows ({@link FileNames#META_TOPIC} and friends:
 * topic, partition, first and last offset), so compaction can write exact source offset ranges
 * into the partition manifest; the file name alone only gives the first offset.
 */
final class ParquetRecordWriter {
  private final Path file;
  private final Schema schema;
  private final ParquetWriter<GenericRecord> writer;
  private final String topic;
  private final int partition;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private long count;
  private boolean closed;

  ParquetRecordWriter(Path file, Schema schema, CompressionCodecName codec, String topic, int partition) throws IOException {
    this.file = file;
    this.schema = schema;
    this.topic = topic;
    this.partition = partition;
    this.writer =
        new Builder(new LocalOutputFile(file), schema, this)
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(codec)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
  }

  void write(long offset, GenericRecord record) throws IOException {
    writer.write(record);
    if (firstOffset < 0) {
      firstOffset = offset;
    }
    lastOffset = offset;
    count++;
  }

  long count() {
    return count;
  }

  Schema schema() {
    return schema;
  }

  /** Closes the file (footer written) and returns its path. */
  Path commit() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
    return file;
  }

  /** Closes and deletes the file; never throws. */
  void abort() {
    try {
      commit();
    } catch (IOException | RuntimeException ignored) {
      // The file is deleted below; its records will be replayed from Kafka.
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temp file is harmless.
    }
  }

  private Map<String, String> sourceMetadata() {
    Map<String, String> m = new HashMap<>();
    m.put(FileNames.META_TOPIC, topic);
    m.put(FileNames.META_PARTITION, Integer.toString(partition));
    m.put(FileNames.META_FIRST_OFFSET, Long.toString(firstOffset));
    m.put(FileNames.META_LAST_OFFSET, Long.toString(lastOffset));
    return m;
  }

  /** parquet-avro's writer, plus the source offsets in the footer, known only when the file closes. */
  private static final class Builder extends ParquetWriter.Builder<GenericRecord, Builder> {
    private final Schema schema;
    private final ParquetRecordWriter owner;

    Builder(OutputFile out, Schema schema, ParquetRecordWriter owner) {
      super(out);
      this.schema = schema;
      this.owner = owner;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
      return withSource(new AvroWriteSupport<>(new AvroSchemaConverter(conf).convert(schema), schema, GenericData.get()));
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
      return withSource(new AvroWriteSupport<>(new AvroSchemaConverter(conf).convert(schema), schema, GenericData.get()));
    }

    private WriteSupport<GenericRecord> withSource(WriteSupport<GenericRecord> avro) {
      return new DelegatingWriteSupport<>(avro) {
        @Override
        public FinalizedWriteContext finalizeWrite() {
          Map<String, String> meta = new HashMap<>(super.finalizeWrite().getExtraMetaData());
          meta.putAll(owner.sourceMetadata());
          return new FinalizedWriteContext(meta);
        }
      };
    }
  }
}
