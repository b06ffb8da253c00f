package io.ticklake.producers.core;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one collector, per channel ({@code trade}, {@code aggTrade}, {@code bookTicker},
 * {@code depth}, {@code unknown} for frames that did not say), plus the state of its connection.
 * The counters are plain atomics (lock-free, safe from any thread); they are also registered with a
 * Micrometer registry as {@code ticklake.producer.msg.received{venue,channel}} and friends, so the
 * collector's {@code /metrics} exposes them without a second bookkeeping.
 */
public final class CollectorMetrics {
  /** Buckets of the receive-to-event latency histogram. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

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
    /** Frames of a channel, event type or shape the parser does not know (also dead-lettered). */
    public final AtomicLong unknown = new AtomicLong();
    /** Trades not sent because this process had delivered them already (repeats, overlaps). */
    public final AtomicLong duplicates = new AtomicLong();

    private final Timer latency;

    Channel(MeterRegistry registry, Tags tags) {
      FunctionCounter.builder("ticklake.producer.msg.received", received, AtomicLong::get)
          .description("Frames received from the venue")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.msg.written", produced, AtomicLong::get)
          .description("Normalized records the broker acknowledged")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.msg.errors", produceErrors, AtomicLong::get)
          .description("Records the broker or the serializer refused")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.dead.letters", deadLettered, AtomicLong::get)
          .description("Frames sent to the dead-letter topic")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.gaps", gaps, AtomicLong::get)
          .description("Gap events emitted")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.msg.unknown", unknown, AtomicLong::get)
          .description("Frames of a channel, event type or shape the parser does not know (dead-lettered)")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("ticklake.producer.duplicates", duplicates, AtomicLong::get)
          .description("Trades not sent again because they had been delivered (venue repeats, backfill overlaps)")
          .tags(tags)
          .register(registry);
      latency =
          Timer.builder("ticklake.producer.latency")
              .description("Receive time minus the venue's event time of each record")
              .tags(tags)
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry);
    }

    Map<String, Long> snapshot() {
      Map<String, Long> m = new TreeMap<>();
      m.put("received", received.get());
      m.put("produced", produced.get());
      m.put("produceErrors", produceErrors.get());
      m.put("deadLettered", deadLettered.get());
      m.put("gaps", gaps.get());
      m.put("unknown", unknown.get());
      m.put("duplicates", duplicates.get());
      return m;
    }
  }

  private final String venue;
  private final MeterRegistry registry;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong rawProduced = new AtomicLong();
  private final AtomicLong rawErrors = new AtomicLong();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong checksumsVerified = new AtomicLong();
  private final AtomicLong checksumsFailed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private volatile int expected = 1;
  private volatile String lastFailure = "";
  private volatile Instant lastFailureTime;

  /** Counters registered with a private registry (tests, tools). */
  public CollectorMetrics(String venue) {
    this(venue, new SimpleMeterRegistry());
  }

  /** Counters registered with {@code registry}, tagged {@code venue}. */
  public CollectorMetrics(String venue, MeterRegistry registry) {
    this.venue = venue;
    this.registry = registry;
    Tags tags = Tags.of("venue", venue);
    FunctionCounter.builder("ticklake.producer.ws.reconnects", reconnects, AtomicLong::get)
        .description("Connections that dropped or were rotated, and were reopened")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("ticklake.producer.ws.connect.failures", connectFailures, AtomicLong::get)
        .description("Connection attempts that failed before the handshake completed")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("ticklake.producer.ws.disconnects", disconnects, AtomicLong::get)
        .description("Open connections that ended unplanned (drop, timeout, error)")
        .tags(tags)
        .register(registry);
    Gauge.builder("ticklake.producer.ws.connected", this, m -> m.isConnected() ? 1 : 0)
        .description("1 while every connection to the venue is open")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("ticklake.producer.raw.written", rawProduced, AtomicLong::get)
        .description("Raw frames the broker acknowledged on the raw topic")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("ticklake.producer.raw.errors", rawErrors, AtomicLong::get)
        .description("Raw frames the broker refused")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("ticklake.producer.book.checksums", checksumsVerified, AtomicLong::get)
        .description("Book checksums the venue sent, computed on the collector's own book: verified or failed")
        .tags(tags.and("result", "verified"))
        .register(registry);
    FunctionCounter.builder("ticklake.producer.book.checksums", checksumsFailed, AtomicLong::get)
        .description("Book checksums the venue sent, computed on the collector's own book: verified or failed")
        .tags(tags.and("result", "failed"))
        .register(registry);
  }

  /** A book checksum the venue sent was computed on our book: it matched, or not. */
  public void checksum(boolean verified) {
    (verified ? checksumsVerified : checksumsFailed).incrementAndGet();
  }

  public long checksumsVerified() {
    return checksumsVerified.get();
  }

  public long checksumsFailed() {
    return checksumsFailed.get();
  }

  public String venue() {
    return venue;
  }

  /** The registry the counters are registered with. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The counters of a channel, created (and registered) on first use. */
  public Channel channel(String name) {
    return channels.computeIfAbsent(
        name, n -> new Channel(registry, Tags.of("venue", venue, "channel", n)));
  }

  /** Records the receive-to-event latency of one record of {@code channel}. */
  public void latency(String channel, Instant eventTime, Instant receiveTime) {
    if (eventTime != null && receiveTime != null) {
      channel(channel).latency.record(Duration.between(eventTime, receiveTime));
    }
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

  /** How many connections the collector keeps open (symbols sharded over several). */
  public void expectConnections(int n) {
    expected = n;
  }

  /** A connection is open. */
  public void connected() {
    connections.incrementAndGet();
    open.incrementAndGet();
  }

  /**
   * The open connection ended. A planned rotation is not a failure; anything else (drop, idle
   * timeout, error) is.
   */
  public void disconnected(String reason, boolean planned, Instant now) {
    open.updateAndGet(n -> Math.max(0, n - 1));
    if (!planned) {
      disconnects.incrementAndGet();
      failure(reason, now);
    }
  }

  /** A connection attempt failed before the handshake completed. */
  public void connectFailed(String reason, Instant now) {
    connectFailures.incrementAndGet();
    failure(reason, now);
  }

  private void failure(String reason, Instant now) {
    lastFailure = reason;
    lastFailureTime = now;
  }

  /** True while every connection the collector keeps is open. */
  public boolean isConnected() {
    return expected > 0 && open.get() >= expected;
  }

  /** Frames received on all channels. */
  public long received() {
    return channels.values().stream().mapToLong(c -> c.received.get()).sum();
  }

  /** Normalized records written (acknowledged) on all channels. */
  public long written() {
    return channels.values().stream().mapToLong(c -> c.produced.get()).sum();
  }

  /**
   * What the supervisor reads for health: the connection, its failure counters (monotonic), the
   * latest failure and the message counters.
   */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("venue", venue);
    m.put("connected", isConnected());
    m.put("connectionsOpen", open.get());
    m.put("connectionsExpected", expected);
    m.put("connections", connections.get());
    m.put("connectFailures", connectFailures.get());
    m.put("disconnects", disconnects.get());
    m.put("reconnects", reconnects.get());
    m.put("lastFailure", lastFailure);
    m.put("lastFailureTime", lastFailureTime == null ? null : lastFailureTime.toString());
    m.put("received", received());
    m.put("written", written());
    m.put("rawWritten", rawProduced.get());
    m.put("channels", snapshot());
    return m;
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
        + rawProduced.get() + ", rawErrors=" + rawErrors.get() + ", connectFailures="
        + connectFailures.get() + ", disconnects=" + disconnects.get() + ", channels=" + snapshot()
        + "}";
  }
}
