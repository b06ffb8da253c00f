package io.ticklake.connect.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * One Parquet file being written to local disk: {@link #write}, then {@link #commit} (closes the
 * file, which is then ready to upload) or {@link #abort} (closes and deletes it).
 */
final class ParquetRecordWriter {
  private final Path file;
  private final Schema schema;
  private final ParquetWriter<GenericRecord> writer;
  private long count;
  private boolean closed;

  ParquetRecordWriter(Path file, Schema schema, CompressionCodecName codec) throws IOException {
    this.file = file;
    this.schema = schema;
    this.writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(codec)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
  }

  void write(GenericRecord record) throws IOException {
    writer.write(record);
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
}
