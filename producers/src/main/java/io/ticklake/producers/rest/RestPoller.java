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
import java.util.function.BiFunction;
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
 * venue has closed it, whatever the recording's date. Each poll asks for exactly the periods closed
 * since the last successful one: a failed poll is logged and its periods are asked again with the
 * next period's, a poller behind by many periods asks for all of them, and the first poll after a start
 * reaches back {@code reach}, so an outage or a restart leaves no hole (what was written already is
 * not written again: the collector remembers, across restarts, the closed candles it wrote). Polls
 * of a channel never overlap.
 */
public final class RestPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestPoller.class);

  /**
   * One polled channel.
   *
   * @param name the channel, for counters and logs ({@code candles-1m})
   * @param period how often: a poll follows the end of each period on the UTC grid
   * @param delay how long after the period's end (venue time), so the venue has closed it
   * @param reach how far back before the first period the first poll after a start reaches
   * @param poll asked for the periods in [from, to), both on the period's grid; completes with the
   *     records to send
   */
  public record PolledChannel(
      String name, Duration period, Duration delay, Duration reach,
      BiFunction<Instant, Instant, CompletableFuture<List<SpecificRecord>>> poll) {}

  private final String venue;
  private final List<PolledChannel> channels;
  private final BiConsumer<String, List<SpecificRecord>> sink;
  private final Supplier<Instant> venueClock;
  private final ScheduledExecutorService timer;
  private final Map<PolledChannel, Instant> polledThrough = new HashMap<>();
  private final Map<PolledChannel, Boolean> busy = new HashMap<>();
  /** After a failed poll, the venue time before which the channel is not polled again (its next period's close). */
  private final Map<PolledChannel, Instant> notBefore = new HashMap<>();

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
      Instant retry = notBefore.get(c);
      if (retry != null && now.isBefore(retry)) {
        continue;
      }
      Instant from = polledThrough.computeIfAbsent(c, x -> floor(now, c.period()).minus(c.reach()));
      // Every period over (by the delay) since the last successful poll, however many.
      Instant to = floor(now.minus(c.delay()), c.period());
      if (!to.isAfter(from)) {
        continue;
      }
      busy.put(c, true);
      CompletableFuture<List<SpecificRecord>> f;
      try {
        f = c.poll().apply(from, to);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((records, error) -> done(c, from, to, records, error));
    }
  }

  private void done(PolledChannel c, Instant from, Instant to, List<SpecificRecord> records, Throwable error) {
    boolean sent = error == null;
    if (error != null) {
      log.warn("{}: poll of {} for {} .. {} failed: {}; the next poll asks for these periods again", venue, c.name(), from, to,
          error.toString());
    } else if (!records.isEmpty()) {
      try {
        sink.accept(c.name(), records);
      } catch (RuntimeException e) {
        sent = false;
        log.error("{}: records of {} could not be sent; the next poll asks for them again", venue, c.name(), e);
      }
    }
    synchronized (this) {
      if (sent) {
        polledThrough.put(c, to);
        notBefore.remove(c);
      } else {
        notBefore.put(c, to.plus(c.period()).plus(c.delay())); // with the next period, not in a tight loop
      }
      busy.put(c, false);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
