package io.ticklake.producers.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ticklake.producers.backfill.GapBackfiller;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.RestPoller;
import io.ticklake.producers.ws.ReconnectingWsClient;
import io.ticklake.producers.ws.WsListener;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector of one venue: its REST client (one budget for everything it asks), the
 * {@link VenueRuntime}, the WebSocket connections its symbols are sharded over (at most {@code
 * ws.max.symbols.per.connection} each, every one reconnecting on its own and resubscribing exactly
 * its symbols), the gap backfill, the polled channels and the reference-data refresh. Closing it
 * stops the connections first, so no frame arrives after the producers' flush.
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final CollectorConfig config;
  private final Venue venue;
  private final Connections connections;
  private final BudgetedRestClient rest;
  private final VenueRuntime runtime;
  private final List<Shard> shards = new CopyOnWriteArrayList<>();
  private final GapBackfiller backfill;
  private final RestPoller poller;
  private final ScheduledExecutorService instrumentsTimer;
  private final Clock clock;

  private Collector(CollectorConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.venue = config.venue();
    this.clock = clock;
    this.connections = venue.connections(config); // checks the channels before anything starts
    this.rest = new BudgetedRestClient(venue.id(), URI.create(config.restUrl()), venue.restLimits(config), clock);
    BookRules books = connections.bookChannel() == null ? null : venue.books(config, rest, clock).orElse(null);
    this.runtime = VenueRuntime.create(config, books, clock, registry, rest);
    runtime.resubscriber(this::resubscribeBook);
    this.backfill =
        config.backfillEnabled()
            ? new GapBackfiller(venue.id(), GapBackfiller.consumer(venue.id(), config.bootstrapServers(), consumerConfig(config)),
                venue.backfill(config, rest, clock), new Delivery(), config.symbols())
            : null;
    List<RestPoller.PolledChannel> polled = venue.polled(config, rest, runtime::symbols);
    this.poller =
        polled.isEmpty() ? null : new RestPoller(venue.id(), polled, (channel, records) -> runtime.deliver(records, channel), runtime::venueTime);
    this.instrumentsTimer =
        venue.instruments(config, rest, clock).map(source -> {
          ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, venue.id() + "-instruments");
            th.setDaemon(true);
            return th;
          });
          Runnable refresh = () -> source.fetch(runtime.symbols()).whenComplete((list, error) -> {
            if (error != null) {
              log.warn("{}: reference data not read: {}; trying again at the next refresh", venue.id(), error.toString());
            } else {
              runtime.deliver(List.copyOf(list), "instruments");
              log.info("{}: reference data of {} instruments written", venue.id(), list.size());
            }
          });
          long every = config.instrumentsRefresh().toMillis();
          if (every > 0) {
            t.scheduleAtFixedRate(refresh, 0, every, TimeUnit.MILLISECONDS);
          } else {
            t.execute(refresh);
          }
          return t;
        }).orElse(null);
  }

  private static Map<String, Object> consumerConfig(CollectorConfig config) {
    Map<String, Object> c = new HashMap<>(config.producerOverrides());
    c.put("schema.registry.url", config.schemaRegistryUrl());
    return c;
  }

  /** Starts collecting {@code config}'s venue; its counters, and its Kafka clients', in {@code registry}. */
  public static Collector start(CollectorConfig config, MeterRegistry registry) {
    return new Collector(config, registry, Clock.systemUTC()).start();
  }

  /** Starts collecting with a private registry. */
  public static Collector start(CollectorConfig config) {
    return start(config, new SimpleMeterRegistry());
  }

  private Collector start() {
    for (Connections part : connections.parts()) {
      for (List<String> group : shard(part, config.symbols())) {
        openShard(part, group);
      }
    }
    runtime.metrics().expectConnections(shards.size());
    if (backfill != null) {
      backfill.start();
    }
    if (poller != null) {
      poller.start();
    }
    log.info("collecting {} {} for {} over {} connection(s) from {}", venue.id(), connections.channels(), config.symbols(),
        shards.size(), config.wsUrl());
    return this;
  }

  private List<List<String>> shard(Connections part, List<String> symbols) {
    int cap = Math.min(config.wsMaxSymbolsPerConnection(), part.maxSymbolsPerConnection());
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < symbols.size(); i += cap) {
      out.add(List.copyOf(symbols.subList(i, Math.min(symbols.size(), i + cap))));
    }
    return out;
  }

  private Shard openShard(Connections part, List<String> symbols) {
    Shard shard = new Shard(part, symbols);
    shards.add(shard);
    shard.ws.start();
    return shard;
  }

  /** One connection, the endpoint part it belongs to and the symbols it carries. */
  private final class Shard implements WsListener {
    private volatile List<String> symbols;
    private final Connections part;
    private final ReconnectingWsClient ws;

    Shard(Connections part, List<String> symbols) {
      this.part = part;
      this.symbols = List.copyOf(symbols);
      this.ws =
          new ReconnectingWsClient(
              ReconnectingWsClient.Config.of(part.uri(symbols))
                  .withIdleTimeout(config.wsIdleTimeout())
                  .withRotateAfter(config.wsRotateInterval())
                  .withBackoff(ReconnectingWsClient.Config.INITIAL_BACKOFF_DEFAULT, config.wsBackoffMax())
                  .withMaxFrameBytes(config.wsMaxFrameBytes())
                  .withMessagesPerSecond(config.wsMessagesPerSecond())
                  .withKeepalive(part.keepaliveInterval(), part.keepaliveFrame())
                  .withSubscribeFrames(part.openFrames(symbols)),
              this);
    }

    void setSymbols(List<String> next) {
      symbols = List.copyOf(next);
      ws.updateUri(part.uri(next));
      ws.updateSubscribeFrames(part.openFrames(next));
    }

    @Override
    public void onOpen(long connectionId) {
      runtime.metrics().connected();
      log.info("{}: connection {} open for {}", venue.id(), connectionId, symbols);
    }

    @Override
    public void onFrame(String text, Instant receiveTime) {
      runtime.onFrame(text, receiveTime);
    }

    @Override
    public void onClose(String reason) {
      runtime.metrics().reconnects().incrementAndGet();
      runtime.metrics().disconnected(reason, reason.startsWith("planned rotation"), clock.instant());
      runtime.onDisconnect(symbols, reason);
    }

    @Override
    public void onConnectFailed(String reason) {
      runtime.metrics().connectFailed(reason, clock.instant());
    }
  }

  /** What a symbol change did. */
  public record SymbolChange(List<String> added, List<String> removed) {}

  /**
   * Changes the symbol list on the live connections, without a reconnect: dropped symbols are
   * unsubscribed on the connection that carries them, new ones subscribed on a connection with room
   * (or a new one); book syncs start and stop with them. Every connection's next reconnect
   * subscribes exactly what it carries now.
   *
   * @throws IllegalArgumentException for an empty list or one the venue refuses
   */
  public synchronized SymbolChange applySymbols(List<String> next) {
    List<String> wanted = config.nativeSymbols(next);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("symbols must name at least one symbol");
    }
    List<String> before = runtime.symbols();
    List<String> added = wanted.stream().filter(x -> !before.contains(x)).toList();
    List<String> removed = before.stream().filter(x -> !wanted.contains(x)).toList();
    if (added.isEmpty() && removed.isEmpty()) {
      return new SymbolChange(List.of(), List.of());
    }
    // Work the new layout out first (the venue may refuse it), then change the connections.
    Map<Shard, List<String>> layout = new LinkedHashMap<>();
    Map<Connections, List<List<String>>> fresh = new LinkedHashMap<>();
    for (Connections part : connections.parts()) {
      int cap = Math.min(config.wsMaxSymbolsPerConnection(), part.maxSymbolsPerConnection());
      List<String> toPlace = new ArrayList<>(added);
      for (Shard s : shards) {
        if (s.part != part) {
          continue;
        }
        List<String> held = new ArrayList<>(s.symbols.stream().filter(x -> !removed.contains(x)).toList());
        while (held.size() < cap && !toPlace.isEmpty()) {
          held.add(toPlace.remove(0));
        }
        part.uri(held);
        layout.put(s, held);
      }
      List<List<String>> more = shard(part, toPlace);
      more.forEach(part::uri);
      fresh.put(part, more);
    }
    runtime.updateSymbols(wanted);
    boolean live = true;
    for (Map.Entry<Shard, List<String>> e : layout.entrySet()) {
      Shard shard = e.getKey();
      List<String> held = e.getValue();
      List<String> drop = shard.symbols.stream().filter(removed::contains).toList();
      List<String> add = held.stream().filter(x -> !shard.symbols.contains(x)).toList();
      if (held.isEmpty()) {
        shards.remove(shard);
        shard.ws.close();
        continue;
      }
      shard.setSymbols(held);
      for (String frame : drop.isEmpty() ? List.<String>of() : shard.part.unsubscribe(drop)) {
        live &= shard.ws.send(frame);
      }
      for (String frame : add.isEmpty() ? List.<String>of() : shard.part.subscribe(add)) {
        live &= shard.ws.send(frame);
      }
    }
    fresh.forEach((part, groups) -> groups.forEach(group -> openShard(part, group)));
    runtime.metrics().expectConnections(shards.size());
    if (backfill != null) {
      backfill.updateSymbols(wanted);
    }
    log.info("{}: symbols now {} (added {}, removed {}) over {} connection(s){}", venue.id(), wanted, added, removed, shards.size(),
        live ? "" : "; a connection was not open, its next one subscribes");
    return new SymbolChange(added, removed);
  }

  /** Asks the venue for a symbol's book afresh on the connection that carries it (snapshots in the stream). */
  private void resubscribeBook(String symbol) {
    for (Shard s : shards) {
      if (s.symbols.contains(symbol) && s.part.bookChannel() != null) {
        List<String> frames = s.part.resubscribeBook(symbol);
        frames.forEach(s.ws::send);
        log.info("{} {}: book resubscribed for a fresh snapshot", venue.id(), symbol);
        return;
      }
    }
  }

  /** Backfill records and gap statuses go through the runtime. */
  private final class Delivery implements GapBackfiller.Delivery {
    @Override
    public int deliver(List<SpecificRecord> records) {
      return runtime.deliver(records, "backfill");
    }

    @Override
    public java.util.concurrent.Future<?> status(io.ticklake.schema.v1.GapEvent gap) {
      runtime.flush(); // the records first: a FILLED gap names records already on their topics
      return runtime.sendGap(gap);
    }
  }

  public VenueRuntime runtime() {
    return runtime;
  }

  public CollectorMetrics metrics() {
    return runtime.metrics();
  }

  public BudgetedRestClient rest() {
    return rest;
  }

  /** The gap backfill, or {@code null} when {@code backfill.enabled=false}. */
  public GapBackfiller backfill() {
    return backfill;
  }

  public CollectorConfig config() {
    return config;
  }

  /** The connections (one per shard of symbols). */
  public List<ReconnectingWsClient> connections() {
    return shards.stream().map(s -> s.ws).toList();
  }

  /** Connections that dropped (or were rotated) and were reopened, over all shards. */
  public long reconnects() {
    return shards.stream().mapToLong(s -> s.ws.reconnects()).sum();
  }

  /** What {@code /status} shows beyond the counters: shards and the REST budget. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>(runtime.metrics().status());
    List<Map<String, Object>> conns = new ArrayList<>();
    for (Shard s : shards) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("symbols", s.symbols);
      c.put("open", s.ws.isOpen());
      c.put("reconnects", s.ws.reconnects());
      conns.add(c);
    }
    m.put("connectionsDetail", conns);
    m.put("rest", rest.status());
    if (backfill != null) {
      m.put("backfill", Map.of("filled", backfill.filled(), "unfillable", backfill.unfillable()));
    }
    return m;
  }

  @Override
  public void close() {
    for (Shard s : shards) {
      s.ws.close();
    }
    if (poller != null) {
      poller.close();
    }
    if (instrumentsTimer != null) {
      instrumentsTimer.shutdownNow();
    }
    if (backfill != null) {
      backfill.close();
    }
    runtime.close();
  }
}
