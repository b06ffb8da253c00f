package io.ticklake.connect.s3;

import io.ticklake.connect.s3.internal.WireFormatDecoder;
import io.ticklake.connect.s3.partition.LakePartitioner;
import io.ticklake.connect.s3.partition.RecordTimeExtractor;
import io.ticklake.connect.s3.storage.MinioS3Storage;
import io.ticklake.connect.s3.storage.S3Storage;
import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decodes each record and hands it to the {@link PartitionWriters}; the writers do the rest. */
public class S3ParquetSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(S3ParquetSinkTask.class);

  private final Function<S3ParquetSinkConfig, S3Storage> storageFactory;
  private final Function<S3ParquetSinkConfig, SchemaRegistryClient> registryFactory;
  private final Clock clock;

  private S3ParquetSinkConfig config;
  private S3Storage storage;
  private WireFormatDecoder decoder;
  private LakePartitioner partitioner;
  private RecordTimeExtractor time;
  private PartitionWriters writers;
  private ErrantRecordReporter reporter;
  private Path tmpDir;

  public S3ParquetSinkTask() {
    this(S3ParquetSinkTask::minio,
        c -> new CachingSchemaRegistryClient(c.originalsStrings()),
        Clock.systemUTC());
  }

  /** Seam for tests: a fake store, an in-memory registry, a fake clock. */
  S3ParquetSinkTask(Function<S3ParquetSinkConfig, S3Storage> storageFactory,
      Function<S3ParquetSinkConfig, SchemaRegistryClient> registryFactory, Clock clock) {
    this.storageFactory = storageFactory;
    this.registryFactory = registryFactory;
    this.clock = clock;
  }

  private static S3Storage minio(S3ParquetSinkConfig c) {
    return new MinioS3Storage(c.storeUrl(), c.region(), c.accessKeyId(), c.secretAccessKey().value(), c.bucket());
  }

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new S3ParquetSinkConfig(props);
    storage = storageFactory.apply(config);
    decoder = new WireFormatDecoder(registryFactory.apply(config));
    partitioner = new LakePartitioner(config.pathFormat());
    time = new RecordTimeExtractor(config.timestampFromRecord(), config.timestampFields());
    try {
      tmpDir = Files.createTempDirectory("ticklake-s3-sink-");
    } catch (IOException e) {
      throw new UncheckedIOException("no local temp directory for Parquet files", e);
    }
    writers = new PartitionWriters(WriterSettings.of(config, tmpDir), storage, clock, config.maxOpenWriters());
    try {
      reporter = context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      reporter = null; // a worker older than Kafka 2.6
    }
    log.info("Started S3 Parquet sink task writing to s3://{}/{} ({})", config.bucket(), config.topicsDir(), config.codec());
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    writers.open(partitions);
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    try {
      for (SinkRecord record : records) {
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        long offset = record.kafkaOffset();
        if (record.value() == null) {
          if (!config.ignoreNullValues()) {
            throw new ConnectException("null value at " + tp + " offset " + offset + " and behavior.on.null.values=fail");
          }
          writers.skip(tp, offset);
          continue;
        }
        GenericRecord value;
        String encoded;
        long micros;
        try {
          if (!(record.value() instanceof byte[] bytes)) {
            throw new DataException("value is " + record.value().getClass().getName() + ", not byte[]: use ByteArrayConverter");
          }
          value = decoder.decode(record.topic(), bytes);
          micros = time.micros(value, record.timestamp());
          encoded = partitioner.encodedPartition(record.topic(), value, micros);
        } catch (DataException | IllegalArgumentException | ArithmeticException e) {
          errant(record, tp, e);
          writers.skip(tp, offset);
          continue;
        }
        writers.write(tp, offset, encoded, value, micros);
      }
      writers.rotateOnSchedule();
    } catch (RetriableException e) {
      log.warn("Retriable failure, Connect redelivers the batch in {}: {}", config.retryBackoff(), e.getMessage());
      context.timeout(config.retryBackoff().toMillis());
      throw e;
    }
  }

  private void errant(SinkRecord record, TopicPartition tp, RuntimeException e) {
    String where = tp + " offset " + record.kafkaOffset();
    if (!config.tolerateErrors()) {
      throw new DataException("unreadable record at " + where + ": " + e.getMessage(), e);
    }
    if (reporter != null) {
      reporter.report(record, e);
    }
    log.warn("Skipped unreadable record at {}{}: {}", where, reporter != null ? " (sent to the DLQ)" : "", e.getMessage());
  }

  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    // Offsets are driven by preCommit; nothing is written on flush.
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    try {
      writers.rotateOnSchedule();
    } catch (RetriableException e) {
      log.warn("Scheduled rotation failed, retried on the next put: {}", e.getMessage());
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = writers.committableOffsets();
    offsets.keySet().retainAll(currentOffsets.keySet());
    return offsets;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    if (writers != null) {
      writers.close(partitions);
    }
  }

  @Override
  public void stop() {
    if (writers != null) {
      writers.closeAll();
    }
    if (storage != null) {
      storage.close();
    }
    deleteTmpDir();
    log.info("Stopped S3 Parquet sink task");
  }

  private void deleteTmpDir() {
    if (tmpDir == null) {
      return;
    }
    try (var files = Files.walk(tmpDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("Could not remove {}: {}", tmpDir, e.toString());
    }
  }

  /** For tests. */
  PartitionWriters writers() {
    return writers;
  }
}
