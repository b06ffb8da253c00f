package io.ticklake.connect.s3;

import io.ticklake.connect.s3.storage.S3Storage;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TopicPartitionWriter}s of one task, and the cap on files open at once across them:
 * when a record would open one file too many, the topic-partition holding the oldest open file is
 * committed first, which bounds the memory the Parquet writers buffer.
 */
final class PartitionWriters {
  private static final Logger log = LoggerFactory.getLogger(PartitionWriters.class);

  private final WriterSettings settings;
  private final S3Storage storage;
  private final Clock clock;
  private final int maxOpenWriters;
  private final Map<TopicPartition, TopicPartitionWriter> writers = new HashMap<>();

  PartitionWriters(WriterSettings settings, S3Storage storage, Clock clock, int maxOpenWriters) {
    this.settings = settings;
    this.storage = storage;
    this.clock = clock;
    this.maxOpenWriters = maxOpenWriters;
  }

  void open(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      writers.computeIfAbsent(tp, p -> new TopicPartitionWriter(p, settings, storage, clock));
    }
  }

  void close(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      TopicPartitionWriter w = writers.remove(tp);
      if (w != null) {
        w.close();
      }
    }
  }

  void closeAll() {
    close(java.util.List.copyOf(writers.keySet()));
  }

  void write(TopicPartition tp, long offset, String encodedPartition, GenericRecord value, long recordMicros) {
    TopicPartitionWriter w = writer(tp);
    if (!w.hasOpenFile(encodedPartition) && openFiles() >= maxOpenWriters) {
      TopicPartitionWriter oldest =
          writers.values().stream()
              .filter(x -> x.openFiles() > 0)
              .min(Comparator.comparingLong(TopicPartitionWriter::oldestOpenedWallMs))
              .orElseThrow();
      log.debug("{} open files reach max.open.writers; committing {}", openFiles(), oldest.topicPartition());
      oldest.commit();
    }
    w.write(offset, encodedPartition, value, recordMicros);
  }

  void skip(TopicPartition tp, long offset) {
    writer(tp).skip(offset);
  }

  void rotateOnSchedule() {
    for (TopicPartitionWriter w : writers.values()) {
      w.rotateOnSchedule();
    }
  }

  /** Offsets of fully committed files, for {@code preCommit}. */
  Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartitionWriter w : writers.values()) {
      Long offset = w.committableOffset();
      if (offset != null) {
        out.put(w.topicPartition(), new OffsetAndMetadata(offset));
      }
    }
    return out;
  }

  int openFiles() {
    int n = 0;
    for (TopicPartitionWriter w : writers.values()) {
      n += w.openFiles();
    }
    return n;
  }

  TopicPartitionWriter writer(TopicPartition tp) {
    TopicPartitionWriter w = writers.get(tp);
    if (w == null) {
      // put() for a partition open() was not called for: Connect guarantees it was, but be safe.
      w = new TopicPartitionWriter(tp, settings, storage, clock);
      writers.put(tp, w);
    }
    return w;
  }
}
