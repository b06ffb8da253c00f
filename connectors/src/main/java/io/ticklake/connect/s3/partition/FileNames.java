package io.ticklake.connect.s3.partition;

import java.util.OptionalLong;

/**
 * Deterministic object names: {@code <topic>+<partition>+<first offset %020d>.parquet}, so a
 * replay from the same offset writes the same key and overwrites rather than duplicates.
 */
public final class FileNames {
  public static final String EXTENSION = ".parquet";

  /** Parquet footer keys the sink writes: where the file's rows came from in Kafka. */
  public static final String META_TOPIC = "ticklake.kafka.topic";

  public static final String META_PARTITION = "ticklake.kafka.partition";
  public static final String META_FIRST_OFFSET = "ticklake.kafka.offset.first";
  public static final String META_LAST_OFFSET = "ticklake.kafka.offset.last";

  private FileNames() {}

  /** The file name of the file whose first record has the given offset. */
  public static String fileName(String topic, int partition, long firstOffset) {
    return topic + "+" + partition + "+" + String.format("%020d", firstOffset) + EXTENSION;
  }

  /** The full key of a file. */
  public static String key(String topicsDir, String encodedPartition, String topic, int partition, long firstOffset) {
    return topicsDir + "/" + encodedPartition + "/" + fileName(topic, partition, firstOffset);
  }

  /** The prefix shared by every file a topic-partition writes. */
  public static String filePrefix(String topic, int partition) {
    return topic + "+" + partition + "+";
  }

  /** The first offset in a sink file name, or empty when the name is not one (e.g. compacted). */
  public static OptionalLong firstOffset(String fileName, String topic, int partition) {
    String prefix = filePrefix(topic, partition);
    if (!fileName.startsWith(prefix) || !fileName.endsWith(EXTENSION)) {
      return OptionalLong.empty();
    }
    String digits = fileName.substring(prefix.length(), fileName.length() - EXTENSION.length());
    if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(digits));
  }

  /** Parses any sink file name into topic, partition and first offset, or null. */
  public static Parsed parse(String fileName) {
    if (!fileName.endsWith(EXTENSION)) {
      return null;
    }
    String base = fileName.substring(0, fileName.length() - EXTENSION.length());
    int last = base.lastIndexOf('+');
    int mid = last < 0 ? -1 : base.lastIndexOf('+', last - 1);
    if (mid <= 0) {
      return null;
    }
    try {
      return new Parsed(base.substring(0, mid), Integer.parseInt(base.substring(mid + 1, last)),
          Long.parseLong(base.substring(last + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A parsed sink file name. */
  public record Parsed(String topic, int partition, long firstOffset) {}
}
