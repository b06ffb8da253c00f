package io.ticklake.schema.topic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic ticklake owns: its name, partition count and the configs it is created with.
 *
 * @param name the topic name, {@code md.<stage>.<venue>.<type>.v<N>}
 * @param partitions partition count (records are keyed {@code venue:symbol})
 * @param cleanupPolicy {@code delete}, {@code compact} or {@code compact,delete}
 * @param retention how long records are kept; {@code null} keeps them forever
 * @param timestampType {@link #CREATE_TIME} or {@link #LOG_APPEND_TIME}: which clock the broker's
 *     time retention and compaction lag go by
 * @param purpose one line for docs/architecture.md and {@code ./ticklake status}
 */
public record TopicSpec(
    String name,
    int partitions,
    String cleanupPolicy,
    Duration retention,
    String timestampType,
    String purpose) {

  /** The producer's timestamp is kept: right for producers that stamp their own clock at send. */
  public static final String CREATE_TIME = "CreateTime";

  /**
   * The broker stamps its clock on append: for topics whose writer (the Streams app) stamps each
   * record with its venue event time, so a replay of old data is not past retention on arrival.
   */
  public static final String LOG_APPEND_TIME = "LogAppendTime";

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    Objects.requireNonNull(timestampType, "timestampType");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
    if (!timestampType.equals(CREATE_TIME) && !timestampType.equals(LOG_APPEND_TIME)) {
      throw new IllegalArgumentException(
          "timestampType must be " + CREATE_TIME + " or " + LOG_APPEND_TIME + " for " + name + ", not " + timestampType);
    }
  }

  /** A topic with {@link #CREATE_TIME} timestamps. */
  public TopicSpec(String name, int partitions, String cleanupPolicy, Duration retention, String purpose) {
    this(name, partitions, cleanupPolicy, retention, CREATE_TIME, purpose);
  }

  /** The topic-level configs to create the topic with. */
  public Map<String, String> configs() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cleanup.policy", cleanupPolicy);
    c.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    // Retention and compaction lag go by this timestamp, never by the records' event time: the
    // Streams app and the lake read event time from the value.
    c.put("message.timestamp.type", timestampType);
    if (cleanupPolicy.contains("compact")) {
      c.put("min.compaction.lag.ms", Long.toString(Duration.ofMinutes(1).toMillis()));
    }
    return c;
  }
}
