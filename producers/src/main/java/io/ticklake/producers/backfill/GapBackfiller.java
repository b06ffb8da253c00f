package io.ticklake.producers.backfill;

import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.GapEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills holes from a venue's REST API, for every venue alike. Consumes {@link Topics#GAPS}; for each
 * PENDING gap of this venue and one of the collector's symbols it asks the venue's {@link
 * RangeFetcher} for the missing range and hands the records to the collector, which sends them as
 * its own (a trade it already delivered is dropped); then it writes the gap again, same gapId (the
 * compacted topic keeps the latest), FILLED or UNFILLABLE, with what was done in {@code
 * backfillDetail}.
 *
 * <p>It runs in the collector's process on the collector's REST client: venues count REST limits
 * per IP, so the book snapshots, polled channels and backfill share one budget and one 429/418
 * state. Offsets are committed after the gap's new status was acknowledged; a restart in between
 * fetches again, which the collector's and the Streams app's dedup absorb.
 */
public final class GapBackfiller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GapBackfiller.class);

  /** Where the backfill's records and the gaps' new status go: the collector. */
  public interface Delivery {
    /**
     * Sends records as the collector sends its own.
     *
     * @return how many were new; the others had been delivered already and were dropped
     */
    int deliver(List<SpecificRecord> records);

    /** Writes a gap's new status; the future completes when the broker acknowledged it. */
    Future<?> status(GapEvent gap);
  }

  private final String venue;
  private final Consumer<String, GapEvent> consumer;
  private final RangeFetcher fetcher;
  private final Delivery delivery;
  private final Thread thread;
  private volatile Set<String> symbols;
  private volatile boolean running = true;
  private final AtomicLong filled = new AtomicLong();
  private final AtomicLong unfillable = new AtomicLong();

  public GapBackfiller(String venue, Consumer<String, GapEvent> consumer, RangeFetcher fetcher, Delivery delivery,
      List<String> symbols) {
    this.venue = venue;
    this.consumer = consumer;
    this.fetcher = fetcher;
    this.delivery = delivery;
    this.symbols = Set.copyOf(symbols);
    this.thread = new Thread(this::run, venue + "-backfill");
    thread.setDaemon(true);
  }

  /** The consumer group of a venue's backfill. */
  public static String groupId(String venue) {
    return "ticklake-backfill-" + venue;
  }

  /** A consumer of the gaps topic for a venue's backfill: read committed, manual commits. */
  public static Consumer<String, GapEvent> consumer(String venue, String bootstrap, Map<String, ?> serdeConfig) {
    Map<String, Object> c = new HashMap<>(serdeConfig);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(venue));
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ticklake-" + venue + "-backfill");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    AvroWireDeserializer<GapEvent> values = new AvroWireDeserializer<>(GapEvent.class);
    values.configure(c, false);
    return new KafkaConsumer<>(c, new StringDeserializer(), values);
  }

  public GapBackfiller start() {
    consumer.subscribe(List.of(Topics.GAPS));
    thread.start();
    return this;
  }

  /** The symbols whose gaps are filled (a reload changes them). */
  public void updateSymbols(List<String> next) {
    symbols = Set.copyOf(next);
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, GapEvent> r : consumer.poll(Duration.ofMillis(500))) {
          GapEvent gap = r.value();
          if (gap != null && wanted(gap)) {
            delivery.status(fill(gap)).get(30, TimeUnit.SECONDS);
          }
        }
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("{}: backfill stopped: {}", venue, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean wanted(GapEvent gap) {
    return gap.getBackfillStatus() == BackfillStatus.PENDING && venue.equals(gap.getVenue()) && symbols.contains(gap.getSymbol());
  }

  /** The gap with its backfill status: FILLED or UNFILLABLE, and what was done. */
  public GapEvent fill(GapEvent gap) throws InterruptedException {
    long began = System.nanoTime();
    // One line per hole and one per outcome, with the stream and the time it spans: what the crash drill reads.
    log.info("gap_detected venue={} symbol={} stream={} kind={} {} cause=\"{}\" gap={}", venue, gap.getSymbol(), gap.getStream(),
        gap.getKind(), span(gap), gap.getCause(), gap.getGapId());
    RangeFetcher.Fill fill;
    int fresh = 0;
    try {
      fill = fetcher.fetch(gap);
      fresh = delivery.deliver(fill.records());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      fill = RangeFetcher.Fill.unfillable("REST failed: " + cause.getMessage());
    }
    (fill.complete() ? filled : unfillable).incrementAndGet();
    int fetched = fill.records().size();
    String detail = fill.detail() + (fetched == 0 ? "" : "; " + fresh + " new, " + (fetched - fresh) + " already delivered");
    log.info("{} venue={} symbol={} stream={} took={}ms detail=\"{}\" gap={}", fill.complete() ? "gap_filled" : "gap_unfillable", venue,
        gap.getSymbol(), gap.getStream(), (System.nanoTime() - began) / 1_000_000, detail, gap.getGapId());
    return GapEvent.newBuilder(gap)
        .setBackfillStatus(fill.complete() ? BackfillStatus.FILLED : BackfillStatus.UNFILLABLE)
        .setBackfillDetail(detail)
        .build();
  }

  /** {@code from=... to=... minutes=N} of a gap's time span, or its ids where it has no times. */
  static String span(GapEvent gap) {
    java.time.Instant from = gap.getLastGoodTime();
    java.time.Instant to = gap.getFirstTimeAfter() != null ? gap.getFirstTimeAfter() : gap.getDetectedTime();
    if (from == null) {
      return "ids=" + gap.getLastGoodSequence() + ".." + gap.getFirstSequenceAfter();
    }
    return "from=" + from + " to=" + to + " minutes=" + java.time.Duration.between(from, to).toMinutes();
  }

  /** Gaps marked FILLED so far. */
  public long filled() {
    return filled.get();
  }

  /** Gaps marked UNFILLABLE so far. */
  public long unfillable() {
    return unfillable.get();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
