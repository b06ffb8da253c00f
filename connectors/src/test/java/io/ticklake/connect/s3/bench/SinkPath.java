package io.ticklake.connect.s3.bench;

import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The sink's write path through its package-private seams. */
final class SinkPath {
  private final Path dir;

  SinkPath(Path dir) {
    this.dir = dir;
  }

  byte[][] encode(List<GenericRecord> records) {
    return io.ticklake.connect.s3.BenchAccess.encode(records);
  }

  void run(byte[][] wire, CompressionCodecName codec) {
    io.ticklake.connect.s3.BenchAccess.sink(wire, codec, dir);
  }
}
