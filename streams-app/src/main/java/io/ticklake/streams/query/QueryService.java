package io.ticklake.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.streams.cvd.CvdCalculator;
import io.ticklake.streams.cvd.CvdTopology;
import io.ticklake.streams.internal.ClosingWindows;
import io.ticklake.streams.internal.Keys;
import io.ticklake.streams.internal.Times;
import io.ticklake.streams.ofi.OfiAggregator;
import io.ticklake.streams.ofi.OfiTopology;
import io.ticklake.streams.ohlcv.OhlcvAggregator;
import io.ticklake.streams.ohlcv.OhlcvTopology;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Interactive queries over the local stores. A key owned by another instance is answered by that
 * instance: {@link KeyQueryMetadata} names its host and the request is forwarded over HTTP
 * unchanged, the way KafkaMusicExample's REST layer routes.
 */
public final class QueryService {
  private static final Map<String, String> CANDLE_STORES =
      Map.of("1m", OhlcvTopology.OHLCV_1M_STORE, "5m", OhlcvTopology.OHLCV_5M_STORE, "1h", OhlcvTopology.OHLCV_1H_STORE);
  private static final Map<String, Duration> CANDLE_SIZES =
      Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1));

  private static final Duration MINUTE = Duration.ofMinutes(1);
  /** Upper bound of window-start fetches: replayed captures are years old, live data is now. */
  private static final Instant FAR_FUTURE = Instant.parse("2200-01-01T00:00:00Z");

  private final KafkaStreams streams;
  private final HostInfo self;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public QueryService(KafkaStreams streams, HostInfo self, Clock clock) {
    this.streams = streams;
    this.self = self;
    this.clock = clock;
  }

  /** The answer: a status and a JSON body. */
  public record Answer(int status, String body) {}

  /** The state of the Streams client. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Where a key of a store lives: empty when here, else the owning host. */
  Optional<HostInfo> owner(String store, String key) {
    KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new IllegalStateException("store " + store + " not available (rebalancing?)");
    }
    HostInfo active = meta.activeHost();
    return active.equals(self) || active.equals(HostInfo.unavailable()) ? Optional.empty() : Optional.of(active);
  }

  Answer forward(HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .header("X-Ticklake-Forwarded", "1")
        .GET()
        .build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    return new Answer(resp.statusCode(), resp.body());
  }

  public Answer quote(String venue, String symbol) {
    Quote q = kv(OfiTopology.LAST_QUOTE_STORE, Quote.class).get(Keys.of(venue, symbol));
    return q == null ? notFound(venue, symbol) : ok(QueryJson.quote(q, clock.instant()));
  }

  /**
   * OFI since the start of the UTC day of the newest data, up to the newest update: the running
   * value through the last closed minute plus the open minutes and open seconds since, and the last
   * closed minute on its own.
   */
  public Answer ofi(String venue, String symbol) {
    String key = Keys.of(venue, symbol);
    // Every second after the last minute folded into the day: the open ones, then the closed ones
    // (a second closing between the two reads is in both: counted once), then the day again (a
    // minute folded in meanwhile moves closedThrough past its seconds). Stores are read while the
    // stream threads write them.
    ReadOnlyKeyValueStore<String, Ofi> days = kv(OfiTopology.OFI_DAY_STORE, Ofi.class);
    Ofi before = days.get(key);
    List<Ofi> openSeconds =
        streams.store(StoreQueryParameters.fromNameAndType(
                OfiTopology.OFI_1S_OPEN_STORE, QueryableStoreTypes.<String, List<Ofi>>keyValueStore()))
            .get(key);
    Map<Instant, Ofi> seconds = new TreeMap<>();
    for (Ofi o : openSeconds == null ? List.<Ofi>of() : openSeconds) {
      seconds.put(o.getWindowStart(), o);
    }
    List<Ofi> closedSeconds = openWindows(OfiTopology.OFI_1S_CLOSED_STORE, key, before == null ? Instant.EPOCH : before.getWindowEnd());
    for (Ofi o : closedSeconds) {
      seconds.put(o.getWindowStart(), o);
    }
    Ofi day = days.get(key);
    Instant closedThrough = day == null ? Instant.EPOCH : day.getWindowEnd();
    List<Ofi> open = new ArrayList<>();
    for (Ofi o : seconds.values()) {
      if (!o.getWindowStart().isBefore(closedThrough)) {
        open.add(o);
      }
    }
    Instant newest = day == null ? null : day.getEventTime();
    for (Ofi o : open) {
      newest = newest == null || o.getEventTime().isAfter(newest) ? o.getEventTime() : newest;
    }
    if (newest == null) {
      return notFound(venue, symbol);
    }
    Instant dayStart = Times.utcDayStart(newest);
    Ofi total =
        day != null && day.getWindowStart().equals(dayStart)
            ? day
            : Ofi.newBuilder(OfiAggregator.empty()).setVenue(venue).setSymbol(symbol).setWindowStart(dayStart).build();
    OfiAggregator sum = new OfiAggregator();
    Instant end = total.getWindowEnd();
    for (Ofi o : open) {
      if (!o.getWindowStart().isBefore(dayStart)) {
        total = sum.apply(key, o, total);
        end = o.getWindowEnd().isAfter(end) ? o.getWindowEnd() : end;
      }
    }
    total = Ofi.newBuilder(total).setWindow("day").setWindowStart(dayStart).setWindowEnd(end).build();
    Ofi lastMinute = null;
    if (day != null && day.getWindowStart().equals(dayStart)) {
      lastMinute = lastClosedMinute(OfiTopology.OFI_1M_STORE, key, day.getWindowEnd());
      if (lastMinute != null) {
        lastMinute = OfiAggregator.close(lastMinute, "1m", day.getWindowEnd().minus(MINUTE), day.getWindowEnd());
      }
    }
    Instant through = day != null && day.getWindowStart().equals(dayStart) ? day.getWindowEnd() : null;
    return ok(QueryJson.ofi(total, through, lastMinute, clock.instant()));
  }

  /**
   * CVD since the start of the UTC day of the newest trade: the cumulative value through the last
   * closed minute plus the deltas of the minutes still open, and the last closed minute.
   */
  public Answer cvd(String venue, String symbol) {
    String key = Keys.of(venue, symbol);
    // Open minutes first, then the day: a minute closing between the reads is in the day, and left
    // out of the open ones by closedThrough.
    List<Candle> openCandles = openMinutes(key);
    Cvd last = kv(CvdTopology.CVD_DAY_STORE, Cvd.class).get(key);
    Instant closedThrough = last == null ? Instant.EPOCH : last.getWindowEnd();
    List<Cvd> open = openCvdMinutes(openCandles, closedThrough);
    Instant newest = last == null ? null : last.getEventTime();
    for (Cvd c : open) {
      newest = newest == null || c.getEventTime().isAfter(newest) ? c.getEventTime() : newest;
    }
    if (newest == null) {
      return notFound(venue, symbol);
    }
    Instant dayStart = Times.utcDayStart(newest);
    boolean sameDay = last != null && Times.utcDayStart(last.getWindowStart()).equals(dayStart);
    BigDecimal cumulative = sameDay ? last.getCumulative() : BigDecimal.ZERO;
    long trades = 0;
    Instant end = sameDay ? last.getWindowEnd() : dayStart;
    for (Cvd c : open) {
      if (!c.getWindowStart().isBefore(dayStart)) {
        cumulative = cumulative.add(c.getDelta());
        trades += c.getTradeCount();
        end = c.getWindowEnd().isAfter(end) ? c.getWindowEnd() : end;
      }
    }
    return ok(
        QueryJson.cvd(
            venue, symbol, dayStart, end, cumulative, trades, sameDay ? last : null, newest, clock.instant()));
  }

  /**
   * CVD of the minutes starting at or after {@code from}, oldest first, read off the 1-minute
   * candle aggregates (see {@code CvdTopology}).
   */
  private static List<Cvd> openCvdMinutes(List<Candle> openCandles, Instant from) {
    List<Cvd> out = new ArrayList<>();
    for (Candle c : openCandles) {
      Instant start = minuteOf(c);
      if (!start.isBefore(from)) {
        out.add(withBounds(CvdCalculator.ofCandle(c), start, start.plus(MINUTE)));
      }
    }
    return out;
  }

  /** Windows of a window store starting at or after {@code from}, oldest first, bounds set. */
  private <V> List<V> openWindows(String storeName, String key, Instant from) {
    ReadOnlyWindowStore<String, V> store =
        streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>windowStore()));
    List<V> out = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, V> it = store.fetch(key, key, from, FAR_FUTURE)) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, V> kv = it.next();
        out.add(withBounds(kv.value, kv.key.window().startTime(), kv.key.window().endTime()));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <V> V withBounds(V v, Instant start, Instant end) {
    if (v instanceof Ofi o) {
      return (V) Ofi.newBuilder(o).setWindowStart(start).setWindowEnd(end).build();
    }
    if (v instanceof Cvd c) {
      return (V) Cvd.newBuilder(c).setWindowStart(start).setWindowEnd(end).build();
    }
    return v;
  }

  private <V> V lastClosedMinute(String storeName, String key, Instant end) {
    ReadOnlyWindowStore<String, V> store =
        streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>windowStore()));
    return store.fetch(key, end.minus(MINUTE).toEpochMilli());
  }

  /** The store of an interval's candles ("1m", "5m", "1h"), or null. */
  static String candleStore(String interval) {
    return CANDLE_STORES.get(interval);
  }

  /**
   * The newest {@code limit} candles, in-progress ones included (closed=false). 1-minute candles
   * are closed when their window has closed in stream time (they are then in the lake); a rollup
   * counts as closed once its end has passed by the wall clock.
   */
  public Answer candles(String venue, String symbol, String interval, int limit) {
    String storeName = CANDLE_STORES.get(interval);
    if (storeName == null) {
      return new Answer(400, "{\"error\":\"interval must be 1m, 5m or 1h\"}");
    }
    ReadOnlyWindowStore<String, Candle> store =
        streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, Candle>windowStore()));
    Instant now = clock.instant();
    Duration size = CANDLE_SIZES.get(interval);
    List<Candle> out = new ArrayList<>();
    Instant asOf = null;
    String key = Keys.of(venue, symbol);
    // Open 1-minute candles first, then the closed ones: a minute closing between the two reads is
    // answered once, as closed.
    List<Candle> open = interval.equals("1m") ? openMinutes(key) : List.of();
    List<KeyValue<Windowed<String>, Candle>> stored = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, Candle> it = store.backwardFetch(key, key, Instant.EPOCH, FAR_FUTURE)) {
      while (it.hasNext() && stored.size() < limit) {
        stored.add(it.next());
      }
    }
    Instant newestStored = stored.isEmpty() ? null : stored.get(0).key.window().startTime();
    for (int i = open.size() - 1; i >= 0 && out.size() < limit; i--) {
      Candle c = open.get(i);
      Instant start = minuteOf(c);
      if (newestStored == null || start.isAfter(newestStored)) {
        asOf = asOf == null ? c.getCloseTime() : asOf; // in progress: time of the last trade
        out.add(answered(c, start, start.plus(size), false));
      }
    }
    for (KeyValue<Windowed<String>, Candle> kv : stored) {
      if (out.size() >= limit) {
        break;
      }
      Candle c = kv.value;
      Instant end = kv.key.window().endTime();
      boolean closed = interval.equals("1m") || !end.isAfter(now);
      if (asOf == null) {
        asOf = closed ? end : c.getCloseTime(); // in progress: time of the last trade
      }
      out.add(answered(c, kv.key.window().startTime(), end, closed));
    }
    return ok(QueryJson.candles(venue, symbol, interval, out, asOf, now));
  }

  private static Candle answered(Candle c, Instant start, Instant end, boolean closed) {
    return OhlcvAggregator.withVwap(Candle.newBuilder(c).setOpenTime(start).setCloseTime(end).setClosed(closed).build());
  }

  /** The open 1-minute candles of a key, oldest first, as aggregated so far. */
  private List<Candle> openMinutes(String key) {
    List<Candle> open =
        streams.store(StoreQueryParameters.fromNameAndType(
                OhlcvTopology.OHLCV_1M_OPEN_STORE, QueryableStoreTypes.<String, List<Candle>>keyValueStore()))
            .get(key);
    return open == null ? List.of() : open;
  }

  /** The minute of an open candle (its openTime is its first trade's time). */
  private static Instant minuteOf(Candle open) {
    return Instant.ofEpochMilli(ClosingWindows.windowStart(open.getOpenTime().toEpochMilli(), MINUTE.toMillis()));
  }

  /**
   * The candle self-audit ({@link io.ticklake.streams.dq.CandleAudit}) per venue and per stream:
   * minutes audited, matched, differing, candles left unmatched, the last difference. The streams
   * of this instance, and, unless {@code forwarded}, those of every other instance (asked once).
   */
  public Answer audit(boolean forwarded) throws IOException, InterruptedException {
    com.fasterxml.jackson.databind.node.ArrayNode rows = QueryJson.MAPPER.createArrayNode();
    try (KeyValueIterator<String, String> it = kv(io.ticklake.streams.dq.CandleAudit.TALLY_STORE, String.class).all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (!io.ticklake.streams.dq.CandleAudit.isTally(kv.key)) {
          continue;
        }
        rows.add(QueryJson.auditStream(kv.key, io.ticklake.streams.dq.CandleAudit.Tally.parse(kv.value)));
      }
    }
    if (!forwarded) {
      for (org.apache.kafka.streams.StreamsMetadata m : streams.streamsMetadataForStore(io.ticklake.streams.dq.CandleAudit.TALLY_STORE)) {
        if (!m.hostInfo().equals(self)) {
          Answer other = forward(m.hostInfo(), "/api/v1/audit");
          if (other.status() != 200) {
            return new Answer(503, "{\"error\":\"instance " + m.hostInfo() + " answered " + other.status() + "\"}");
          }
          QueryJson.MAPPER.readTree(other.body()).path("streams").forEach(rows::add);
        }
      }
    }
    return ok(QueryJson.audit(rows, clock.instant()));
  }

  private <V> ReadOnlyKeyValueStore<String, V> kv(String name, Class<V> type) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  private static Answer ok(ObjectNode n) {
    return new Answer(200, n.toString());
  }

  private static Answer notFound(String venue, String symbol) {
    return new Answer(404, "{\"error\":\"no data for " + venue + ":" + symbol + "\"}");
  }
}
