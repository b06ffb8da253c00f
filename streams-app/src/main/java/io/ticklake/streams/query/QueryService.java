package io.ticklake.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.streams.cvd.CvdTopology;
import io.ticklake.streams.internal.Keys;
import io.ticklake.streams.ofi.OfiTopology;
import io.ticklake.streams.ohlcv.OhlcvTopology;
import java.io.IOException;
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

  public Answer ofi(String venue, String symbol) {
    Ofi o = kv(OfiTopology.OFI_DAY_STORE, Ofi.class).get(Keys.of(venue, symbol));
    return o == null ? notFound(venue, symbol) : ok(QueryJson.ofi(o, clock.instant()));
  }

  public Answer cvd(String venue, String symbol) {
    Cvd c = kv(CvdTopology.CVD_DAY_STORE, Cvd.class).get(Keys.of(venue, symbol));
    return c == null ? notFound(venue, symbol) : ok(QueryJson.cvd(c, clock.instant()));
  }

  /** The newest {@code limit} candles, in-progress ones included (closed=false). */
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
    try (KeyValueIterator<Windowed<String>, Candle> it =
        store.backwardFetch(key, key, now.minus(Duration.ofDays(7)), now.plus(size))) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<Windowed<String>, Candle> kv = it.next();
        Candle c = kv.value;
        Instant end = kv.key.window().endTime();
        boolean closed = !end.isAfter(now);
        if (asOf == null) {
          asOf = closed ? end : c.getCloseTime(); // in progress: time of the last trade
        }
        out.add(Candle.newBuilder(c).setOpenTime(kv.key.window().startTime()).setCloseTime(end).setClosed(closed).build());
      }
    }
    return ok(QueryJson.candles(venue, symbol, interval, out, asOf, now));
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
