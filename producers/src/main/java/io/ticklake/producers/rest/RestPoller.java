package io.ticklake.producers.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a venue's channels that are polled over REST instead of streamed (Coinbase's closed
 * candles; later Polymarket books and IBKR snapshots): each {@link PolledChannel} is called once
 * per period, once the venue's clock has passed the period's end on the UTC grid (plus a delay for
 * the venue to close it), and what it returns goes to the collector like any parsed record.
 *
 * <p>The clock is the venue's: the newest event time the collector has seen from it. Live, that is
 * the wall clock a moment ago; on a replay it is the capture's, so a period is polled when the
 * venue has closed it, whatever the recording's date. Polls of a channel never overlap; a failed
 * poll is logged and the next one reaches back over it (channels ask for a range that covers the
 * previous period too).
 */
public final class RestPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestPoller.class);

  /**
   * One polled channel.
   *
   * @param name the channel, for counters and logs ({@code candles-1m})
   * @param period how often: a poll follows the end of each period on the UTC grid
   * @param delay how long after the period's end (venue time), so the venue has closed it
   * @param poll asked with the end of the period just over; completes with the records to send
   */
  public record PolledChannel(
      String name, Duration period, Duration delay, Function<Instant, CompletableFuture<List<SpecificRecord>>> poll) {}

  private final String venue;
  private final List<PolledChannel> channels;
  private final BiConsumer<String, List<SpecificRecord>> sink;
  private final Supplier<Instant> venueClock;
  private final ScheduledExecutorService timer;
  private final Map<PolledChannel, Instant> polledThrough = new HashMap<>();
  private final Map<PolledChannel, Boolean> busy = new HashMap<>();

  /**
   * @param venueClock the venue's time now ({@code null} until the venue has said anything)
   * @param sink gets each poll's channel name and records (on the REST client's thread; must not block long)
   */
  public RestPoller(
      String venue, List<PolledChannel> channels, BiConsumer<String, List<SpecificRecord>> sink, Supplier<Instant> venueClock) {
    this.venue = venue;
    this.channels = List.copyOf(channels);
    this.sink = sink;
    this.venueClock = venueClock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, venue + "-poller");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts polling: every period from the one the venue's clock is in when it first speaks. */
  public RestPoller start() {
    timer.scheduleWithFixedDelay(this::tick, 0, 250, TimeUnit.MILLISECONDS);
    if (!channels.isEmpty()) {
      log.info("{}: polling {} over REST", venue, channels.stream().map(c -> c.name() + " every " + c.period()).toList());
    }
    return this;
  }

  private static Instant floor(Instant t, Duration period) {
    long p = period.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), p) * p);
  }

  private synchronized void tick() {
    Instant now = venueClock.get();
    if (now == null) {
      return;
    }
    for (PolledChannel c : channels) {
      if (Boolean.TRUE.equals(busy.get(c))) {
        continue;
      }
      Instant through = polledThrough.computeIfAbsent(c, x -> floor(now, c.period()));
      Instant end = through.plus(c.period());
      if (now.isBefore(end.plus(c.delay()))) {
        continue;
      }
      // Behind by several periods (a replay at speed, a pause): the latest one, which reaches back.
      Instant latest = floor(now.minus(c.delay()), c.period());
      if (latest.isAfter(end)) {
        end = latest;
      }
      busy.put(c, true);
      Instant polled = end;
      CompletableFuture<List<SpecificRecord>> f;
      try {
        f = c.poll().apply(polled);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((records, error) -> done(c, polled, records, error));
    }
  }

  private void done(PolledChannel c, Instant end, List<SpecificRecord> records, Throwable error) {
    if (error != null) {
      log.warn("{}: poll of {} for the period ending {} failed: {}; the next poll reaches back", venue, c.name(), end, error.toString());
    } else if (!records.isEmpty()) {
      try {
        sink.accept(c.name(), records);
      } catch (RuntimeException e) {
        log.error("{}: records of {} could not be sent", venue, c.name(), e);
      }
    }
    synchronized (this) {
      polledThrough.put(c, end);
      busy.put(c, false);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
