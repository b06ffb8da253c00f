package io.ticklake.connect.s3;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** What a {@link TopicPartitionWriter} needs from the config, so tests can build it directly. */
record WriterSettings(
    String topicsDir,
    int flushSize,
    Optional<Duration> rotateInterval,
    Optional<Duration> rotateScheduleInterval,
    CompressionCodecName codec,
    Path tmpDir) {

  static WriterSettings of(S3ParquetSinkConfig config, Path tmpDir) {
    return new WriterSettings(
        config.topicsDir(),
        config.flushSize(),
        config.rotateInterval(),
        config.rotateScheduleInterval(),
        config.codec(),
        tmpDir);
  }
}
