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
 * @param purpose one line for the README and {@code ./ticklake status}
 */
public record TopicSpec(
    String name, int partitions, String cleanupPolicy, Duration retention, String purpose) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
  }

  /** The topic-level configs to create the topic with. */
  public Map<String, String> configs() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cleanup.policy", cleanupPolicy);
    c.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    // Market data carries its own event time; the broker's append time would hide venue delays.
    c.put("message.timestamp.type", "CreateTime");
    if (cleanupPolicy.contains("compact")) {
      c.put("min.compaction.lag.ms", Long.toString(Duration.ofMinutes(1).toMillis()));
    }
    return c;
  }
}
