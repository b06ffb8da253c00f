package io.ticklake.connect.s3;

import io.ticklake.connect.s3.partition.FileNames;
import io.ticklake.connect.s3.partition.LakePartitioner;
import io.ticklake.connect.s3.storage.S3Storage;
import io.ticklake.connect.s3.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers the records of one Kafka topic-partition into one open Parquet file per encoded
 * partition, and commits them: every open file of the topic-partition is closed, uploaded under
 * its deterministic key, and only then does the committable offset move past its records.
 *
 * <p>All files of the topic-partition are committed together (as Confluent's storage sinks do).
 * That keeps one invariant: committed files hold exactly the offsets below the committable offset,
 * open files only offsets at or above it. A crash between an upload and Kafka's offset commit
 * therefore leaves only files whose first offset is at or above the committed offset; they are
 * deleted before the first replayed record is written, and the replay writes them again.
 */
final class TopicPartitionWriter {
  private static final Logger log = LoggerFactory.getLogger(TopicPartitionWriter.class);

  private final TopicPartition tp;
  private final String kind;
  private final WriterSettings settings;
  private final S3Storage storage;
  private final Clock clock;

  private final Map<String, OpenFile> open = new LinkedHashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private long pendingCommitOffset = -1;
  private long nextOffset = -1;
  private long committedOffset = -1;
  private boolean recovered;
  private long filesCommitted;

  private static final class OpenFile {
    final String encodedPartition;
    final long firstOffset;
    final long firstRecordMicros;
    final long openedWallMs;
    final ParquetRecordWriter writer;

    OpenFile(String encodedPartition, long firstOffset, long firstRecordMicros, long openedWallMs, ParquetRecordWriter writer) {
      this.encodedPartition = encodedPartition;
      this.firstOffset = firstOffset;
      this.firstRecordMicros = firstRecordMicros;
      this.openedWallMs = openedWallMs;
      this.writer = writer;
    }
  }

  private record Pending(String key, Path file, long firstOffset, long records) {}

  TopicPartitionWriter(TopicPartition tp, WriterSettings settings, S3Storage storage, Clock clock) {
    this.tp = tp;
    this.kind = LakePartitioner.kind(tp.topic());
    this.settings = settings;
    this.storage = storage;
    this.clock = clock;
  }

  TopicPartition topicPartition() {
    return tp;
  }

  /** Whether a file is open for the encoded partition (else writing to it opens one). */
  boolean hasOpenFile(String encodedPartition) {
    return open.containsKey(encodedPartition);
  }

  int openFiles() {
    return open.size();
  }

  /** Wall-clock time the oldest open file was opened, or Long.MAX_VALUE if none is. */
  long oldestOpenedWallMs() {
    return open.values().stream().mapToLong(f -> f.openedWallMs).min().orElse(Long.MAX_VALUE);
  }

  long filesCommitted() {
    return filesCommitted;
  }

  /**
   * Adds a record. Records below the next expected offset (a batch Connect redelivers after a
   * retriable failure) are ignored.
   */
  void write(long offset, String encodedPartition, GenericRecord value, long recordMicros) {
    if (!accept(offset)) {
      return;
    }
    OpenFile file = open.get(encodedPartition);
    if (file != null && needsRotation(file, value, recordMicros)) {
      commit();
      file = null;
    }
    if (file == null) {
      file = openFile(encodedPartition, offset, recordMicros, value);
    }
    try {
      file.writer.write(offset, value);
    } catch (IOException | RuntimeException e) {
      throw new ConnectException("could not write offset " + offset + " of " + tp + " to the local Parquet file for "
          + key(file.encodedPartition, file.firstOffset), e);
    }
    nextOffset = offset + 1;
    if (file.writer.count() >= settings.flushSize()) {
      commit();
    }
  }

  /** A record consumed but not written (ignored null, or sent to the dead-letter queue). */
  void skip(long offset) {
    if (accept(offset)) {
      nextOffset = offset + 1;
    }
  }

  private boolean accept(long offset) {
    retryPendingUploads();
    if (offset < nextOffset) {
      return false;
    }
    if (!recovered) {
      deleteOrphans(offset);
      recovered = true;
    }
    return true;
  }

  private boolean needsRotation(OpenFile file, GenericRecord value, long recordMicros) {
    if (!file.writer.schema().equals(value.getSchema())) {
      return true;
    }
    return settings.rotateInterval()
        .map(d -> recordMicros - file.firstRecordMicros >= d.toNanos() / 1000L)
        .orElse(false);
  }

  /** Commits if the oldest open file has been open past rotate.schedule.interval.ms (wall clock). */
  void rotateOnSchedule() {
    retryPendingUploads();
    if (open.isEmpty() || settings.rotateScheduleInterval().isEmpty()) {
      return;
    }
    if (clock.millis() - oldestOpenedWallMs() >= settings.rotateScheduleInterval().get().toMillis()) {
      log.debug("Scheduled rotation of {} ({} open files)", tp, open.size());
      commit();
    }
  }

  /** Closes every open file, uploads them all, then moves the committable offset. */
  void commit() {
    if (!pending.isEmpty()) {
      retryPendingUploads();
    }
    if (open.isEmpty()) {
      return;
    }
    for (OpenFile file : open.values()) {
      String key = key(file.encodedPartition, file.firstOffset);
      try {
        Path local = file.writer.commit();
        pending.add(new Pending(key, local, file.firstOffset, file.writer.count()));
      } catch (IOException | RuntimeException e) {
        throw new ConnectException("could not close the Parquet file of " + tp + " for " + key, e);
      }
    }
    open.clear();
    pendingCommitOffset = nextOffset;
    retryPendingUploads();
  }

  private void retryPendingUploads() {
    while (!pending.isEmpty()) {
      Pending p = pending.get(0);
      try {
        storage.put(p.key(), p.file());
      } catch (StorageException e) {
        if (e.retriable()) {
          throw new RetriableException("upload of " + p.key() + " for " + tp + " failed, will retry: " + e.getMessage(), e);
        }
        throw new ConnectException("upload of " + p.key() + " for " + tp + " failed: " + e.getMessage(), e);
      }
      deleteQuietly(p.file());
      pending.remove(0);
      filesCommitted++;
      log.debug("Committed {} ({} records) for {}", p.key(), p.records(), tp);
    }
    if (pendingCommitOffset >= 0) {
      committedOffset = pendingCommitOffset;
      pendingCommitOffset = -1;
    }
  }

  /**
   * The offset Kafka may commit: every record below it is in an uploaded file or was skipped.
   * Null before the first record.
   */
  Long committableOffset() {
    if (nextOffset < 0) {
      return null;
    }
    long min = nextOffset;
    for (OpenFile f : open.values()) {
      min = Math.min(min, f.firstOffset);
    }
    for (Pending p : pending) {
      min = Math.min(min, p.firstOffset());
    }
    return min;
  }

  /** The offset of the last completed commit, or -1. */
  long committedOffset() {
    return committedOffset;
  }

  /**
   * Deletes files of this topic-partition at or above the offset the consumer resumed from: they
   * were uploaded after the last offset commit (a crash in between), and the replay rewrites them.
   */
  private void deleteOrphans(long resumeOffset) {
    List<String> orphans = new ArrayList<>();
    for (S3Storage.StoredObject object : listOwnFiles()) {
      OptionalLong first = FileNames.firstOffset(object.fileName(), tp.topic(), tp.partition());
      if (first.isPresent() && first.getAsLong() >= resumeOffset) {
        orphans.add(object.key());
      }
    }
    if (!orphans.isEmpty()) {
      log.info("Deleting {} files of {} written at or after offset {} but never committed: {}",
          orphans.size(), tp, resumeOffset, orphans);
      try {
        storage.delete(orphans);
      } catch (StorageException e) {
        throw wrap(e, "delete uncommitted files " + orphans);
      }
    }
  }

  private List<S3Storage.StoredObject> listOwnFiles() {
    try {
      return storage.list(settings.topicsDir() + "/" + kind + "/");
    } catch (StorageException e) {
      throw wrap(e, "list " + settings.topicsDir() + "/" + kind + "/");
    }
  }

  private RuntimeException wrap(StorageException e, String what) {
    if (e.retriable()) {
      return new RetriableException("could not " + what + " for " + tp + ": " + e.getMessage(), e);
    }
    return new ConnectException("could not " + what + " for " + tp + ": " + e.getMessage(), e);
  }

  private OpenFile openFile(String encodedPartition, long offset, long recordMicros, GenericRecord value) {
    String key = key(encodedPartition, offset);
    try {
      Files.createDirectories(settings.tmpDir());
      Path local = Files.createTempFile(settings.tmpDir(), FileNames.filePrefix(tp.topic(), tp.partition()), FileNames.EXTENSION);
      ParquetRecordWriter writer = new ParquetRecordWriter(local, value.getSchema(), settings.codec(), tp.topic(), tp.partition());
      OpenFile file = new OpenFile(encodedPartition, offset, recordMicros, clock.millis(), writer);
      open.put(encodedPartition, file);
      return file;
    } catch (IOException | RuntimeException e) {
      throw new ConnectException("could not open a local Parquet file for " + key + " of " + tp, e);
    }
  }

  private String key(String encodedPartition, long firstOffset) {
    return FileNames.key(settings.topicsDir(), encodedPartition, tp.topic(), tp.partition(), firstOffset);
  }

  /** Drops open and pending files without uploading: their records will be redelivered. */
  void close() {
    for (OpenFile f : open.values()) {
      f.writer.abort();
    }
    open.clear();
    for (Pending p : pending) {
      deleteQuietly(p.file());
    }
    pending.clear();
    pendingCommitOffset = -1;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Could not delete local file {}: {}", file, e.toString());
    }
  }
}
