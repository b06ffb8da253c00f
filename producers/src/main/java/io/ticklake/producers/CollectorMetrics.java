package io.ticklake.producers;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one collector, per channel ({@code trade}, {@code aggTrade}, {@code bookTicker},
 * {@code depth}, {@code unknown} for frames that did not say), for ops to read and later export as
 * {@code producer.msg.received{venue,channel}} and friends. Lock-free; safe from any thread.
 */
public final class CollectorMetrics {

  /** The counters of one channel. */
  public static final class Channel {
    /** Frames received from the venue. */
    public final AtomicLong received = new AtomicLong();
    /** Normalized records the broker acknowledged. */
    public final AtomicLong produced = new AtomicLong();
    /** Sends the broker or the serializer refused. */
    public final AtomicLong produceErrors = new AtomicLong();
    /** Frames sent to the dead-letter topic. */
    public final AtomicLong deadLettered = new AtomicLong();
    /** Gap events emitted. */
    public final AtomicLong gaps = new AtomicLong();

    Map<String, Long> snapshot() {
      Map<String, Long> m = new TreeMap<>();
      m.put("received", received.get());
      m.put("produced", produced.get());
      m.put("produceErrors", produceErrors.get());
      m.put("deadLettered", deadLettered.get());
      m.put("gaps", gaps.get());
      return m;
    }
  }

  private final String venue;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong rawProduced = new AtomicLong();
  private final AtomicLong rawErrors = new AtomicLong();

  public CollectorMetrics(String venue) {
    this.venue = venue;
  }

  public String venue() {
    return venue;
  }

  /** The counters of a channel, created on first use. */
  public Channel channel(String name) {
    return channels.computeIfAbsent(name, n -> new Channel());
  }

  /** Connections that dropped (or were rotated) and were reopened. */
  public AtomicLong reconnects() {
    return reconnects;
  }

  /** Raw frames the broker acknowledged on the raw topic. */
  public AtomicLong rawProduced() {
    return rawProduced;
  }

  /** Raw frames the broker refused. */
  public AtomicLong rawErrors() {
    return rawErrors;
  }

  /** A point-in-time copy: channel → counter → value. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> m = new TreeMap<>();
    channels.forEach((k, v) -> m.put(k, v.snapshot()));
    return m;
  }

  @Override
  public String toString() {
    return "CollectorMetrics{venue=" + venue + ", reconnects=" + reconnects.get() + ", rawProduced="
        + rawProduced.get() + ", rawErrors=" + rawErrors.get() + ", channels=" + snapshot() + "}";
  }
}
