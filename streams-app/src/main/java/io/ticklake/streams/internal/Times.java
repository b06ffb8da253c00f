package io.ticklake.streams.internal;

import java.time.Duration;
import java.time.Instant;

/** Epoch-millisecond window arithmetic, always in UTC (never the JVM default zone). */
public final class Times {
  public static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
  public static final long DAY_MS = Duration.ofDays(1).toMillis();

  private Times() {}

  /** Start of the aligned window of {@code sizeMs} containing {@code epochMs}. */
  public static long floor(long epochMs, long sizeMs) {
    return Math.floorDiv(epochMs, sizeMs) * sizeMs;
  }

  /** Start of the UTC day containing the instant. */
  public static Instant utcDayStart(Instant t) {
    return Instant.ofEpochMilli(floor(t.toEpochMilli(), DAY_MS));
  }

  /** Microseconds since the epoch. */
  public static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }
}
