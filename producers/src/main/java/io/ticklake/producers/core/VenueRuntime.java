package io.ticklake.producers.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.BookSync;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.DeadLetter;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The venue-neutral half of a collector: one venue's frames into Kafka. Every frame goes unchanged
 * to {@code md.raw.<venue>.frames.v1} (headers {@code receive-time}, epoch microseconds, and {@code
 * stream}); its records go to the normalized topics keyed {@code venue:symbol}: trades (each id
 * once per process), quotes, book deltas (through a {@link BookSync} per symbol, which writes the
 * normalized chain), closed venue candles, instruments. A frame that cannot be read, or that the
 * parser does not know (an unknown channel, event type or shape), is counted per channel and goes
 * whole to the dead-letter topic; the stream goes on. A dropped connection is a {@link
 * GapKind#DISCONNECT} gap for each symbol it carried; a heartbeat naming a trade the collector has
 * not seen is a {@link GapKind#TRADE_ID} gap.
 *
 * <p>{@link #onFrame} runs on the WebSocket threads (one per connection): it parses and hands
 * records to {@code producer.send}, which does not wait for the broker.
 */
public final class VenueRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VenueRuntime.class);

  /**
   * The producers' settings unless overridden: batches of up to 20 ms, lz4. The Streams benchmark's
   * latency run sends with the same, so it times the path a frame takes.
   */
  public static final Map<String, Object> PRODUCER_DEFAULTS =
      Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

  public static final String RECEIVE_TIME_HEADER = "receive-time";
  public static final String STREAM_HEADER = "stream";

  /** Asks the venue for a symbol's book afresh (snapshots in the stream): the collector resubscribes it. */
  @FunctionalInterface
  public interface BookResubscriber {
    void resubscribe(String symbol);
  }

  private final Venue venue;
  private final String venueId;
  private final FrameParser parser;
  private final VenueTraits traits;
  private final Producer<String, byte[]> rawProducer;
  private final Producer<String, SpecificRecord> producer;
  private final BookRules books;
  private volatile BookResubscriber resubscriber = symbol -> { };
  private final CollectorMetrics metrics;
  private final Clock clock;
  private final String rawTopic;
  private volatile List<String> symbols;
  private final Map<String, BookSync> syncs = new ConcurrentHashMap<>();
  private final Map<String, TradeLedger> ledgers = new ConcurrentHashMap<>();
  /** The ledger of each symbol's latest trade (a disconnect gap names its last id). */
  private final Map<String, TradeLedger> latestLedger = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastEventTime = new ConcurrentHashMap<>();
  /** Per symbol, the event time of the latest trade delivered (where a hole of trades starts). */
  private final Map<String, Instant> lastTradeTime = new ConcurrentHashMap<>();
  /** Per symbol, the update id of an earlier run's last book record when that was a snapshot. */
  private final Map<String, Long> lastSnapshotWritten = new ConcurrentHashMap<>();
  private final Map<String, Long> reportedTradeHoles = new ConcurrentHashMap<>();
  /** Open times of the closed candles delivered, per symbol, interval and source (the last few thousand). */
  private final Map<String, java.util.NavigableSet<Long>> candlesDelivered = new ConcurrentHashMap<>();
  /** The running venue candle of each symbol, interval and source (not marked closed yet). */
  private final Map<String, HeldCandle> openCandles = new HashMap<>();

  /**
   * How long after a held candle's period ended (the venue's clock) it is written as closed when no
   * later candle came: updates of a period arrive this late at most.
   */
  public static final Duration CANDLE_CLOSE_GRACE = Duration.ofSeconds(5);
  /** The newest event time the venue has sent, epoch microseconds (the venue's clock). */
  private final java.util.concurrent.atomic.AtomicLong venueMicros = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
  private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();
  private final Map<String, String> keyBySymbol = new ConcurrentHashMap<>();
  private final Map<String, byte[]> streamBytes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final AutoCloseable[] owned;

  /**
   * A runtime on given producers (tests pass {@code MockProducer}s).
   *
   * @param books how the venue's books are kept, or {@code null} when no book is collected
   */
  public VenueRuntime(
      Venue venue,
      FrameParser parser,
      List<String> symbols,
      BookRules books,
      Producer<String, byte[]> rawProducer,
      Producer<String, SpecificRecord> producer,
      CollectorMetrics metrics,
      Clock clock,
      AutoCloseable... owned) {
    this.venue = venue;
    this.venueId = venue.id();
    this.parser = parser;
    this.traits = venue.traits();
    this.symbols = List.copyOf(symbols);
    this.books = books;
    this.rawProducer = rawProducer;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    this.owned = owned;
    this.rawTopic = Topics.raw(venueId);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, venueId + "-book-snapshots");
      t.setDaemon(true);
      return t;
    });
    for (String symbol : this.symbols) {
      sync(symbol);
    }
  }

  /**
   * A runtime on the production Kafka producers (idempotent, {@code acks=all}) made from {@code
   * config}, fed by whoever calls {@link #onFrame}: {@link Collector} puts WebSocket connections in
   * front of it, the ingest benchmark its frames. {@code owned} is closed with it.
   */
  public static VenueRuntime create(
      CollectorConfig config, BookRules books, Clock clock, MeterRegistry registry, AutoCloseable... owned) {
    Venue venue = config.venue();
    CollectorMetrics metrics = new CollectorMetrics(venue.id(), registry);
    Map<String, Object> common = new HashMap<>(config.producerOverrides());
    common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    common.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    common.put(ProducerConfig.ACKS_CONFIG, "all");
    PRODUCER_DEFAULTS.forEach(common::putIfAbsent);
    Map<String, Object> rawConfig = new HashMap<>(common);
    rawConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-" + venue.id() + "-raw");
    Map<String, Object> normConfig = new HashMap<>(common);
    normConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-" + venue.id() + "-norm");
    normConfig.put("schema.registry.url", config.schemaRegistryUrl());
    Producer<String, byte[]> raw = new KafkaProducer<>(rawConfig, new StringSerializer(), new ByteArraySerializer());
    AvroWireSerializer<SpecificRecord> valueSerializer = new AvroWireSerializer<>();
    valueSerializer.configure(normConfig, false);
    Producer<String, SpecificRecord> norm = new KafkaProducer<>(normConfig, new StringSerializer(), valueSerializer);
    // Kafka's own producer metrics (record-send-rate, request-latency, buffer use, ...), tagged by client id.
    KafkaClientMetrics rawMetrics = new KafkaClientMetrics(raw);
    rawMetrics.bindTo(registry);
    KafkaClientMetrics normMetrics = new KafkaClientMetrics(norm);
    normMetrics.bindTo(registry);
    AutoCloseable[] closed = Arrays.copyOf(owned, owned.length + 2);
    closed[owned.length] = rawMetrics;
    closed[owned.length + 1] = normMetrics;
    VenueRuntime runtime = new VenueRuntime(venue, venue.parser(config), config.symbols(), books, raw, norm, metrics, clock, closed);
    if (config.restartTailRecords() > 0) {
      Map<String, Object> client = new HashMap<>(config.producerOverrides());
      client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
      client.put("schema.registry.url", config.schemaRegistryUrl());
      try {
        runtime.seed(DeliveredTail.read(venue.id(), config.symbols(), client, config.restartTailRecords(), Duration.ofSeconds(60)));
      } catch (RuntimeException e) {
        // Collecting matters more: a repeat is caught by the Streams app's dedup, and QA reports it in the lake.
        log.warn("{}: what earlier runs wrote could not be read back ({}); a trade, candle or snapshot they wrote may be "
            + "written again", venue.id(), e.toString());
      }
    }
    return runtime.start(config.bookSnapshotInterval());
  }

  /** As {@link #create(CollectorConfig, BookRules, Clock, MeterRegistry, AutoCloseable...)} with a private registry. */
  public static VenueRuntime create(CollectorConfig config, BookRules books, Clock clock, AutoCloseable... owned) {
    return create(config, books, clock, new SimpleMeterRegistry(), owned);
  }

  /** Starts the periodic book snapshots ({@code interval} 0 or negative: none). */
  public VenueRuntime start(Duration bookSnapshotInterval) {
    scheduler.scheduleAtFixedRate(() -> {
      try {
        closeDueCandles();
      } catch (RuntimeException e) {
        log.error("{}: closing due candles failed", venueId, e);
      }
    }, 1, 1, TimeUnit.SECONDS);
    if (bookSnapshotInterval.toMillis() > 0 && books != null) {
      scheduler.scheduleAtFixedRate(this::emitBookSnapshots, bookSnapshotInterval.toMillis(),
          bookSnapshotInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Remembers what earlier runs wrote ({@link DeliveredTail}): their trades and closed candles are not
   * sent again, nor a book snapshot equal to a symbol's latest one. Call before the first frame.
   */
  public void seed(List<SpecificRecord> delivered) {
    int trades = 0;
    for (SpecificRecord record : delivered) {
      if (record instanceof Trade trade) {
        TradeLedger ledger = ledger(trade.getSymbol(), trade.getChannel());
        synchronized (ledger) {
          ledger.seed(trade.getTradeId());
        }
        // Where a hole after the restart starts, for venues whose history is read by time.
        lastTradeTime.merge(trade.getSymbol(), trade.getEventTime(), (a, b) -> a.isAfter(b) ? a : b);
        trades++;
      } else if (record instanceof Candle candle && candle.getClosed()) {
        firstDelivery(candle);
      } else if (record instanceof BookDelta delta) {
        // The latest record per symbol wins: a diff after the snapshot means the book moved on.
        if (delta.getSnapshot()) {
          lastSnapshotWritten.put(delta.getSymbol(), delta.getFinalUpdateId());
        } else {
          lastSnapshotWritten.remove(delta.getSymbol());
        }
      }
    }
    log.info("{}: {} trades, {} book snapshots of earlier runs remembered", venueId, trades, lastSnapshotWritten.size());
  }

  /** Who asks the venue for a book afresh (the collector, which owns the connections). */
  public void resubscriber(BookResubscriber r) {
    this.resubscriber = r;
  }

  /**
   * Sets the collected symbols: new ones get a book sync, dropped ones lose theirs (frames of a
   * dropped symbol still in flight keep their raw record, trades and quotes, but start no book
   * sync).
   */
  public synchronized void updateSymbols(List<String> next) {
    List<String> before = symbols;
    symbols = List.copyOf(next);
    for (String symbol : symbols) {
      sync(symbol);
    }
    for (String symbol : before) {
      if (!symbols.contains(symbol)) {
        BookSync removed = syncs.remove(symbol);
        if (removed != null) {
          removed.reset();
        }
        lastEventTime.remove(symbol);
        lastTradeTime.remove(symbol);
      }
    }
  }

  /** One frame as received. */
  public void onFrame(String text, Instant receiveTime) {
    ParsedFrame frame;
    try {
      frame = parser.parse(text, receiveTime);
    } catch (ParseException e) {
      String stream = e.stream();
      String channel = e.channel() != null ? e.channel() : parser.channelOf(stream);
      CollectorMetrics.Channel counters = metrics.channel(channel);
      counters.received.incrementAndGet();
      if (ParseException.STAGE_UNKNOWN.equals(e.stage())) {
        counters.unknown.incrementAndGet();
      }
      sendRaw(venueId + ":" + (stream == null ? "unknown" : stream), stream, text, receiveTime);
      deadLetter(text, stream == null ? "ws:" + channel : stream, e.stage(), e.getMessage(), receiveTime, channel);
      return;
    }
    String channel = frame.channel();
    metrics.channel(channel).received.incrementAndGet();
    String key = frame.symbol() == null ? venueId : keyOf(frame.symbol());
    sendRaw(key, frame.stream(), text, receiveTime);
    List<SpecificRecord> records = frame.records();
    for (int i = 0, n = records.size(); i < n; i++) {
      dispatch(records.get(i), channel, text, frame.stream(), receiveTime, true);
    }
    for (ParsedFrame.Mark mark : frame.marks()) {
      if (mark instanceof ParsedFrame.LastTradeId last) {
        lastTradeId(last, receiveTime);
      }
    }
  }

  /**
   * Sends records that did not come from a frame (a backfill, a polled channel) as the collector
   * sends its own.
   *
   * @return how many were sent; the others were trades delivered before, dropped
   */
  public int deliver(List<SpecificRecord> records, String channel) {
    int sent = 0;
    Instant now = clock.instant();
    for (SpecificRecord r : records) {
      if (dispatch(r, channel, null, null, now, false)) {
        sent++;
      }
    }
    return sent;
  }

  /** Routes one record; false when it was not sent (a repeated trade, an open candle). */
  private boolean dispatch(SpecificRecord record, String channel, String frame, String stream, Instant receiveTime, boolean live) {
    if (live) {
      venueTime(record);
    }
    if (record instanceof Trade trade) {
      String symbol = trade.getSymbol();
      long[] jump = new long[1];
      if (!firstDelivery(trade, live, jump)) {
        metrics.channel(channel).duplicates.incrementAndGet();
        return false;
      }
      if (jump[0] > 0) {
        tradeIdJump(trade, jump[0]);
      }
      lastEventTime.put(symbol, trade.getEventTime());
      if (live) {
        lastTradeTime.put(symbol, trade.getEventTime());
      }
      if (live) {
        metrics.latency(channel, trade.getEventTime(), receiveTime);
      }
      send(Topics.TRADES, keyOf(symbol), trade, channel, frame, stream, receiveTime);
    } else if (record instanceof Quote quote) {
      if (live) {
        metrics.latency(channel, quote.getEventTime(), receiveTime);
      }
      send(Topics.QUOTES, keyOf(quote.getSymbol()), quote, channel, frame, stream, receiveTime);
    } else if (record instanceof BookDelta delta) {
      if (live) {
        metrics.latency(channel, delta.getEventTime(), receiveTime);
      }
      BookSync sync = syncs.get(delta.getSymbol());
      if (sync == null) {
        // A symbol dropped by a reload (or never configured): its raw frame is kept.
        logOnce("unsynced:" + delta.getSymbol(), "{}: book data of {} which is not collected now; raw frame kept, no book sync",
            venueId, delta.getSymbol());
        return false;
      }
      if (delta.getSnapshot()) {
        sync.onStreamSnapshot(delta);
      } else {
        sync.onDiff(delta);
      }
    } else if (record instanceof Candle candle) {
      if (!candle.getClosed()) {
        // Only final candles are kept: an open one waits until the venue has moved past it.
        boolean sent = false;
        for (Candle closed : closeOnNext(candle, channel)) {
          sent |= sendCandle(closed, channel, frame, stream, receiveTime);
        }
        return sent;
      }
      return sendCandle(candle, channel, frame, stream, receiveTime);
    } else if (record instanceof Instrument instrument) {
      send(Topics.INSTRUMENTS, keyOf(instrument.getSymbol()), instrument, channel, frame, stream, receiveTime);
    } else {
      throw new IllegalArgumentException(venueId + ": the parser gave a " + record.getClass().getSimpleName()
          + ", which the collector does not send");
    }
    return true;
  }

  private boolean sendCandle(Candle candle, String channel, String frame, String stream, Instant receiveTime) {
    if (!firstDelivery(candle)) {
      metrics.channel(channel).duplicates.incrementAndGet();
      return false;
    }
    send(Topics.VENUE_CANDLES, keyOf(candle.getSymbol()), candle, channel, frame, stream, receiveTime);
    return true;
  }

  /**
   * A venue candle not marked closed (Kraken marks none; OKX may not push its closing update):
   * held as the stream's running candle. The one held before it is final once a later period has
   * begun, and is returned closed; a candle of a period older than the one held (a venue's snapshot
   * of recent candles) is over already, and is returned closed itself.
   */
  private List<Candle> closeOnNext(Candle open, String channel) {
    String key = open.getSymbol() + "\u0000" + open.getInterval() + "\u0000" + open.getSource();
    synchronized (openCandles) {
      HeldCandle held = openCandles.get(key);
      long at = micros(open.getOpenTime());
      if (held == null || at > micros(held.candle().getOpenTime())) {
        openCandles.put(key, new HeldCandle(open, channel));
        return held == null ? List.of() : List.of(closed(held.candle()));
      }
      if (at == micros(held.candle().getOpenTime())) {
        openCandles.put(key, new HeldCandle(open, channel));
        return List.of();
      }
      return List.of(closed(open));
    }
  }

  private record HeldCandle(Candle candle, String channel) {}

  private static Candle closed(Candle open) {
    return Candle.newBuilder(open).setClosed(true).build();
  }

  /**
   * Writes the held running candles whose period ended at least {@link #CANDLE_CLOSE_GRACE} ago on
   * the venue's clock: a quiet market sends no later candle to close them.
   */
  public void closeDueCandles() {
    Instant venueNow = venueTime();
    if (venueNow == null) {
      return;
    }
    List<HeldCandle> due = new java.util.ArrayList<>();
    synchronized (openCandles) {
      for (java.util.Iterator<HeldCandle> it = openCandles.values().iterator(); it.hasNext(); ) {
        HeldCandle held = it.next();
        if (!held.candle().getCloseTime().plus(CANDLE_CLOSE_GRACE).isAfter(venueNow)) {
          due.add(held);
          it.remove();
        }
      }
    }
    Instant now = clock.instant();
    for (HeldCandle held : due) {
      sendCandle(closed(held.candle()), held.channel(), null, null, now);
    }
  }

  private boolean firstDelivery(Candle candle) {
    java.util.NavigableSet<Long> seen = candlesDelivered.computeIfAbsent(
        candle.getSymbol() + "\u0000" + candle.getInterval() + "\u0000" + candle.getSource(),
        k -> new java.util.concurrent.ConcurrentSkipListSet<>());
    boolean first = seen.add(micros(candle.getOpenTime()));
    while (seen.size() > 10_000) {
      seen.pollFirst();
    }
    return first;
  }

  private void venueTime(SpecificRecord record) {
    // A record the parser stamped with its receive time (the venue said no time: a v1 Kraken ticker,
    // a Coinbase snapshot) says nothing of the venue's clock.
    Instant t =
        record instanceof Trade x ? venueOnly(x.getEventTime(), x.getReceiveTime())
            : record instanceof Quote x ? venueOnly(x.getEventTime(), x.getReceiveTime())
            : record instanceof BookDelta x ? venueOnly(x.getEventTime(), x.getReceiveTime())
            : record instanceof Candle x ? x.getEventTime()
            : null;
    if (t != null) {
      long us = micros(t);
      venueMicros.accumulateAndGet(us, Math::max);
    }
  }

  private static Instant venueOnly(Instant eventTime, Instant receiveTime) {
    return eventTime.equals(receiveTime) ? null : eventTime;
  }

  /** The venue's clock: the newest event time it has sent, or {@code null} before its first data. */
  public Instant venueTime() {
    long us = venueMicros.get();
    return us == Long.MIN_VALUE ? null : Instant.EPOCH.plus(us, ChronoUnit.MICROS);
  }

  /**
   * Records a trade's delivery; false for a repeat. For a live trade of a venue whose ids leave no
   * holes, {@code jump[0]} is set to the last id before it when ids were skipped.
   */
  private boolean firstDelivery(Trade trade, boolean live, long[] jump) {
    TradeLedger ledger = ledger(trade.getSymbol(), trade.getChannel());
    latestLedger.put(trade.getSymbol(), ledger);
    synchronized (ledger) {
      Long before = ledger.lastId();
      if (!ledger.firstDelivery(trade.getTradeId())) {
        return false;
      }
      Long id = TradeLedger.numeric(trade.getTradeId());
      if (live && traits.contiguousTradeIds() && before != null && id != null && id > before + 1) {
        jump[0] = before;
      }
      return true;
    }
  }

  /** Trade ids were skipped: the hole (exclusive of both ends) is due a backfill. */
  private void tradeIdJump(Trade trade, long lastGood) {
    long id = Long.parseLong(trade.getTradeId());
    emitGap(
        GapEvent.newBuilder()
            .setGapId(venueId + ":" + trade.getSymbol() + ":" + GapKind.TRADE_ID + ":" + trade.getChannel() + ":" + lastGood)
            .setVenue(venueId)
            .setSymbol(trade.getSymbol())
            .setKind(GapKind.TRADE_ID)
            .setStream(trade.getChannel())
            .setLastGoodSequence(lastGood)
            .setFirstSequenceAfter(id)
            // Venues whose history is read by time (Kraken) start there.
            .setLastGoodTime(lastTradeTime.get(trade.getSymbol()))
            .setFirstTimeAfter(trade.getEventTime())
            .setDetectedTime(clock.instant())
            .setCause("trade id " + id + " follows " + lastGood + ": " + (id - lastGood - 1) + " missing")
            .setBackfillStatus(BackfillStatus.PENDING)
            .setBackfillDetail(null)
            .build(),
        trade.getChannel());
  }

  private TradeLedger ledger(String symbol, String channel) {
    String k = traits.tradeIdsByChannel() ? symbol + "\u0000" + channel : symbol;
    return ledgers.computeIfAbsent(k, x -> new TradeLedger());
  }

  /** Whether this process delivered the numeric trade id of a symbol (and channel) already. */
  public boolean delivered(String symbol, String channel, long tradeId) {
    TradeLedger ledger = ledgers.get(traits.tradeIdsByChannel() ? symbol + "\u0000" + channel : symbol);
    if (ledger == null) {
      return false;
    }
    synchronized (ledger) {
      return ledger.delivered(tradeId);
    }
  }

  /** The highest trade id of a symbol (and channel) delivered in this process, or {@code null}. */
  public Long lastTradeId(String symbol, String channel) {
    TradeLedger ledger = ledgers.get(traits.tradeIdsByChannel() ? symbol + "\u0000" + channel : symbol);
    if (ledger == null) {
      return null;
    }
    synchronized (ledger) {
      return ledger.lastId();
    }
  }

  /** A heartbeat named a last trade: trades after ours were missed if it is ahead of us. */
  private void lastTradeId(ParsedFrame.LastTradeId mark, Instant receiveTime) {
    if (!traits.contiguousTradeIds() || mark.tradeId() <= 0) {
      return; // some feeds send 0 when they do not say
    }
    Long ours = lastTradeId(mark.symbol(), mark.channel());
    // The last trade the venue names may still be on its way when the frame can overtake it.
    long missedThrough = mark.mayPrecedeItsTrade() ? mark.tradeId() - 1 : mark.tradeId();
    if (ours == null || missedThrough <= ours) {
      return;
    }
    Long reported = reportedTradeHoles.get(mark.symbol());
    if (reported != null && reported.equals(ours)) {
      return; // this hole was reported by an earlier heartbeat
    }
    reportedTradeHoles.put(mark.symbol(), ours);
    Instant now = clock.instant();
    emitGap(
        GapEvent.newBuilder()
            .setGapId(venueId + ":" + mark.symbol() + ":" + GapKind.TRADE_ID + ":" + mark.channel() + ":" + ours)
            .setVenue(venueId)
            .setSymbol(mark.symbol())
            .setKind(GapKind.TRADE_ID)
            .setStream(mark.channel())
            .setLastGoodSequence(ours)
            .setFirstSequenceAfter(missedThrough + 1)
            .setLastGoodTime(lastEventTime.get(mark.symbol()))
            .setFirstTimeAfter(null)
            .setDetectedTime(now)
            .setCause("the venue names trade " + mark.tradeId() + ", last one received " + ours)
            .setBackfillStatus(BackfillStatus.PENDING)
            .setBackfillDetail(null)
            .build(),
        mark.channel());
  }

  /**
   * A connection that carried {@code symbols} dropped: each gets a DISCONNECT gap (PENDING: the
   * trades of the outage are due a backfill, from after the last trade delivered) and its book is
   * forgotten until a new snapshot.
   */
  public void onDisconnect(Collection<String> symbolsOfConnection, String reason) {
    Instant now = clock.instant();
    for (String symbol : symbolsOfConnection) {
      TradeLedger ledger = latestLedger.get(symbol);
      Long lastTrade = null;
      if (ledger != null) {
        synchronized (ledger) {
          lastTrade = ledger.lastId();
        }
      }
      // Trades of the outage are read from the last one delivered (by id, or by time where the venue's history is read so).
      Instant lastTime = lastTradeTime.getOrDefault(symbol, lastEventTime.get(symbol));
      String mark = lastTrade != null ? Long.toString(lastTrade) : lastTime != null ? Long.toString(micros(lastTime)) : Long.toString(micros(now));
      emitGap(
          GapEvent.newBuilder()
              .setGapId(venueId + ":" + symbol + ":" + GapKind.DISCONNECT + ":connection:" + mark)
              .setVenue(venueId)
              .setSymbol(symbol)
              .setKind(GapKind.DISCONNECT)
              .setStream("connection")
              .setLastGoodSequence(lastTrade)
              .setFirstSequenceAfter(null)
              .setLastGoodTime(lastTime)
              .setFirstTimeAfter(null)
              .setDetectedTime(now)
              .setCause(reason)
              // Trades of the outage are missing: a backfill is due. The book is resynced from a
              // snapshot on the next connection.
              .setBackfillStatus(BackfillStatus.PENDING)
              .setBackfillDetail(null)
              .build(),
          "connection");
      BookSync sync = syncs.get(symbol);
      if (sync != null) {
        sync.reset();
      }
    }
  }

  private BookSync sync(String symbol) {
    if (books == null) {
      return null;
    }
    return syncs.computeIfAbsent(symbol, s -> new BookSync(venueId, s, books, this::requestSnapshot, new SyncOutput(s), clock));
  }

  private void requestSnapshot(String symbol, long requestId) {
    if (books.snapshots() == BookRules.Snapshots.STREAM) {
      resubscriber.resubscribe(symbol);
      return;
    }
    books.fetcher().fetch(symbol).whenComplete((snapshot, error) -> {
      if (error != null) {
        log.debug("{} {}: snapshot request {} abandoned: {}", venueId, symbol, requestId, error.toString());
      } else {
        BookSync sync = syncs.get(symbol);
        if (sync != null) { // null: the symbol was dropped meanwhile
          sync.onSnapshot(requestId, snapshot);
        }
      }
    });
  }

  private final class SyncOutput implements BookSync.Output {
    private final String key;

    SyncOutput(String symbol) {
      this.key = keyOf(symbol);
    }

    @Override
    public void book(BookDelta delta) {
      lastEventTime.put(delta.getSymbol(), delta.getEventTime());
      Long written = lastSnapshotWritten.isEmpty() ? null : lastSnapshotWritten.remove(delta.getSymbol());
      if (written != null && delta.getSnapshot() && written == delta.getFinalUpdateId()) {
        metrics.channel("depth").duplicates.incrementAndGet();
        return; // an earlier run wrote this very snapshot (the book has not moved since)
      }
      send(Topics.BOOK, key, delta, "depth", null, null, delta.getReceiveTime());
    }

    @Override
    public void gap(GapEvent gap) {
      emitGap(gap, "depth");
    }

    @Override
    public void quote(Quote quote) {
      send(Topics.QUOTES, key, quote, "depth", null, null, quote.getReceiveTime());
    }

    @Override
    public void checksum(boolean verified) {
      metrics.checksum(verified);
    }
  }

  private void emitGap(GapEvent gap, String channel) {
    metrics.channel(channel).gaps.incrementAndGet();
    send(Topics.GAPS, keyOf(gap.getSymbol()), gap, channel, null, null, gap.getDetectedTime());
  }

  /** Writes a gap event (the backfill's new status); completes when acknowledged. */
  public Future<?> sendGap(GapEvent gap) {
    return producer.send(new ProducerRecord<>(Topics.GAPS, keyOf(gap.getSymbol()), gap));
  }

  private void emitBookSnapshots() {
    try {
      for (BookSync sync : syncs.values()) {
        sync.writeBookSnapshot();
      }
    } catch (RuntimeException e) {
      log.error("{}: periodic book snapshot failed", venueId, e);
    }
  }

  private void sendRaw(String key, String stream, String text, Instant receiveTime) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RECEIVE_TIME_HEADER, Long.toString(micros(receiveTime)).getBytes(StandardCharsets.US_ASCII));
    if (stream != null) {
      // Shared per stream: Kafka only reads header values.
      headers.add(STREAM_HEADER, streamBytes.computeIfAbsent(stream, x -> x.getBytes(StandardCharsets.UTF_8)));
    }
    rawProducer.send(
        new ProducerRecord<>(rawTopic, null, receiveTime.toEpochMilli(), key, text.getBytes(StandardCharsets.UTF_8), headers),
        (md, e) -> {
          if (e == null) {
            metrics.rawProduced().incrementAndGet();
          } else {
            metrics.rawErrors().incrementAndGet();
            logOnce("raw-error", "{}: raw frame send failed (key {}): {}; counting further failures", venueId, key, e.toString());
          }
        });
  }

  /**
   * Sends a normalized record. A record the serializer refuses (it violates the registered schema)
   * becomes a dead letter carrying the frame it came from.
   */
  private void send(String topic, String key, SpecificRecord record, String channel, String frame, String stream, Instant receiveTime) {
    CollectorMetrics.Channel counters = metrics.channel(channel);
    try {
      producer.send(new ProducerRecord<>(topic, key, record), (md, e) -> {
        if (e == null) {
          counters.produced.incrementAndGet();
        } else {
          counters.produceErrors.incrementAndGet();
          logOnce("send-error:" + topic, "{}: send to {} failed (key {}): {}; counting further failures", venueId, topic, key, e.toString());
        }
      });
    } catch (SerializationException e) {
      counters.produceErrors.incrementAndGet();
      String payload = frame != null ? frame : record.toString();
      deadLetter(payload, stream != null ? stream : topic, "serialize", e.getClass().getSimpleName() + ": " + e.getMessage(), receiveTime, channel);
    }
  }

  private void deadLetter(String payload, String source, String stage, String error, Instant receiveTime, String channel) {
    metrics.channel(channel).deadLettered.incrementAndGet();
    logOnce("dlq:" + stage + ":" + source, "{}: frame from {} refused at stage {}: {}; frame to {} (first 200 chars: {}). Further ones are counted",
        venueId, source, stage, error, Topics.DEAD_LETTER, payload.length() > 200 ? payload.substring(0, 200) : payload);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setVenue(venueId)
            .setSource(source)
            .setStage(stage)
            .setError(error)
            .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
            .setReceiveTime(receiveTime)
            .build();
    try {
      producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, venueId + ":" + source, letter), (md, e) -> {
        if (e != null) {
          metrics.channel(channel).produceErrors.incrementAndGet();
          logOnce("dlq-send-error", "{}: dead letter send failed: {}", venueId, e.toString());
        }
      });
    } catch (SerializationException e) {
      metrics.channel(channel).produceErrors.incrementAndGet();
      log.error("{}: dead letter itself could not be serialized", venueId, e);
    }
  }

  private void logOnce(String key, String format, Object... args) {
    if (loggedOnce.add(key)) {
      log.warn(format, args);
    } else if (log.isDebugEnabled()) {
      log.debug(format, args);
    }
  }

  /** The record key {@code venue:symbol}, one instance per symbol. */
  private String keyOf(String symbol) {
    return keyBySymbol.computeIfAbsent(symbol, x -> venueId + ":" + x);
  }


  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** The sync of a symbol's book, or {@code null} (tests and ops). */
  public BookSync bookSync(String symbol) {
    return syncs.get(symbol);
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  public List<String> symbols() {
    return symbols;
  }

  public Venue venue() {
    return venue;
  }

  /** Flushes both producers: everything sent so far is acknowledged (or failed) when it returns. */
  public void flush() {
    rawProducer.flush();
    producer.flush();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("{}: closing {} failed", venueId, c, e);
      }
    }
    rawProducer.close(Duration.ofSeconds(10));
    producer.close(Duration.ofSeconds(10));
  }
}
