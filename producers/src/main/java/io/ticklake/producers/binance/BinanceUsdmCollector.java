package io.ticklake.producers.binance;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ticklake.producers.CollectorConfig;
import io.ticklake.producers.CollectorMetrics;
import io.ticklake.producers.ParseException;
import io.ticklake.producers.ws.ReconnectingWsClient;
import io.ticklake.producers.ws.WsListener;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.DeadLetter;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
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
 * Binance USD-M futures into Kafka: every frame unchanged to {@code md.raw.binance-usdm.frames.v1}
 * (header {@code receive-time}, epoch microseconds), then normalized {@code Trade}, {@code Quote},
 * {@code BookDelta} (synced per symbol by {@link OrderBookSync}) and {@code GapEvent} records, key
 * {@code venue:symbol}. A frame that cannot be read goes whole to the dead-letter topic and the
 * stream goes on. A dropped connection is a {@link GapKind#DISCONNECT} gap for every symbol.
 *
 * <p>{@link #onFrame} runs on the WebSocket thread: it parses and hands records to {@code
 * producer.send}, which does not wait for the broker.
 */
public final class BinanceUsdmCollector implements WsListener, AutoCloseable {
  /**
   * The producers' settings unless overridden: batches of up to 20 ms, lz4. The Streams benchmark's
   * latency run sends with the same, so it times the path a frame takes.
   */
  public static final Map<String, Object> PRODUCER_DEFAULTS =
      Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

  private static final Logger log = LoggerFactory.getLogger(BinanceUsdmCollector.class);

  public static final String VENUE = BinanceMessageParser.VENUE;
  public static final String RECEIVE_TIME_HEADER = "receive-time";
  public static final String STREAM_HEADER = "stream";

  /** Source of REST snapshots; {@link BinanceRestSnapshotClient#fetch} in production. */
  public interface SnapshotSource {
    CompletableFuture<BookDelta> fetch(String symbol);
  }

  private volatile List<String> symbols;
  private final List<String> channels;
  private final Producer<String, byte[]> rawProducer;
  private final Producer<String, SpecificRecord> producer;
  private final SnapshotSource snapshots;
  private final CollectorMetrics metrics;
  private final Clock clock;
  private final BinanceMessageParser parser = new BinanceMessageParser(VENUE);
  private final String rawTopic = Topics.raw(VENUE);
  private final Map<String, OrderBookSync> syncs = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastEventTime = new ConcurrentHashMap<>();
  private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();
  private final Map<String, String> keyBySymbol = new ConcurrentHashMap<>();
  private final Map<String, byte[]> streamBytes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final AutoCloseable[] owned;

  /**
   * A collector on given producers (tests pass {@code MockProducer}s). Call {@link #start} for
   * periodic book snapshots.
   */
  public BinanceUsdmCollector(
      List<String> symbols,
      List<String> channels,
      Producer<String, byte[]> rawProducer,
      Producer<String, SpecificRecord> producer,
      SnapshotSource snapshots,
      CollectorMetrics metrics,
      Clock clock,
      AutoCloseable... owned) {
    this.symbols = List.copyOf(symbols);
    this.channels = List.copyOf(channels);
    this.rawProducer = rawProducer;
    this.producer = producer;
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.clock = clock;
    this.owned = owned;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "binance-usdm-book-snapshots");
      t.setDaemon(true);
      return t;
    });
    for (String symbol : this.symbols) {
      sync(symbol);
    }
  }

  /** Starts the periodic book snapshots ({@code interval} 0 or negative: none). */
  public BinanceUsdmCollector start(Duration bookSnapshotInterval) {
    if (bookSnapshotInterval.toMillis() > 0) {
      scheduler.scheduleAtFixedRate(this::emitBookSnapshots, bookSnapshotInterval.toMillis(),
          bookSnapshotInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** A running collector: producers, REST client and WebSocket client made from {@code config}. */
  public static Running run(CollectorConfig config) {
    return run(config, new SimpleMeterRegistry());
  }

  /**
   * A running collector whose counters, and its Kafka producers' own metrics, are registered with
   * {@code registry}.
   */
  public static Running run(CollectorConfig config, MeterRegistry registry) {
    BinanceRestSnapshotClient rest =
        new BinanceRestSnapshotClient(URI.create(config.restUrl()), BinanceRestSnapshotClient.DEPTH_LIMIT_DEFAULT,
            config.restWeightBudget(), new BinanceMessageParser(VENUE), Clock.systemUTC());
    BinanceUsdmCollector collector = create(config, rest::fetch, Clock.systemUTC(), registry, rest);
    URI uri = BinanceUsdmSubscriptions.combinedStreamUri(config.wsUrl(), config.symbols(), config.channels());
    ReconnectingWsClient ws =
        new ReconnectingWsClient(
            ReconnectingWsClient.Config.of(uri)
                .withIdleTimeout(config.wsIdleTimeout())
                .withRotateAfter(config.wsRotateInterval())
                .withBackoff(ReconnectingWsClient.Config.INITIAL_BACKOFF_DEFAULT, config.wsBackoffMax()),
            collector);
    ws.start();
    log.info("collecting {} {} for {} from {}", VENUE, config.channels(), config.symbols(), config.wsUrl());
    // In this process, on this REST client: one weight budget and one 418 ban for snapshots and
    // backfill alike, as Binance counts them (per IP).
    BinanceBackfill backfill = null;
    if (config.backfillEnabled()) {
      Map<String, Object> consumerConfig = new HashMap<>(config.producerOverrides());
      consumerConfig.put("schema.registry.url", config.schemaRegistryUrl());
      backfill =
          new BinanceBackfill(
                  BinanceBackfill.consumer(config.bootstrapServers(), consumerConfig),
                  collector.producer,
                  rest,
                  config.symbols(),
                  config.channels(),
                  Clock.systemUTC())
              .start();
    }
    return new Running(collector, ws, rest, collector.metrics(), config.wsUrl(), backfill);
  }

  /**
   * A started collector on the production Kafka producers (idempotent, {@code acks=all}) made from
   * {@code config}, fed by whoever calls {@link #onFrame}: {@link #run} puts a WebSocket client in
   * front of it, the ingest benchmark its frames. {@code owned} is closed with it.
   */
  public static BinanceUsdmCollector create(
      CollectorConfig config, SnapshotSource snapshots, Clock clock, AutoCloseable... owned) {
    return create(config, snapshots, clock, new SimpleMeterRegistry(), owned);
  }

  /** As {@link #create(CollectorConfig, SnapshotSource, Clock, AutoCloseable...)}, its metrics registered with {@code registry}. */
  public static BinanceUsdmCollector create(
      CollectorConfig config, SnapshotSource snapshots, Clock clock, MeterRegistry registry, AutoCloseable... owned) {
    CollectorMetrics metrics = new CollectorMetrics(VENUE, registry);
    Map<String, Object> common = new HashMap<>(config.producerOverrides());
    common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    common.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    common.put(ProducerConfig.ACKS_CONFIG, "all");
    PRODUCER_DEFAULTS.forEach(common::putIfAbsent);
    Map<String, Object> rawConfig = new HashMap<>(common);
    rawConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-" + VENUE + "-raw");
    Map<String, Object> normConfig = new HashMap<>(common);
    normConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-" + VENUE + "-norm");
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
    AutoCloseable[] closed = java.util.Arrays.copyOf(owned, owned.length + 2);
    closed[owned.length] = rawMetrics;
    closed[owned.length + 1] = normMetrics;
    return new BinanceUsdmCollector(config.symbols(), config.channels(), raw, norm, snapshots, metrics, clock, closed)
        .start(config.bookSnapshotInterval());
  }

  /**
   * A collector with its connections; closing it stops everything and flushes the producers.
   *
   * @param backfill the gap backfill, or null when {@code backfill.enabled=false}
   */
  public record Running(
      BinanceUsdmCollector collector,
      ReconnectingWsClient ws,
      BinanceRestSnapshotClient rest,
      CollectorMetrics metrics,
      String wsBase,
      BinanceBackfill backfill)
      implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicLong REQUEST_IDS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Changes the symbol list on the live connection, without a reconnect: book syncs start for
     * new symbols (a snapshot is fetched when their first diff arrives) and stop for dropped ones,
     * then Binance's {@code UNSUBSCRIBE} and {@code SUBSCRIBE} requests go out on the open
     * connection; the next connection's URL names the new list, so a reconnect agrees with it.
     *
     * @return the streams subscribed and unsubscribed (both empty when nothing changed)
     * @throws IllegalArgumentException for an empty list, an unknown channel or over 200 streams
     */
    public synchronized SymbolChange applySymbols(List<String> next) {
      List<String> wanted = next.stream().map(String::trim).map(x -> x.toUpperCase(java.util.Locale.ROOT)).distinct().toList();
      if (wanted.isEmpty()) {
        throw new IllegalArgumentException("symbols must name at least one symbol");
      }
      List<String> before = collector.symbols();
      List<String> added = wanted.stream().filter(x -> !before.contains(x)).toList();
      List<String> removed = before.stream().filter(x -> !wanted.contains(x)).toList();
      if (added.isEmpty() && removed.isEmpty()) {
        return new SymbolChange(List.of(), List.of());
      }
      List<String> channels = collector.channels;
      URI nextUri = BinanceUsdmSubscriptions.combinedStreamUri(wsBase, wanted, channels); // checks the 200 cap
      List<String> subscribe = BinanceUsdmSubscriptions.streams(added, channels);
      List<String> unsubscribe = BinanceUsdmSubscriptions.streams(removed, channels);
      ws.updateUri(nextUri);
      collector.updateSymbols(wanted);
      boolean live = true;
      if (!unsubscribe.isEmpty()) {
        live = ws.send(BinanceUsdmSubscriptions.unsubscribe(unsubscribe, REQUEST_IDS.incrementAndGet()));
      }
      if (!subscribe.isEmpty()) {
        live &= ws.send(BinanceUsdmSubscriptions.subscribe(subscribe, REQUEST_IDS.incrementAndGet()));
      }
      log.info("{}: symbols now {} (added {}, removed {}){}", VENUE, wanted, added, removed,
          live ? " on the open connection" : "; no connection open, the next one subscribes");
      return new SymbolChange(subscribe, unsubscribe);
    }

    @Override
    public void close() {
      ws.close();
      if (backfill != null) {
        backfill.close();
      }
      collector.close();
    }
  }

  /** Streams a symbol change subscribed and unsubscribed. */
  public record SymbolChange(List<String> subscribed, List<String> unsubscribed) {}

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
        OrderBookSync removed = syncs.remove(symbol);
        if (removed != null) {
          removed.reset();
        }
        lastEventTime.remove(symbol);
      }
    }
  }

  @Override
  public void onOpen(long connectionId) {
    metrics.connected();
    log.info("{}: connection {} open", VENUE, connectionId);
  }

  @Override
  public void onConnectFailed(String reason) {
    metrics.connectFailed(reason, clock.instant());
  }

  @Override
  public void onFrame(String text, Instant receiveTime) {
    ParsedFrame frame;
    try {
      frame = parser.parse(text, receiveTime);
    } catch (ParseException e) {
      String stream = e.stream();
      String channel = channelOf(stream);
      metrics.channel(channel).received.incrementAndGet();
      sendRaw(VENUE + ":" + (stream == null ? "unknown" : stream), stream, text, receiveTime);
      deadLetter(text, stream == null ? "ws:unknown-stream" : stream, e.stage(), e.getMessage(), receiveTime, channel);
      return;
    }
    String channel = frame.channel();
    metrics.channel(channel).received.incrementAndGet();
    String key = frame.symbol() == null ? VENUE : keyOf(frame.symbol());
    sendRaw(key, frame.stream(), text, receiveTime);
    if (frame.isControl()) {
      return;
    }
    if (frame.record() instanceof Trade trade) {
      lastEventTime.put(frame.symbol(), trade.getEventTime());
      metrics.latency(channel, trade.getEventTime(), receiveTime);
      send(Topics.TRADES, key, trade, channel, text, frame.stream(), receiveTime);
    } else if (frame.record() instanceof Quote quote) {
      metrics.latency(channel, quote.getEventTime(), receiveTime);
      send(Topics.QUOTES, key, quote, channel, text, frame.stream(), receiveTime);
    } else if (frame.record() instanceof BookDelta diff) {
      metrics.latency(channel, diff.getEventTime(), receiveTime);
      OrderBookSync sync = syncs.get(frame.symbol());
      if (sync != null) {
        sync.onDiff(diff);
      } else {
        // A symbol dropped by a reload (or never configured): its raw frame is kept above.
        logOnce("unsynced:" + frame.symbol(), "{}: depth diff of {} which is not collected now; raw frame kept, no book sync",
            VENUE, frame.symbol());
      }
    }
  }

  @Override
  public void onClose(String reason) {
    metrics.reconnects().incrementAndGet();
    metrics.disconnected(reason, reason.startsWith("planned rotation"), clock.instant());
    Instant now = clock.instant();
    for (OrderBookSync sync : syncs.values()) {
      String symbol = sync.symbol();
      long lastU = sync.lastUpdateId();
      Instant lastTime = lastEventTime.get(symbol);
      String mark = lastU >= 0 ? Long.toString(lastU) : lastTime != null ? Long.toString(micros(lastTime)) : Long.toString(micros(now));
      GapEvent gap =
          GapEvent.newBuilder()
              .setGapId(VENUE + ":" + symbol + ":" + GapKind.DISCONNECT + ":connection:" + mark)
              .setVenue(VENUE)
              .setSymbol(symbol)
              .setKind(GapKind.DISCONNECT)
              .setStream("connection")
              .setLastGoodSequence(lastU >= 0 ? lastU : null)
              .setFirstSequenceAfter(null)
              .setLastGoodTime(lastTime)
              .setFirstTimeAfter(null)
              .setDetectedTime(now)
              .setCause(reason)
              // Trades and quotes of the outage are missing: a backfill is due. The book is
              // resynced from a snapshot on the next connection.
              .setBackfillStatus(BackfillStatus.PENDING)
              .setBackfillDetail(null)
              .build();
      emitGap(gap, "connection");
      sync.reset();
    }
  }

  private OrderBookSync sync(String symbol) {
    return syncs.computeIfAbsent(symbol, s -> {
      String stream = BinanceUsdmSubscriptions.depthStream(s, channels);
      return new OrderBookSync(VENUE, s, stream == null ? s.toLowerCase() + "@depth" : stream,
          this::requestSnapshot, new SyncOutput(s), clock);
    });
  }

  private void requestSnapshot(String symbol, long requestId) {
    snapshots.fetch(symbol).whenComplete((snapshot, error) -> {
      if (error != null) {
        log.debug("{} {}: snapshot request {} abandoned: {}", VENUE, symbol, requestId, error.toString());
      } else {
        OrderBookSync sync = syncs.get(symbol);
        if (sync != null) { // null: the symbol was dropped meanwhile
          sync.onSnapshot(requestId, snapshot);
        }
      }
    });
  }

  private final class SyncOutput implements OrderBookSync.Output {
    private final String key;

    SyncOutput(String symbol) {
      this.key = VENUE + ":" + symbol;
    }

    @Override
    public void book(BookDelta delta) {
      lastEventTime.put(delta.getSymbol(), delta.getEventTime());
      send(Topics.BOOK, key, delta, "depth", null, null, delta.getReceiveTime());
    }

    @Override
    public void gap(GapEvent gap) {
      emitGap(gap, "depth");
    }
  }

  private void emitGap(GapEvent gap, String channel) {
    metrics.channel(channel).gaps.incrementAndGet();
    send(Topics.GAPS, VENUE + ":" + gap.getSymbol(), gap, channel, null, null, gap.getDetectedTime());
  }

  private void emitBookSnapshots() {
    try {
      for (OrderBookSync sync : syncs.values()) {
        sync.bookSnapshot().ifPresent(s -> send(Topics.BOOK, VENUE + ":" + s.getSymbol(), s, "depth", null, null, s.getReceiveTime()));
      }
    } catch (RuntimeException e) {
      log.error("{}: periodic book snapshot failed", VENUE, e);
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
            logOnce("raw-error", "{}: raw frame send failed (key {}): {}; counting further failures", VENUE, key, e.toString());
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
          logOnce("send-error:" + topic, "{}: send to {} failed (key {}): {}; counting further failures", VENUE, topic, key, e.toString());
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
        VENUE, source, stage, error, Topics.DEAD_LETTER, payload.length() > 200 ? payload.substring(0, 200) : payload);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setVenue(VENUE)
            .setSource(source)
            .setStage(stage)
            .setError(error)
            .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
            .setReceiveTime(receiveTime)
            .build();
    try {
      producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, VENUE + ":" + source, letter), (md, e) -> {
        if (e != null) {
          metrics.channel(channel).produceErrors.incrementAndGet();
          logOnce("dlq-send-error", "{}: dead letter send failed: {}", VENUE, e.toString());
        }
      });
    } catch (SerializationException e) {
      metrics.channel(channel).produceErrors.incrementAndGet();
      log.error("{}: dead letter itself could not be serialized", VENUE, e);
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
    return keyBySymbol.computeIfAbsent(symbol, x -> VENUE + ":" + x);
  }

  private static String channelOf(String stream) {
    if (stream == null) {
      return "unknown";
    }
    int at = stream.indexOf('@');
    if (at < 0) {
      return "unknown";
    }
    String rest = stream.substring(at + 1);
    return rest.startsWith("depth") ? "depth" : rest;
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** The sync of a symbol (for tests and ops). */
  public OrderBookSync orderBookSync(String symbol) {
    return syncs.get(symbol);
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  public List<String> symbols() {
    return symbols;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("{}: closing {} failed", VENUE, c, e);
      }
    }
    rawProducer.close(Duration.ofSeconds(10));
    producer.close(Duration.ofSeconds(10));
  }

}
